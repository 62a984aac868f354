/** Maps the SDK's ReplicationGroup / CacheCluster / ServerlessCache shapes onto our GroupFacts contract. */
import type { CacheCluster, ReplicationGroup, ServerlessCache } from '@aws-sdk/client-elasticache';
import type { GroupFacts } from './types.js';

function mode(value: string | undefined): 'preferred' | 'required' | null {
  return value === 'preferred' || value === 'required' ? value : null;
}

function accountFromArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

export function factsFromReplicationGroup(rg: ReplicationGroup, region: string): GroupFacts {
  const endpoints: GroupFacts['endpoints'] = [];
  const first = rg.NodeGroups?.[0];
  if (rg.ConfigurationEndpoint?.Address) {
    endpoints.push({ role: 'configuration', host: rg.ConfigurationEndpoint.Address, port: rg.ConfigurationEndpoint.Port ?? 6379 });
  }
  if (first?.PrimaryEndpoint?.Address) endpoints.push({ role: 'primary', host: first.PrimaryEndpoint.Address, port: first.PrimaryEndpoint.Port ?? 6379 });
  if (first?.ReaderEndpoint?.Address) endpoints.push({ role: 'reader', host: first.ReaderEndpoint.Address, port: first.ReaderEndpoint.Port ?? 6379 });
  const nodeHosts = (rg.NodeGroups ?? []).flatMap((ng) => (ng.NodeGroupMembers ?? []).map((m) => m.ReadEndpoint?.Address).filter((a): a is string => !!a));
  const pending = rg.PendingModifiedValues;
  const members = first?.NodeGroupMembers?.length;
  const accountId = accountFromArn(rg.ARN);
  return {
    kind: 'replication-group',
    replicationGroupId: rg.ReplicationGroupId ?? '',
    region,
    ...(accountId ? { accountId } : {}),
    ...(rg.ARN ? { arn: rg.ARN } : {}),
    ...(rg.Status ? { status: rg.Status } : {}),
    transitEncryptionEnabled: rg.TransitEncryptionEnabled ?? null,
    transitEncryptionMode: mode(rg.TransitEncryptionMode),
    pendingTransitEncryptionEnabled: pending?.TransitEncryptionEnabled ?? null,
    pendingTransitEncryptionMode: mode(pending?.TransitEncryptionMode),
    atRestEncryptionEnabled: rg.AtRestEncryptionEnabled ?? null,
    authTokenEnabled: rg.AuthTokenEnabled ?? null,
    authTokenLastModifiedDate: rg.AuthTokenLastModifiedDate ? rg.AuthTokenLastModifiedDate.toISOString() : null,
    userGroupIds: rg.UserGroupIds ?? [],
    clusterEnabled: rg.ClusterEnabled ?? null,
    clusterMode: rg.ClusterMode ?? null,
    nodeType: rg.CacheNodeType ?? null,
    numNodeGroups: rg.NodeGroups?.length ?? null,
    replicasPerNodeGroup: members ? members - 1 : null,
    globalReplicationGroupId: rg.GlobalReplicationGroupInfo?.GlobalReplicationGroupId ?? null,
    engine: rg.Engine ?? null,
    engineVersion: null,
    endpoints,
    ...(nodeHosts.length ? { nodeEndpoints: nodeHosts } : {}),
    memberClusters: rg.MemberClusters ?? [],
  };
}

/** The group object carries no engine version: read it from a member cluster. */
export function withClusterFacts(facts: GroupFacts, cluster: CacheCluster): GroupFacts {
  return { ...facts, engine: cluster.Engine ?? facts.engine, engineVersion: cluster.EngineVersion ?? null };
}

/** Serverless caches always use TLS and have no transit-encryption setting; auth is RBAC (a user group) only. */
export function factsFromServerless(sc: ServerlessCache, region: string): GroupFacts {
  const endpoints: GroupFacts['endpoints'] = [];
  if (sc.Endpoint?.Address) endpoints.push({ role: 'serverless', host: sc.Endpoint.Address, port: sc.Endpoint.Port ?? 6379 });
  if (sc.ReaderEndpoint?.Address) endpoints.push({ role: 'reader', host: sc.ReaderEndpoint.Address, port: sc.ReaderEndpoint.Port ?? 6380 });
  const accountId = accountFromArn(sc.ARN);
  return {
    kind: 'serverless',
    replicationGroupId: sc.ServerlessCacheName ?? '',
    region,
    ...(accountId ? { accountId } : {}),
    ...(sc.ARN ? { arn: sc.ARN } : {}),
    ...(sc.Status ? { status: sc.Status } : {}),
    transitEncryptionEnabled: true,
    transitEncryptionMode: null,
    atRestEncryptionEnabled: true,
    authTokenEnabled: false,
    userGroupIds: sc.UserGroupId ? [sc.UserGroupId] : [],
    clusterEnabled: null,
    engine: sc.Engine ?? null,
    engineVersion: sc.FullEngineVersion ?? sc.MajorEngineVersion ?? null,
    endpoints,
    memberClusters: [],
  };
}

/** Every host name the group answers on: endpoints and member nodes. */
export function groupHosts(facts: GroupFacts): string[] {
  return [...facts.endpoints.map((e) => e.host), ...(facts.nodeEndpoints ?? [])].map((h) => h.toLowerCase());
}
