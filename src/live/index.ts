/**
 * Live truth for one diagnosis: the group's settings from AWS and what the endpoint speaks.
 * The policy is asked first (once per feature), before any AWS call or socket. AWS look-up and probe run
 * concurrently, and the whole thing is bounded (default 3 s): what did not finish becomes a sentence in
 * `errors`, never an exception and never a hang.
 */
import type { Context } from '../diagnosis/types.js';
import type { Metrics } from '../metrics.js';
import type { Authorizer, Requester, Target } from '../policy/types.js';
import type { Store } from '../state/store.js';
import { parseAccountRoles } from './accounts.js';
import { MemoryStore } from '../state/memory.js';
import { CoalescingCache } from './cache.js';
import { ElastiCacheFacts, type ElastiCacheSettings, type GroupLookupResult } from './elasticache.js';
import { ProbeGuard, type GuardConfig } from './guard.js';
import { parseElastiCacheHost } from '../diagnosis/hostnames.js';
import { probeEndpoint, type ProbeOptions } from './probe.js';
import type { GroupFacts, LiveFacts, ProbeResult } from './types.js';

export interface LiveOptions {
  live: boolean;
  probe: boolean;
  requester: Requester;
  /** Asked once per feature before any AWS call or socket. */
  authorizer: Authorizer;
  /** Skip cached AWS facts and probe results (the "Re-check live" button). */
  fresh?: boolean;
}

/** Long-lived collaborators: build once per process (createLiveDeps) so clients, cache and coalescing are shared. */
export interface LiveDeps {
  aws: ElastiCacheFacts;
  guard: ProbeGuard;
  /** Probe results are coalesced and kept briefly: 100 diagnoses of one endpoint do not open 200 sockets. */
  probeCache: CoalescingCache<ProbeResult>;
  /** Whole live stage, default 3000 ms. */
  timeoutMs: number;
  /** Per transport attempt, default 1500 ms. */
  probeTimeoutMs: number;
  /** ioredis RESP check after the transport attempts, default 800 ms (0 = off). */
  respTimeoutMs: number;
  /** Extra CAs the probe trusts when judging certificates. */
  probeCa?: ProbeOptions['ca'];
  metrics?: Metrics;
}

export interface LiveSettings {
  /** AWS_REGION */
  region?: string;
  /** ACCOUNT_ROLES, parsed */
  accountRoles?: Record<string, string>;
  /** PROBE_ALLOWED_HOSTS */
  probeAllowedHosts?: string[];
  /** Extra probe ports */
  probeAllowedPorts?: number[];
  store?: Store;
  metrics?: Metrics;
  timeoutMs?: number;
  probeTimeoutMs?: number;
  respTimeoutMs?: number;
  cacheTtlMs?: number;
  probeCacheTtlMs?: number;
  probeCa?: ProbeOptions['ca'];
  /** Passed to ElastiCacheFacts (endpoint, credentials, stsEndpoint, readTags...). */
  aws?: Omit<ElastiCacheSettings, 'defaultRegion' | 'accountRoles' | 'store' | 'timeoutMs' | 'cacheTtlMs' | 'onCall'>;
  /** Resolver for the guard (tests). */
  lookup?: GuardConfig['lookup'];
}

export function createLiveDeps(settings: LiveSettings = {}): LiveDeps {
  const store = settings.store ?? new MemoryStore();
  const timeoutMs = settings.timeoutMs ?? 3000;
  const metrics = settings.metrics;
  return {
    aws: new ElastiCacheFacts({
      ...settings.aws,
      defaultRegion: settings.region,
      accountRoles: settings.accountRoles,
      store,
      // Leave a little of the budget for the reply itself.
      timeoutMs: Math.max(500, timeoutMs - 100),
      cacheTtlMs: settings.cacheTtlMs,
      ...(metrics ? { onCall: (action: string, outcome: string) => metrics.awsCalls.inc({ action, outcome }) } : {}),
    }),
    guard: new ProbeGuard({ allowedHosts: settings.probeAllowedHosts, extraPorts: settings.probeAllowedPorts, lookup: settings.lookup }),
    probeCache: new CoalescingCache<ProbeResult>(store, settings.probeCacheTtlMs ?? 15_000, (r) => r.speaks !== 'unknown'),
    timeoutMs,
    probeTimeoutMs: settings.probeTimeoutMs ?? 1500,
    respTimeoutMs: settings.respTimeoutMs ?? 800,
    ...(settings.probeCa ? { probeCa: settings.probeCa } : {}),
    ...(metrics ? { metrics } : {}),
  };
}

/**
 * LiveSettings from the environment, for the CLI: AWS_REGION (or AWS_DEFAULT_REGION), ACCOUNT_ROLES,
 * PROBE_ALLOWED_HOSTS, PROBE_ALLOWED_PORTS. Problems are returned, not thrown: the CLI prints them.
 */
export function liveSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { settings: LiveSettings; problems: string[] } {
  const { roles, problems } = parseAccountRoles(env.ACCOUNT_ROLES);
  const hosts = (env.PROBE_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const ports: number[] = [];
  for (const p of (env.PROBE_ALLOWED_PORTS ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const n = Number(p);
    if (Number.isInteger(n) && n > 0 && n < 65536) ports.push(n);
    else problems.push(`PROBE_ALLOWED_PORTS entry "${p}" is not a port number.`);
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return {
    settings: {
      ...(region ? { region } : {}),
      accountRoles: roles,
      ...(hosts.length ? { probeAllowedHosts: hosts } : {}),
      ...(ports.length ? { probeAllowedPorts: ports } : {}),
    },
    problems,
  };
}

let processDeps: LiveDeps | undefined;
/** One set per process when the caller passes none, so coalescing still works. */
function defaultDeps(): LiveDeps {
  processDeps ??= createLiveDeps(liveSettingsFromEnv().settings);
  return processDeps;
}

const TIMED_OUT = Symbol('timed out');

function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
}

/** The endpoint a client should use, to probe when the text named only the group. */
function groupEndpoint(group: GroupFacts): { host: string; port: number } | undefined {
  return group.endpoints.find((e) => e.role === 'configuration')
    ?? group.endpoints.find((e) => e.role === 'primary')
    ?? group.endpoints.find((e) => e.role === 'serverless');
}

type LiveContext = Context & { accountId?: string };

export async function gatherLive(context: Context, options: LiveOptions, deps?: LiveDeps): Promise<LiveFacts> {
  const d = deps ?? defaultDeps();
  const started = Date.now();
  const remaining = () => d.timeoutMs - (Date.now() - started);
  const facts: LiveFacts = { errors: [] };
  const ctx = context as LiveContext;
  const parsed = ctx.endpoint?.host ? parseElastiCacheHost(ctx.endpoint.host) : undefined;
  const target: Target = {
    ...(ctx.accountId ? { accountId: ctx.accountId } : {}),
    ...(ctx.region ?? parsed?.region ? { region: ctx.region ?? parsed?.region } : {}),
    ...(ctx.replicationGroupId ?? ctx.serverlessCacheName ?? parsed?.replicationGroupId ?? parsed?.serverlessCacheName
      ? { replicationGroupId: ctx.replicationGroupId ?? ctx.serverlessCacheName ?? parsed?.replicationGroupId ?? parsed?.serverlessCacheName }
      : {}),
    ...(ctx.endpoint?.host ? { endpoint: `${ctx.endpoint.host}:${ctx.endpoint.port ?? 6379}` } : {}),
  };

  // The policy decides before anything leaves the process.
  const deny = (feature: 'live' | 'probe'): boolean => {
    const decision = options.authorizer.decide(options.requester, feature, target);
    if (decision.allowed) return false;
    const what = feature === 'live' ? 'The AWS look-up' : 'The endpoint probe';
    (facts.denied ??= []).push(decision.explanation ?? `${what} is not allowed here (${decision.rule}).`);
    return true;
  };
  const liveAllowed = options.live && !deny('live');
  const probeAllowed = options.probe && !deny('probe');
  if (!liveAllowed && !probeAllowed) return facts;

  const notes: string[] = [];
  const awsRun: Promise<GroupLookupResult> | undefined = liveAllowed
    ? d.aws.lookup({
        ...(ctx.replicationGroupId ? { replicationGroupId: ctx.replicationGroupId } : {}),
        ...(ctx.serverlessCacheName ? { serverlessCacheName: ctx.serverlessCacheName } : {}),
        ...(ctx.endpoint?.host ? { host: ctx.endpoint.host } : {}),
        ...(ctx.region ? { region: ctx.region } : {}),
        ...(ctx.accountId ? { accountId: ctx.accountId } : {}),
        ...(options.fresh ? { fresh: true } : {}),
      })
    : undefined;

  const probe = (host: string, port: number): Promise<ProbeResult> => {
    const budget = remaining() - 100;
    const timeoutMs = Math.max(200, Math.min(d.probeTimeoutMs, budget));
    const respTimeoutMs = Math.max(0, Math.min(d.respTimeoutMs, budget - timeoutMs));
    return d.probeCache.get(`live:probe:${host.toLowerCase()}:${port}`, () =>
      probeEndpoint(host, port, { guard: d.guard, timeoutMs, respTimeoutMs, ...(d.probeCa ? { ca: d.probeCa } : {}) }), options.fresh ?? false)
      .then((r) => {
        d.metrics?.probes.inc({ transport: 'plaintext', status: r.plaintext.status });
        d.metrics?.probes.inc({ transport: 'tls', status: r.tls.status });
        return r;
      });
  };

  const awsDone = awsRun
    ? within(awsRun, remaining()).then((r) => {
        if (r === TIMED_OUT) {
          facts.errors.push(`The AWS look-up did not finish within ${seconds(d.timeoutMs)}; the group's settings were not checked.`);
          return undefined;
        }
        if (r.group) facts.group = r.group;
        facts.errors.push(...r.errors);
        notes.push(...r.notes);
        return r.group;
      })
    : Promise.resolve(undefined);

  const probeDone = (async () => {
    if (!probeAllowed) return;
    let host = ctx.endpoint?.host;
    let port = ctx.endpoint?.port ?? 6379;
    if (!host) {
      // Only the group was named: probe the endpoint AWS reports, if AWS answers in time.
      const group = await awsDone;
      const ep = group ? groupEndpoint(group) : undefined;
      if (!ep) {
        facts.errors.push('No endpoint to probe: the text names no host, and AWS gave none (pass --endpoint HOST:PORT).');
        return;
      }
      host = ep.host;
      port = ep.port;
      notes.push(`Probed ${host}:${port}, the endpoint AWS reports for ${group!.replicationGroupId}.`);
    }
    if (remaining() < 300) {
      facts.errors.push(`No time left to probe ${host}:${port} within ${seconds(d.timeoutMs)}.`);
      return;
    }
    const r = await within(probe(host, port), remaining());
    if (r === TIMED_OUT) facts.errors.push(`The probe of ${host}:${port} did not finish within ${seconds(d.timeoutMs)}.`);
    else facts.probe = r;
  })().catch((err: unknown) => {
    // The probe turns socket failures into statuses; this is the last net for a bug, still never a crash.
    facts.errors.push(`The probe failed unexpectedly (${(err as Error)?.name ?? 'error'}).`);
  });

  await Promise.all([awsDone, probeDone]);
  if (notes.length) facts.notes = notes;
  return facts;
}

export type { LiveFacts, GroupFacts, ProbeResult } from './types.js';
