// Starts the real Slack app (real Bolt receiver) against the fake Slack Web API and a fake ElastiCache endpoint,
// all on loopback. Live look-ups go to the fake ElastiCache with static test credentials; the probe's resolver
// refuses every name, so no test ever sends DNS or packets beyond 127.0.0.1.
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { Config } from '../../src/config.js';
import { createLiveDeps, type LiveDeps } from '../../src/live/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import type { Authorizer } from '../../src/policy/types.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import type { AppLimits, DiagnoseFn } from '../../src/slack/context.js';
import { MemoryStore } from '../../src/state/memory.js';
import type { Store } from '../../src/state/store.js';
import { startFakeElastiCache, type FakeElastiCache, type FakeGroup } from '../helpers/fake-elasticache.js';
import { DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, DEFAULT_SIGNING_SECRET, FakeSlack } from '../helpers/fake-slack.js';

export const SUPPORT = 'CSUPPORT01';
export const OTHER = 'COTHER0001';
export const SEED = '[ERROR] ConnectionError: Error 1 connecting to prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).';
export const PRD_REDIS: FakeGroup = { id: 'prd-redis', region: 'ap-northeast-1', transit: 'off', engine: 'redis', engineVersion: '6.2.6' };

export interface Harness {
  fake: FakeSlack;
  ec: FakeElastiCache;
  bot: SlackApp;
  /** http://127.0.0.1:PORT/slack/events (HTTP mode) */
  url: string;
  base: string;
  metrics: Metrics;
  logs: Record<string, any>[];
  store: Store;
  config: Config;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  fake?: FakeSlack;
  ec?: FakeElastiCache;
  config?: Partial<Config>;
  slack?: Partial<Config['slack']>;
  store?: Store;
  diagnose?: DiagnoseFn;
  limits?: Partial<AppLimits>;
  authorizer?: Authorizer;
  liveDeps?: LiveDeps;
  /** Live facts are not cached between diagnoses (for "Re-check live" tests). */
  noLiveCache?: boolean;
}

export function testLiveDeps(ec: FakeElastiCache, opts: { noCache?: boolean } = {}): LiveDeps {
  return createLiveDeps({
    region: 'ap-northeast-1',
    timeoutMs: 2_000,
    ...(opts.noCache ? { cacheTtlMs: 1, probeCacheTtlMs: 1 } : {}),
    aws: { endpoint: ec.url, credentials: { accessKeyId: 'AKIDSLACKTEST', secretAccessKey: 'slack-test-secret' } },
    // No DNS from tests: every name "does not resolve", so the probe reports a refusal and dials nothing.
    lookup: async () => { throw Object.assign(new Error('no DNS in tests'), { code: 'ENOTFOUND' }); },
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = opts.fake ?? (await FakeSlack.start());
  const ec = opts.ec ?? (await startFakeElastiCache({ groups: [PRD_REDIS] }));
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, any>);
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const metrics = createMetrics(new Registry());
  const store = opts.store ?? new MemoryStore();
  const config: Config = {
    slack: { botToken: DEFAULT_BOT_TOKEN, signingSecret: DEFAULT_SIGNING_SECRET, apiUrl: fake.apiUrl, ...opts.slack },
    port: 0,
    supportChannels: [SUPPORT],
    accountRoles: {},
    probeAllowedHosts: ['.cache.amazonaws.com'],
    probeAllowedPorts: [],
    policyFile: 'policy.yml',
    logLevel: 'debug',
    ...opts.config,
  };
  const bot = createSlackApp({
    config,
    store,
    logger,
    metrics,
    ...(opts.authorizer ? { authorizer: opts.authorizer } : {}),
    liveDeps: opts.liveDeps ?? testLiveDeps(ec, { noCache: opts.noLiveCache }),
    ...(opts.diagnose ? { diagnose: opts.diagnose } : {}),
    limits: { maxRetryAfterSec: 5, ...opts.limits },
  });
  try {
    await bot.start(0, '127.0.0.1');
  } catch (err) {
    await bot.stop(100);
    if (!opts.store) await store.close();
    if (!opts.fake) await fake.stop();
    if (!opts.ec) await ec.close();
    throw err;
  }
  const base = `http://127.0.0.1:${bot.port}`;
  return {
    fake,
    ec,
    bot,
    url: `${base}/slack/events`,
    base,
    metrics,
    logs,
    store,
    config,
    async stop() {
      await bot.stop(5_000);
      if (!opts.store) await store.close();
      if (!opts.fake) await fake.stop();
      if (!opts.ec) await ec.close();
    },
  };
}

export { DEFAULT_APP_TOKEN };

/** The value of one counter/label set in the registry. */
export async function counter(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const all = await metrics.registry.getMetricsAsJSON();
  const m = all.find((x) => x.name === name);
  if (!m) return 0;
  return (m.values as { value: number; labels: Record<string, string | number> }[])
    .filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Wait until no reply is in flight (bounded), so "no reply" assertions are made after the work ended. */
export async function settle(h: Harness, timeoutMs = 5_000): Promise<void> {
  const drained = await h.bot.drain(timeoutMs);
  if (!drained) throw new Error('the app did not finish its work in time');
}
