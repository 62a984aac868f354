// Plans for the TLS/plaintext mismatch. The path that keeps the data (issue 4):
//   1. provider >= 5.47.0, 2. engine upgrade in its own apply (below 7.0.5), 3. flag + mode "preferred" in one
//   apply (in place), 4. clients to rediss:// and the TLS host names, 5. mode "required".
import { hclValue } from '../hcl/edit.js';
import { Workspace, rawValue, resolveTarget } from '../terraform/workspace.js';
import type { AttributeSet } from '../hcl/edit.js';
import type { TfContext } from '../plan.js';
import { concreteAttr, constraintMajor, raisedConstraint, rewriteProviderConstraint } from '../facts.js';
import { setOnGroup, sharedModuleWarning } from '../plan.js';
import { cliTransit, cliUpgradeEngine, cloudFormationChange, engineVersionAttr, sketchResource } from '../sketch.js';
import { addClient, buildClient, currentHost, tlsNamesSentence, type PlanInput } from './common.js';

const FLAG_AFTER = ['at_rest_encryption_enabled', 'auth_token', 'engine_version', 'engine', 'port', 'node_type'];
const MODE_AFTER = ['transit_encryption_enabled', ...FLAG_AFTER];
const TARGET_REDIS = '7.1';

function address(p: PlanInput): string {
  return p.tf?.cand?.address ?? `the replication group${p.groupId ? ` ${p.groupId}` : ''}`;
}

function engineWarning(p: PlanInput): string {
  const e = p.engine;
  return `Do not simply add transit_encryption_enabled = true: the running engine is ${e.engine} ${e.version}${e.source === 'terraform' ? ' (as configured in engine_version; the live check was not available)' : ' (from AWS)'}, below 7.0.5, so terraform-provider-aws forces a replacement of ${address(p)}. Replacement deletes the group and creates it again empty, with new host names, and AWS takes no final snapshot unless final_snapshot_identifier is set. Raising engine_version in the same apply does not help: the provider decides on engine_version_actual, the running version. Upgrade the engine in its own apply first.`;
}

function providerWarning(p: PlanInput): string {
  const v = p.provider;
  return `The AWS provider is ${v.version} (${v.source === 'lock' ? '.terraform.lock.hcl' : 'required_providers'}), older than 5.47.0: there every change of transit_encryption_enabled replaces the group and its data, and transit_encryption_mode does not exist. Raise the provider first.`;
}

/**
 * The mode attribute to write. When the flag comes from a variable (per environment, per module call) but the
 * mode would be written into the shared resource, tie the mode to the flag so environments with TLS off get null.
 */
function modeSet(tf: TfContext, ws: Workspace, mode: 'preferred' | 'required'): AttributeSet {
  const plain: AttributeSet = { name: 'transit_encryption_mode', value: hclValue(mode), after: MODE_AFTER };
  const cand = tf.cand!;
  if (cand.kind !== 'resource') return plain;
  const inResource = (r: ReturnType<typeof resolveTarget>) => 'target' in r && r.target.file === cand.file.rel && r.target.where.startsWith(cand.address);
  const flag = resolveTarget(ws, tf.tree, cand, 'transit_encryption_enabled');
  const modeTarget = resolveTarget(ws, tf.tree, cand, 'transit_encryption_mode');
  if (!('target' in flag) || inResource(flag) || !inResource(modeTarget)) return plain;
  const here = (modeTarget as { target: Parameters<typeof rawValue>[1] }).target;
  const flagRaw = rawValue(ws, { ...here, attribute: 'transit_encryption_enabled' });
  if (!flagRaw || !/^var\.[A-Za-z_][\w-]*$/.test(flagRaw.trim())) return plain;
  return { ...plain, value: `${flagRaw.trim()} ? ${hclValue(mode)} : null` };
}

/** Parameter group to use with the upgraded engine, when the current one is a default group. */
function upgradedParameterGroup(current: string | undefined): string | undefined {
  if (!current) return undefined;
  const m = /^default\.redis[0-9.x]+(\.cluster\.on)?$/.exec(current);
  return m ? `default.redis7${m[1] ?? ''}` : undefined;
}

function stepsWithTerraform(p: PlanInput): void {
  const { b } = p;
  const tf = p.tf!;
  const cand = tf.cand!;
  const ws = tf.ws;
  const engineBelow = p.engine.verdict === 'below';
  const providerBelow = p.provider.verdict === 'below';
  const shared = sharedModuleWarning(tf);

  // The warnings come first: nothing below is applied before they are read.
  if (engineBelow) b.warn(engineWarning(p));
  if (providerBelow) b.warn(providerWarning(p));
  if (p.engine.verdict === 'unknown') {
    b.warn(`The running engine version is not known${p.engine.version ? ` (engine_version is "${p.engine.version}", which may run below 7.0.5)` : ''}. Below 7.0.5 enabling TLS replaces the group and loses its data: check engine_version_actual (terraform state show ${cand.address}) before applying.`);
  }
  if (shared) b.warn(shared);

  // (c) The provider.
  if (providerBelow || p.provider.verdict === 'unknown') {
    const c = p.provider.constraint;
    const lockNote = p.provider.source === 'lock' ? ` .terraform.lock.hcl pins ${p.provider.version}: run terraform init -upgrade so it records 5.47.0 or later.` : '';
    if (c && (p.provider.constraintBlocks || p.provider.verdict === 'unknown')) {
      const next = raisedConstraint(c.value);
      const major = constraintMajor(c.value);
      const warnings = major !== undefined && major < 5 ? [`Moving the AWS provider from ${major}.x to 5.x is a major upgrade: read the provider's version 5 upgrade guide and run terraform plan before anything else.`] : [];
      b.terraformStep(
        `Raise the AWS provider to 5.47.0 or later (required_providers: "${c.value}" -> "${next}"), run terraform init -upgrade, and apply nothing else with it: terraform plan should show no change to the group.${lockNote}`,
        ws, (w) => (w.canEdit(c.file) && rewriteProviderConstraint(w, c.file, next) ? [] : [`Change the aws version constraint in ${c.file} by hand.`]),
        { description: 'provider constraint', warnings },
      );
    } else {
      b.step(`Raise the AWS provider to 5.47.0 or later: terraform init -upgrade.${lockNote} terraform plan should then show no change to the group.`);
    }
  }

  // (b) The engine, in its own apply.
  if (engineBelow) {
    const isValkey = p.engine.engine.toLowerCase() === 'valkey';
    const target = isValkey ? '7.2' : TARGET_REDIS;
    const pg = concreteAttr(cand, tf.ev, 'parameter_group_name');
    const nextPg = upgradedParameterGroup(pg);
    const pgNote = cand.attrs.parameter_group_name !== undefined && !nextPg
      ? ` The parameter group ${pg ?? String(cand.attrs.parameter_group_name)} must be of the redis7 family: create one (aws_elasticache_parameter_group with family = "redis7") and point parameter_group_name at it in this same apply.`
      : '';
    b.terraformStep(
      `Upgrade the engine in its own apply: engine_version = "${target}"${nextPg ? ` with parameter_group_name = "${nextPg}"` : ''}. Without apply_immediately it waits for the maintenance window; replicas are upgraded first and the primary fails over, so clients see a short reconnect. Before the next step, confirm engine_version_actual is 7.0.5 or later (terraform state show ${cand.address}).${pgNote}`,
      ws, (w) => setOnGroup(tf, w, [
        { name: 'engine_version', value: hclValue(target), after: ['engine', 'node_type'] },
        ...(nextPg ? [{ name: 'parameter_group_name', value: hclValue(nextPg), after: ['engine_version'] }] : []),
      ]),
      { description: 'engine upgrade' },
    );
  }

  // (a) In place, preferred, then required.
  const enable = b.terraformStep(
    `Enable in-transit encryption in place: transit_encryption_enabled = true together with transit_encryption_mode = "preferred", in one apply. TLS and plaintext clients both keep working. Before applying, terraform plan must show "update in-place" for ${cand.address}; if it says "must be replaced", stop.`,
    ws, (w) => setOnGroup(tf, w, [
      { name: 'transit_encryption_enabled', value: 'true', after: FLAG_AFTER },
      modeSet(tf, w, 'preferred'),
    ]),
    { description: 'enable TLS, mode preferred' },
  );
  b.step(`Move every client to TLS (rediss:// or the library's TLS option) and to ${tlsNamesSentence(p)}. Both kinds of names resolve while the mode is preferred.`);
  addClient(p, 'Connect with TLS to the TLS host name', {});
  b.terraformStep(
    `When no plaintext client is left, set transit_encryption_mode = "required" in a later apply. From then on only TLS connections are accepted and the plaintext host names stop working.`,
    ws, (w) => setOnGroup(tf, w, [modeSet(tf, w, 'required')]),
    { description: 'mode required' },
  );
  void enable;

  // The replacement, only for disposable data, taken against the files as they are now.
  if (engineBelow || providerBelow) {
    const alt = new Workspace(tf.tree);
    const snapshotName = `${p.groupId ?? cand.name}-before-tls`.replace(/[^A-Za-z0-9-]/g, '-');
    const warning = `This diff REPLACES ${cand.address}: terraform apply deletes the group, every key in it is lost, clients fail until the new group is available (typically tens of minutes), and the new group has new TLS host names. final_snapshot_identifier keeps a snapshot "${snapshotName}" of the old data.`;
    b.terraformStep(
      `Alternative, only if the data is disposable (a cache you can refill): replace the group with TLS on instead of steps above. ${warning}`,
      alt, (w) => setOnGroup(tf, w, [
        { name: 'transit_encryption_enabled', value: 'true', after: FLAG_AFTER },
        { name: 'final_snapshot_identifier', value: hclValue(snapshotName), after: ['transit_encryption_enabled', 'snapshot_retention_limit', 'snapshot_window'] },
      ]),
      { description: 'replacement (data loss)', replaces: true, warnings: [warning], alternative: true },
    );
  }
}

function stepsWithoutTerraform(p: PlanInput): void {
  const { b, group } = p;
  const engineBelow = p.engine.verdict === 'below';
  if (p.provider.verdict === 'below') b.warn(providerWarning(p));
  if (!group) {
    b.step(`Check the group's engine first: aws elasticache describe-cache-clusters --cache-cluster-id ${p.groupId ?? '<group-id>'}-001 --query 'CacheClusters[0].EngineVersion'. Enabling TLS in place needs 7.0.5 or later; below that, upgrade the engine first.`);
    const g = p.groupId ?? '<group-id>';
    b.fix.awsCli = [
      `aws elasticache modify-replication-group --replication-group-id ${g} --transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately`,
      `aws elasticache modify-replication-group --replication-group-id ${g} --transit-encryption-mode required --apply-immediately`,
    ];
  } else {
    if (engineBelow) b.warn(engineWarning(p));
    const target = p.engine.engine.toLowerCase() === 'valkey' ? '7.2' : TARGET_REDIS;
    // A sketch only when no Terraform names the group (not when several candidates were found).
    if (!p.tf || p.tf.loc.candidates.length === 0) b.fix.terraformSketch = sketchResource(group, { transitEnabled: true, transitMode: 'preferred', engineVersion: engineBelow ? target : engineVersionAttr(group.engineVersion) });
    b.fix.awsCli = [
      ...(engineBelow ? [cliUpgradeEngine(group, target)] : []),
      cliTransit(group, 'preferred', true),
      cliTransit(group, 'required', false),
    ];
    const cfn = cloudFormationChange(group, 'preferred', engineBelow ? target : undefined);
    if (cfn) b.fix.cloudFormation = cfn;
    if (engineBelow) b.step(`Upgrade the engine to ${target} on its own (AWS rejects the transit encryption mode below 7.0.5).`);
    b.step('Enable in-transit encryption with mode "preferred" in one request (the AWS CLI command below, or the CloudFormation change when a stack owns the group). TLS and plaintext clients both keep working.');
  }
  b.warn('If Terraform or CloudFormation manages this group, change it there, not with the CLI: the next terraform apply would set transit encryption back, and with a provider older than 5.47.0 or an engine below 7.0.5 it would replace the group.');
  b.step(`Move every client to TLS (rediss:// or the library's TLS option) and to ${tlsNamesSentence(p)}.`);
  addClient(p, 'Connect with TLS to the TLS host name', {});
  b.step('When no plaintext client is left, set the mode to "required". The plaintext host names stop working then.');
}

export function planTlsToPlaintext(p: PlanInput): void {
  const { b, group } = p;
  if (group?.transitEncryptionEnabled === true) {
    b.note(`AWS reports in-transit encryption already enabled on ${group.replicationGroupId} (mode ${group.transitEncryptionMode ?? 'unknown'}): the TLS client should connect. Check the host name and port it dials (another group, a proxy, a plaintext port).`);
    addClient(p, 'Connect with TLS to the TLS host name', {});
    return;
  }
  if (group?.pendingTransitEncryptionEnabled === true) {
    b.note('AWS shows in-transit encryption as a pending modification: it applies at the next maintenance window unless it was requested with apply_immediately.');
  }
  if (p.tf?.cand) stepsWithTerraform(p);
  else stepsWithoutTerraform(p);

  // (d) The quick alternative, stated for what it is.
  const plainHost = p.group?.endpoints.find((e) => e.role === (p.cluster ? 'configuration' : 'primary'))?.host ?? currentHost(p);
  b.step(`Quick alternative, insecure: drop TLS on the client (redis:// and ${plainHost}). Everything, including any AUTH token, then crosses the network unencrypted, and checks such as Security Hub ElastiCache.5 and Checkov CKV_AWS_30 keep flagging the group. Use it only to restore service while the steps above are scheduled.`);
  b.clientAlternative(buildClient(p, 'INSECURE quick alternative: plaintext, no TLS', { tls: false, host: plainHost }));
}

export function planPlaintextToTls(p: PlanInput): void {
  const { b, group } = p;
  const mode = group?.transitEncryptionMode ?? (p.tf?.cand ? concreteAttr(p.tf.cand, p.tf.ev, 'transit_encryption_mode') : undefined);
  const rbac = (group?.userGroupIds.length ?? 0) > 0 || p.tf?.cand?.attrs.user_group_ids !== undefined;
  b.step(`Switch the client to TLS: rediss:// (or the library's TLS option) and ${tlsNamesSentence(p)}.`);
  addClient(p, 'Connect with TLS to the TLS host name', {});

  if (mode === 'required') {
    if (rbac) {
      b.warn('The group uses RBAC user groups, and "preferred" mode is not supported together with RBAC: the clients have to move to TLS directly.');
    } else if (p.engine.verdict !== 'below') {
      const text = 'If many clients still speak plaintext, go back to transit_encryption_mode = "preferred" while they migrate (both kinds of connection are accepted), then set "required" again.';
      if (p.tf?.cand) {
        b.terraformStep(text, p.tf.ws, (w) => setOnGroup(p.tf!, w, [{ name: 'transit_encryption_mode', value: hclValue('preferred'), after: MODE_AFTER }]), { description: 'back to preferred while clients migrate' });
        b.terraformStep('When every client uses TLS, set transit_encryption_mode = "required" again.', p.tf.ws,
          (w) => setOnGroup(p.tf!, w, [{ name: 'transit_encryption_mode', value: hclValue('required'), after: MODE_AFTER }]), { description: 'mode required' });
      } else {
        b.step(text);
        if (group) b.fix.awsCli = [cliTransit(group, 'preferred', false), cliTransit(group, 'required', false)];
      }
    }
  } else if (mode === 'preferred') {
    b.note('The group is in mode "preferred": plaintext and TLS connections are both accepted. A plaintext client that is reset here is probably dialing another endpoint or port; check it.');
    const text = 'When every client uses TLS, finish the migration: transit_encryption_mode = "required". The plaintext host names stop working then.';
    if (p.tf?.cand) b.terraformStep(text, p.tf.ws, (w) => setOnGroup(p.tf!, w, [{ name: 'transit_encryption_mode', value: hclValue('required'), after: MODE_AFTER }]), { description: 'mode required' });
    else b.step(text);
  }
}
