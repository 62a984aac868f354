/**
 * ElastiCache facts through the AWS SDK v3: find the group (by id, by endpoint host name, or a serverless
 * cache), read its settings, its engine version (from a member cluster) and its tags. One client per region
 * and role, reused; results cached in the Store and concurrent look-ups coalesced. Every failure becomes a
 * sentence in `errors`, never an exception.
 */
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type ReplicationGroup,
  type ServerlessCache,
} from '@aws-sdk/client-elasticache';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Store } from '../state/store.js';
import { chooseRole, type RoleChoice } from './accounts.js';
import { classifyAwsError, type AwsFailure } from './aws-errors.js';
import { MemoryStore } from '../state/memory.js';
import { CoalescingCache } from './cache.js';
import { closeIds } from '../util/close-ids.js';
import { factsFromReplicationGroup, factsFromServerless, groupHosts, withClusterFacts } from './group-facts.js';
import { parseElastiCacheHost } from '../diagnosis/hostnames.js';
import type { GroupFacts } from './types.js';

export interface ElastiCacheSettings {
  /** Used when neither the request nor the host name says (AWS_REGION). */
  defaultRegion?: string;
  /** API endpoint override (tests). Without it the SDK honours AWS_ENDPOINT_URL_ELASTICACHE. */
  endpoint?: string;
  /** STS endpoint override for AssumeRole (tests). Without it the SDK honours AWS_ENDPOINT_URL_STS. */
  stsEndpoint?: string;
  /** Base credentials; default: the SDK's provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Account id or region -> IAM role ARN to assume (ACCOUNT_ROLES). */
  accountRoles?: Record<string, string>;
  store?: Store;
  /** Default 60 s. */
  cacheTtlMs?: number;
  /** The whole look-up (all calls and retries), default 3 s. */
  timeoutMs?: number;
  /** SDK attempts per call (throttling is retried), default 3. */
  maxAttempts?: number;
  /** ListTagsForResource for the CloudFormation hint; default true. */
  readTags?: boolean;
  /** Pages of 100 read when listing (endpoint search, close ids); default 10. */
  maxListPages?: number;
  /** Metrics hook: one call per API action, with its outcome. */
  onCall?: (action: string, outcome: string) => void;
}

export interface GroupLookupRequest {
  replicationGroupId?: string;
  serverlessCacheName?: string;
  /** An endpoint host name from the paste or --endpoint. */
  host?: string;
  region?: string;
  accountId?: string;
  /** Skip the cached answer (a user asked to re-check). */
  fresh?: boolean;
}

export interface GroupLookupResult {
  group?: GroupFacts;
  errors: string[];
  /** How the group was found, when that is worth saying (by endpoint search, through a role). */
  notes: string[];
  /** A failure that may pass (throttling, timeout): such results are not cached. */
  transient?: boolean;
}

class LookupFailure extends Error {
  constructor(readonly failure: AwsFailure) {
    super(failure.sentence);
  }
}

/** Marks credential failures of an assumed role, so they are not mistaken for ElastiCache denials. */
class AssumeRoleFailure extends Error {
  constructor(readonly roleArn: string, readonly original: unknown) {
    super(`assume ${roleArn}`);
  }
}

const TRANSIENT = new Set(['throttled', 'timeout', 'unreachable']);

/** One look-up in progress: its client, its shared deadline, and what it has to say so far. */
interface Run {
  client: ElastiCacheClient;
  opts: { abortSignal: AbortSignal };
  /** Sends one API call under the shared deadline; failures come back as LookupFailure. */
  call: <O>(action: string, send: () => Promise<O>) => Promise<O>;
  region: string;
  /** `in <region> (<whose credentials>)`, for not-found sentences. */
  where: string;
  /** Extra sentence when the account is known but not mapped in ACCOUNT_ROLES. */
  unmapped: string;
  errors: string[];
  notes: string[];
}

function deadlineError(ms: number): Error {
  const e = new Error(`timed out after ${ms} ms`);
  e.name = 'TimeoutError';
  return e;
}

export class ElastiCacheFacts {
  private readonly clients = new Map<string, ElastiCacheClient>();
  private readonly cache: CoalescingCache<GroupLookupResult>;
  private readonly timeoutMs: number;
  private readonly roles: Record<string, string>;

  constructor(private readonly settings: ElastiCacheSettings = {}) {
    this.timeoutMs = settings.timeoutMs ?? 3000;
    this.roles = settings.accountRoles ?? {};
    this.cache = new CoalescingCache(settings.store ?? new MemoryStore(), settings.cacheTtlMs ?? 60_000, (r) => !!r.group && !r.transient);
  }

  /** Look up a group; never throws. */
  async lookup(req: GroupLookupRequest): Promise<GroupLookupResult> {
    const parsed = req.host ? parseElastiCacheHost(req.host) : undefined;
    const region = req.region ?? parsed?.region ?? this.settings.defaultRegion;
    const host = req.host?.trim().toLowerCase().replace(/\.$/, '');
    const serverlessName = req.serverlessCacheName ?? parsed?.serverlessCacheName;
    const groupId = req.replicationGroupId ?? (serverlessName ? undefined : parsed?.replicationGroupId);
    const what = groupId ?? serverlessName ?? host;
    if (!what) return { errors: ['No replication group id or endpoint was given, so AWS was not asked (pass --group or --endpoint).'], notes: [] };
    if (!region) {
      return { errors: [`No AWS region for ${what}: the host name does not say, and neither --region nor AWS_REGION is set.`], notes: [] };
    }
    const role = chooseRole(this.roles, { accountId: req.accountId, region });
    const kind = serverlessName ? 'serverless' : groupId ? 'group' : 'host';
    const key = `live:ec:${region}:${role.roleArn ?? 'own'}:${kind}:${(serverlessName ?? groupId ?? host)!.toLowerCase()}`;
    try {
      return await this.cache.get(key, () => this.load({ groupId, serverlessName, host }, region, role), req.fresh ?? false);
    } catch (err) {
      // load() turns failures into facts; this is the last net for a bug, still never a crash.
      return { errors: [`The AWS look-up failed unexpectedly (${(err as Error).name ?? 'error'}).`], notes: [], transient: true };
    }
  }

  /** Drop the clients (sockets). */
  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private client(region: string, roleArn: string | undefined): ElastiCacheClient {
    const key = `${region}|${roleArn ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      const base = this.settings.credentials;
      let credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined = base;
      if (roleArn) {
        const assume = fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: 'redis-diagnose', DurationSeconds: 900 },
          ...(base ? { masterCredentials: base } : {}),
          clientConfig: { region, ...(this.settings.stsEndpoint ? { endpoint: this.settings.stsEndpoint } : {}), maxAttempts: 2 },
        });
        credentials = async () => {
          try {
            return await assume();
          } catch (err) {
            throw new AssumeRoleFailure(roleArn, err);
          }
        };
      }
      client = new ElastiCacheClient({
        region,
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        maxAttempts: this.settings.maxAttempts ?? 3,
        // The handler's own timeouts back up the AbortSignal: a stalled socket ends too.
        requestHandler: { connectionTimeout: Math.min(1000, this.timeoutMs), requestTimeout: this.timeoutMs },
      });
      this.clients.set(key, client);
    }
    return client;
  }

  private async load(
    target: { groupId?: string; serverlessName?: string; host?: string },
    region: string,
    role: RoleChoice,
  ): Promise<GroupLookupResult> {
    const client = this.client(region, role.roleArn);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(deadlineError(this.timeoutMs)), this.timeoutMs);
    const errors: string[] = [];
    const notes: string[] = [];
    let transient = false;

    // Every call shares one deadline; a call that ignores the signal still loses the race.
    const call = async <O>(action: string, send: () => Promise<O>): Promise<O> => {
      const iam = `elasticache:${action}`;
      try {
        const out = await Promise.race([
          send(),
          new Promise<never>((_, reject) => {
            if (abort.signal.aborted) reject(deadlineError(this.timeoutMs));
            abort.signal.addEventListener('abort', () => reject(deadlineError(this.timeoutMs)), { once: true });
          }),
        ]);
        this.settings.onCall?.(action, 'ok');
        return out;
      } catch (err) {
        const failure = err instanceof AssumeRoleFailure ? this.assumeFailure(err) : classifyAwsError(err, iam, this.timeoutMs);
        this.settings.onCall?.(action, failure.kind);
        if (TRANSIENT.has(failure.kind)) transient = true;
        throw new LookupFailure(failure);
      }
    };
    const opts = { abortSignal: abort.signal };

    const listGroups = async (): Promise<ReplicationGroup[]> => {
      const all: ReplicationGroup[] = [];
      let marker: string | undefined;
      for (let page = 0; page < (this.settings.maxListPages ?? 10); page++) {
        const out = await call('DescribeReplicationGroups', () =>
          client.send(new DescribeReplicationGroupsCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }), opts));
        all.push(...(out.ReplicationGroups ?? []));
        marker = out.Marker;
        if (!marker) break;
      }
      return all;
    };
    const listServerless = async (): Promise<ServerlessCache[]> => {
      const all: ServerlessCache[] = [];
      let token: string | undefined;
      for (let page = 0; page < (this.settings.maxListPages ?? 10); page++) {
        const out = await call('DescribeServerlessCaches', () =>
          client.send(new DescribeServerlessCachesCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }), opts));
        all.push(...(out.ServerlessCaches ?? []));
        token = out.NextToken;
        if (!token) break;
      }
      return all;
    };
    const where = `in ${region} (${role.via})`;
    const unmapped = role.unmappedAccount
      ? ` Account ${role.unmappedAccount} is not mapped in ACCOUNT_ROLES, so the bot could only look in its own account.`
      : '';

    const run: Run = { client, opts, call, region, where, unmapped, errors, notes };

    try {
      let group: GroupFacts | undefined;
      if (target.serverlessName) group = await this.findServerless(run, target.serverlessName, target.host, listServerless);
      else group = await this.findGroup(run, target.groupId, target.host, listGroups);
      if (!group) return { errors, notes, transient };

      const extras: Promise<void>[] = [];
      if (group.kind === 'replication-group' && group.memberClusters[0]) {
        const member = group.memberClusters[0];
        extras.push(call('DescribeCacheClusters', () => client.send(new DescribeCacheClustersCommand({ CacheClusterId: member }), opts))
          .then((out) => {
            const cluster = out.CacheClusters?.[0];
            if (cluster) group = withClusterFacts(group!, cluster);
          })
          .catch((err: unknown) => {
            errors.push(`Engine version not read: ${(err as LookupFailure).failure?.sentence ?? 'unexpected failure'}`);
          }));
      }
      if ((this.settings.readTags ?? true) && group.arn) {
        const arn = group.arn;
        extras.push(call('ListTagsForResource', () => client.send(new ListTagsForResourceCommand({ ResourceName: arn }), opts))
          .then((out) => {
            group = { ...group!, tags: Object.fromEntries((out.TagList ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ''])) };
          })
          .catch((err: unknown) => {
            errors.push(`Tags not read (CloudFormation ownership unknown): ${(err as LookupFailure).failure?.sentence ?? 'unexpected failure'}`);
          }));
      }
      await Promise.all(extras);
      if (role.roleArn) notes.push(`Looked up through ${role.roleArn} (${role.via}).`);
      return { group, errors, notes, transient };
    } catch (err) {
      if (err instanceof LookupFailure) {
        const subject = target.serverlessName ? `serverless cache ${target.serverlessName}` : target.groupId ? `replication group ${target.groupId}` : `the group behind ${target.host}`;
        errors.push(`Could not read ${subject}: ${err.failure.sentence}${err.failure.kind === 'not-found' ? unmapped : ''}`);
        return { errors, notes, transient };
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private assumeFailure(err: AssumeRoleFailure): AwsFailure {
    const inner = classifyAwsError(err.original, 'sts:AssumeRole', this.timeoutMs);
    if (inner.kind === 'timeout' || inner.kind === 'unreachable' || inner.kind === 'no-credentials') return inner;
    return {
      kind: 'assume-role',
      iamAction: 'sts:AssumeRole',
      sentence: `the bot could not assume ${err.roleArn} (${inner.kind === 'access-denied' ? "sts:AssumeRole was denied: the role's trust policy must allow the bot's identity" : inner.sentence}).`,
    };
  }

  private async findGroup(
    run: Run, groupId: string | undefined, host: string | undefined, listGroups: () => Promise<ReplicationGroup[]>,
  ): Promise<GroupFacts | undefined> {
    const { call, client, opts, region, where, unmapped, errors, notes } = run;
    if (groupId) {
      try {
        const out = await call('DescribeReplicationGroups', () =>
          client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: groupId }), opts));
        const rg = out.ReplicationGroups?.[0];
        if (rg) return factsFromReplicationGroup(rg, region);
      } catch (err) {
        if (!(err instanceof LookupFailure) || err.failure.kind !== 'not-found') throw err;
      }
      // `--group` alone may name a serverless cache: one look there before listing.
      if (!host) {
        const sc = await call('DescribeServerlessCaches', () =>
          client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: groupId }), opts)).catch(() => undefined);
        const found = sc?.ServerlessCaches?.[0];
        if (found) return factsFromServerless(found, region);
      }
    }
    // Not found by id (or no id): list the groups once, to match the endpoint host and to suggest close ids.
    let groups: ReplicationGroup[] | undefined;
    let listProblem: AwsFailure | undefined;
    try {
      groups = await listGroups();
    } catch (err) {
      // With no id, the listing is the look-up itself: its failure is the answer.
      if (!(err instanceof LookupFailure) || !groupId) throw err;
      listProblem = err.failure;
    }
    if (host && groups) {
      const match = groups.find((g) => groupHosts(factsFromReplicationGroup(g, region)).includes(host));
      if (match) {
        notes.push(`Found ${match.ReplicationGroupId} by its endpoint ${host}.`);
        return factsFromReplicationGroup(match, region);
      }
    }
    const wanted = groupId ?? host!;
    const ids = (groups ?? []).map((g) => g.ReplicationGroupId).filter((x): x is string => !!x);
    const close = groupId ? closeIds(groupId, ids) : [];
    const suggestion = groups
      ? close.length ? ` Close ids: ${close.join(', ')}.` : ''
      : listProblem?.kind === 'access-denied'
        ? ' Listing the groups is not allowed to the bot (elasticache:DescribeReplicationGroups on all groups), so no close ids can be suggested.'
        : ` No close ids can be suggested: listing the groups failed too (${listProblem?.sentence.replace(/\.$/, '')}).`;
    const subject = groupId ? `Replication group ${wanted}` : `No replication group with the endpoint ${wanted}`;
    errors.push(`${subject} ${groupId ? 'was not found' : 'was found'} ${where}.${suggestion}${unmapped}`);
    return undefined;
  }

  private async findServerless(
    run: Run, name: string, host: string | undefined, listServerless: () => Promise<ServerlessCache[]>,
  ): Promise<GroupFacts | undefined> {
    const { call, client, opts, region, where, unmapped, errors, notes } = run;
    try {
      const out = await call('DescribeServerlessCaches', () =>
        client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: name }), opts));
      const sc = out.ServerlessCaches?.[0];
      if (sc) return factsFromServerless(sc, region);
    } catch (err) {
      if (!(err instanceof LookupFailure) || err.failure.kind !== 'not-found') throw err;
    }
    let caches: ServerlessCache[] | undefined;
    try {
      caches = await listServerless();
    } catch (err) {
      if (!(err instanceof LookupFailure) || err.failure.kind !== 'access-denied') throw err;
    }
    const match = host ? caches?.find((c) => c.Endpoint?.Address?.toLowerCase() === host || c.ReaderEndpoint?.Address?.toLowerCase() === host) : undefined;
    if (match) {
      notes.push(`Found serverless cache ${match.ServerlessCacheName} by its endpoint ${host}.`);
      return factsFromServerless(match, region);
    }
    const close = closeIds(name, (caches ?? []).map((c) => c.ServerlessCacheName).filter((x): x is string => !!x));
    errors.push(`Serverless cache ${name} was not found ${where}.${close.length ? ` Close names: ${close.join(', ')}.` : ''}${unmapped}`);
    return undefined;
  }
}
