// Without a Terraform tree: a resource block synthesised from live facts (clearly labelled as a sketch),
// the equivalent AWS CLI commands, and the CloudFormation change when a stack owns the group.
import type { GroupFacts } from '../live/types.js';

const STACK_TAG = 'aws:cloudformation:stack-name';

function tfName(id: string): string {
  const n = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(n) ? n : `g_${n}`;
}

function aligned(rows: [string, string][], indent = '  '): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

/** The minor version to write in engine_version (7+ takes major.minor). */
export function engineVersionAttr(version: string | null | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  return Number(m[1]) >= 7 ? `${m[1]}.${m[2]}` : `${m[1]}.x`;
}

export interface SketchOptions {
  transitEnabled: boolean;
  transitMode?: 'preferred' | 'required';
  engineVersion?: string;
}

export function sketchResource(group: GroupFacts, o: SketchOptions): string {
  const rows: [string, string][] = [
    ['replication_group_id', JSON.stringify(group.replicationGroupId)],
    ['description', '"TODO: the group\'s description (AWS did not return it here)"'],
  ];
  if (group.engine) rows.push(['engine', JSON.stringify(group.engine)]);
  const ev = o.engineVersion ?? engineVersionAttr(group.engineVersion);
  if (ev) rows.push(['engine_version', JSON.stringify(ev)]);
  if (group.nodeType) rows.push(['node_type', JSON.stringify(group.nodeType)]);
  if (group.clusterEnabled) {
    if (group.numNodeGroups != null) rows.push(['num_node_groups', String(group.numNodeGroups)]);
    if (group.replicasPerNodeGroup != null) rows.push(['replicas_per_node_group', String(group.replicasPerNodeGroup)]);
  } else if (group.memberClusters.length > 0) {
    rows.push(['num_cache_clusters', String(group.memberClusters.length)]);
  }
  const port = group.endpoints[0]?.port;
  if (port) rows.push(['port', String(port)]);
  if (group.atRestEncryptionEnabled != null) rows.push(['at_rest_encryption_enabled', String(group.atRestEncryptionEnabled)]);
  rows.push(['transit_encryption_enabled', String(o.transitEnabled)]);
  if (o.transitMode) rows.push(['transit_encryption_mode', JSON.stringify(o.transitMode)]);
  if (group.userGroupIds.length > 0) rows.push(['user_group_ids', `[${group.userGroupIds.map((g) => JSON.stringify(g)).join(', ')}]`]);
  const name = tfName(group.replicationGroupId);
  return [
    '# SKETCH synthesised from live AWS facts, not from your Terraform. It is incomplete (subnet group,',
    '# security groups, parameter group, maintenance window are not shown). If you adopt it, import the',
    '# existing group first so Terraform updates it instead of creating a second one:',
    `#   terraform import aws_elasticache_replication_group.${name} ${group.replicationGroupId}`,
    `resource "aws_elasticache_replication_group" "${name}" {`,
    ...aligned(rows),
    '}',
  ].join('\n');
}

function region(group: GroupFacts): string {
  return group.region ? ` --region ${group.region}` : '';
}

export function cliUpgradeEngine(group: GroupFacts, version: string, parameterGroup?: string): string {
  return `aws elasticache modify-replication-group --replication-group-id ${group.replicationGroupId} --engine-version ${version}${parameterGroup ? ` --cache-parameter-group-name ${parameterGroup}` : ''} --apply-immediately${region(group)}`;
}

export function cliTransit(group: GroupFacts, mode: 'preferred' | 'required', enable: boolean): string {
  return `aws elasticache modify-replication-group --replication-group-id ${group.replicationGroupId}${enable ? ' --transit-encryption-enabled' : ''} --transit-encryption-mode ${mode} --apply-immediately${region(group)}`;
}

export function stackName(group: GroupFacts | undefined): string | undefined {
  return group?.tags?.[STACK_TAG];
}

/** The CloudFormation properties to change, when the group carries the aws:cloudformation:stack-name tag. */
export function cloudFormationChange(group: GroupFacts, mode: 'preferred' | 'required', engineVersion?: string): string | undefined {
  const stack = stackName(group);
  if (!stack) return undefined;
  return [
    `# Stack "${stack}" owns ${group.replicationGroupId}: change its AWS::ElastiCache::ReplicationGroup and update the stack.`,
    '# TransitEncryptionEnabled and TransitEncryptionMode update with no interruption.',
    ...(engineVersion ? [`# First, in a stack update of its own: EngineVersion: "${engineVersion}" (the running engine is below 7.0.5).`] : []),
    'Properties:',
    '  TransitEncryptionEnabled: true',
    `  TransitEncryptionMode: ${mode}${mode === 'preferred' ? '   # a later stack update sets required' : ''}`,
  ].join('\n');
}
