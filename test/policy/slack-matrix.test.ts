// The allow/deny matrix of issue 7, driven through the real Bolt HTTP receiver with signed slash commands,
// the real engine, the real AWS SDK against the fake ElastiCache endpoint, and the real probe against a
// listening server that counts connections. The shipped example policy decides.
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLiveDeps } from '../../src/live/index.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createAuthorizer } from '../../src/policy/default.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/model.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { MemoryStore } from '../../src/state/memory.js';
import { startElastiCacheResponder, type ResponderHandle } from '../helpers/elasticache-responder.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { DEFAULT_BOT_TOKEN, DEFAULT_SIGNING_SECRET, FakeSlack, blocksText, sendCommand } from '../helpers/fake-slack.js';

const SUPPORT = 'C0PLATSUPP1';
const INCIDENT = 'C0INCIDENT1';
const OUTSIDE = 'C0RANDOM001';
const ONCALL = 'S0ONCALL001';
const ANA = 'UANA000001'; // on call
const BOB = 'UBOB000001'; // not on call

const example: Policy = (() => {
  const r = parsePolicy(readFileSync('policy.example.yml', 'utf8'), 'policy.example.yml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.policy;
})();

let slack: FakeSlack;
let aws: FakeElastiCache;
let endpoint: ResponderHandle; // stands for the ElastiCache endpoint; counts every connection the probe opens
let seed: (group: string) => string;

beforeAll(async () => {
  slack = await FakeSlack.start({ userGroups: { [ONCALL]: [ANA] } });
  aws = await startFakeElastiCache({
    groups: [
      { id: 'prd-redis', region: 'ap-northeast-1', accountId: '111111111111', transit: 'off', engineVersion: '6.2.6' },
      { id: 'dev-redis', region: 'ap-northeast-1', accountId: '111111111111', transit: 'off', engineVersion: '6.2.6' },
    ],
  });
  endpoint = await startElastiCacheResponder({ mode: 'plaintext-only', upstreamPort: 6379 });
  const text = readFileSync('examples/seed-python-lambda.log', 'utf8');
  seed = (group) => text.replace('prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379', `${group}.abc123.ng.0001.apne1.cache.amazonaws.com:${endpoint.port}`);
});

afterAll(async () => {
  await Promise.all([slack?.stop(), aws?.close(), endpoint?.stop()]);
});

interface Bot {
  app: SlackApp;
  url: string;
  logs: Record<string, any>[];
  metrics: ReturnType<typeof createMetrics>;
}

let running: Bot | undefined;
afterEach(async () => {
  await running?.app.stop(2_000);
  running = undefined;
});

async function startBot(policy: Policy | undefined, supportChannels: string[] = []): Promise<Bot> {
  const logs: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (s: string) => void logs.push(JSON.parse(s)) });
  const metrics = createMetrics(new Registry());
  const config: Config = {
    slack: { botToken: DEFAULT_BOT_TOKEN, signingSecret: DEFAULT_SIGNING_SECRET, apiUrl: slack.apiUrl },
    port: 0,
    supportChannels,
    accountRoles: {},
    probeAllowedHosts: ['.cache.amazonaws.com', '127.0.0.1'],
    probeAllowedPorts: [endpoint.port],
    policyFile: 'policy.example.yml',
    policyContact: '#fallback-contact',
    logLevel: 'info',
  };
  // Fresh live deps per bot: no AWS or probe result cached from an earlier case.
  const liveDeps = createLiveDeps({
    region: 'ap-northeast-1',
    aws: { endpoint: aws.url, credentials: { accessKeyId: 'AKIAFAKEPOLICYTEST', secretAccessKey: 'fake-secret-key' } },
    probeAllowedHosts: config.probeAllowedHosts,
    probeAllowedPorts: config.probeAllowedPorts,
    // Every ElastiCache name in these tests resolves to the counting endpoint on loopback.
    lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    metrics,
  });
  const authorizer = createAuthorizer({ ...(policy ? { policy } : {}), supportChannels, contact: config.policyContact, logger, metrics });
  const app = createSlackApp({ config, store: new MemoryStore(), logger, metrics, authorizer, liveDeps });
  await app.start(0, '127.0.0.1');
  running = { app, url: `http://127.0.0.1:${app.port}/slack/events`, logs, metrics };
  return running;
}

/** Sends `/redis-diagnose <paste>` and returns the text of everything the bot posted for it. */
async function command(bot: Bot, channel: string, user: string, text: string): Promise<string> {
  const before = slack.calls.length;
  const res = await sendCommand(bot.url, { text, channel_id: channel, user_id: user, channel_name: channel === OUTSIDE ? 'random' : 'support' });
  expect(res.status).toBe(200);
  // The header in the channel, then the details in its thread.
  await slack.waitFor(() => slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage' && c.params.thread_ts).length >= 1, 15_000, 'the threaded reply');
  await bot.app.drain(5_000);
  return slack.calls
    .slice(before)
    .filter((c) => c.method === 'chat.postMessage')
    .map((c) => `${c.params.text ?? ''}\n${blocksText(c.params.blocks)}`)
    .join('\n');
}

const awsCalls = () => Object.values(aws.calls).reduce((a, b) => a + b, 0);
/** The authorizer's own audit lines (the test below checks that no other line claims to be one). */
const auditLines = (bot: Bot) => bot.logs.filter((l) => l.audit === 'policy' && /^policy /.test(l.msg));

function resetCounters(): { connections: number } {
  aws.reset();
  return { connections: endpoint.stats.connections };
}

describe('policy matrix through the real Bolt receiver (shipped example policy)', () => {
  it('allowed channel + allowed account: the AWS look-up happens and the probe dials the endpoint', async () => {
    const bot = await startBot(example);
    const before = resetCounters();
    const reply = await command(bot, SUPPORT, BOB, seed('prd-redis'));
    expect(aws.calls.DescribeReplicationGroups ?? 0).toBeGreaterThanOrEqual(1);
    expect(endpoint.stats.connections).toBeGreaterThan(before.connections);
    expect(reply).not.toContain('was not done');
    expect(auditLines(bot).map((l) => [l.feature, l.decision, l.rule])).toEqual([
      ['live', 'allow', 'policy.example.yml:28 bindings[0] (platform-support)'],
      ['probe', 'allow', 'policy.example.yml:28 bindings[0] (platform-support)'],
    ]);
  });

  it('a channel outside the policy: no AWS call, no socket, and the reply carries the paste diagnosis and the explanation', async () => {
    const bot = await startBot(example);
    const before = resetCounters();
    const reply = await command(bot, OUTSIDE, BOB, seed('prd-redis'));
    expect(awsCalls()).toBe(0);
    expect(endpoint.stats.connections).toBe(before.connections);
    // The diagnosis from the paste alone is still useful: the cause and the group.
    expect(reply).toMatch(/TLS/);
    expect(reply).toContain('prd-redis');
    expect(reply).toContain('The live AWS look-up of prd-redis (ap-northeast-1) was not done: this channel may not use live AWS look-ups');
    expect(reply).toContain('The probe of prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com');
    expect(reply).toContain('policy.example.yml:54 bindings[3] (everywhere-else)');
    expect(reply).toContain('ask #platform-infra');
    // Each decision once in the logs, with the user, channel, target and rule.
    const audit = auditLines(bot);
    expect(audit.map((l) => [l.feature, l.decision])).toEqual([['live', 'deny'], ['probe', 'deny']]);
    for (const l of audit) {
      expect(l).toMatchObject({ user: BOB, channel: OUTSIDE, rule: 'policy.example.yml:54 bindings[3] (everywhere-else)', target: { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', accountId: '111111111111' } });
      expect(l.requestId).toBeTruthy();
    }
    expect(new Set(audit.map((l) => l.requestId)).size).toBe(1);
  });

  it('a user-group restriction: the incident channel looks things up for on-call members only', async () => {
    const bot = await startBot(example);
    resetCounters();
    const denied = await command(bot, INCIDENT, BOB, seed('prd-redis'));
    expect(awsCalls()).toBe(0);
    expect(denied).toContain(`only members of ${ONCALL} may use live AWS look-ups here`);

    const allowed = await command(bot, INCIDENT, ANA, seed('prd-redis'));
    expect(aws.calls.DescribeReplicationGroups ?? 0).toBeGreaterThanOrEqual(1);
    expect(allowed).not.toContain('was not done');
    expect(auditLines(bot).map((l) => [l.user, l.feature, l.decision])).toEqual([
      [BOB, 'live', 'deny'], [BOB, 'probe', 'deny'], [ANA, 'live', 'allow'], [ANA, 'probe', 'allow'],
    ]);
    expect(slack.callsTo('usergroups.users.list').some((c) => c.params.usergroup === ONCALL)).toBe(true);
  });

  it('a group id that does not match the allowed pattern: nothing looked up, nothing dialed', async () => {
    const bot = await startBot(example);
    const before = resetCounters();
    const reply = await command(bot, SUPPORT, BOB, seed('dev-redis'));
    expect(awsCalls()).toBe(0);
    expect(endpoint.stats.connections).toBe(before.connections);
    expect(reply).toContain('group "dev-redis" does not match this binding\'s patterns');
    expect(auditLines(bot).map((l) => [l.feature, l.decision, l.target.replicationGroupId])).toEqual([
      ['live', 'deny', 'dev-redis'], ['probe', 'deny', 'dev-redis'],
    ]);
  });

  it('each decision appears once in the logs: no other line carries the audit fields', async () => {
    const bot = await startBot(example);
    await command(bot, OUTSIDE, BOB, seed('prd-redis'));
    // A log filter on audit=policy must find exactly the decisions, not later lines of the same request.
    const claimed = bot.logs.filter((l) => l.audit === 'policy' || l.decision !== undefined || l.rule !== undefined);
    expect(claimed.map((l) => l.msg)).toEqual(['policy deny live', 'policy deny probe']);
  });

  it('counts each decision once in the metrics', async () => {
    const bot = await startBot(example);
    await command(bot, OUTSIDE, BOB, seed('prd-redis'));
    const values = (await bot.metrics.registry.getSingleMetric('redis_diagnose_policy_decisions_total')!.get()).values;
    const count = (feature: string, decision: string) => values.find((v) => v.labels.feature === feature && v.labels.decision === decision)?.value ?? 0;
    expect([count('live', 'deny'), count('probe', 'deny')]).toEqual([1, 1]);
  });
});

describe('safe defaults through the real Bolt receiver (no policy file)', () => {
  it('a direct message is paste-only even when live is allowed in support channels; a support channel looks up', async () => {
    const bot = await startBot(undefined, [SUPPORT]);
    const before = resetCounters();
    const dm = await command(bot, 'D0DIRECT001', BOB, seed('prd-redis'));
    expect(awsCalls()).toBe(0);
    expect(endpoint.stats.connections).toBe(before.connections);
    expect(dm).toContain('direct messages are paste-only');
    expect(dm).toContain('ask #fallback-contact');

    await command(bot, SUPPORT, BOB, seed('dev-redis'));
    expect(aws.calls.DescribeReplicationGroups ?? 0).toBeGreaterThanOrEqual(1);
    expect(auditLines(bot).map((l) => [l.channel, l.feature, l.decision])).toEqual([
      ['D0DIRECT001', 'live', 'deny'], ['D0DIRECT001', 'probe', 'deny'], [SUPPORT, 'live', 'allow'], [SUPPORT, 'probe', 'allow'],
    ]);
  });
});
