// gatherLive and the whole engine with live facts: the policy first, AWS and the probe together, bounded in time.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/diagnosis/types.js';
import { diagnose } from '../../src/engine.js';
import { createLiveDeps, gatherLive, liveSettingsFromEnv, type LiveDeps, type LiveSettings } from '../../src/live/index.js';
import { allowAll, type Authorizer, type Feature } from '../../src/policy/types.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { closedPort, startRedisServer, type RedisHandle } from '../helpers/redis-server.js';

const SEED = readFileSync(new URL('../../examples/seed-python-lambda.log', import.meta.url), 'utf8');
const creds = { accessKeyId: 'AKIATESTGATHER', secretAccessKey: 'test-secret-not-real' };
const PLAIN_HOST = 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com';
const TLS_HOST = 'master.prd-req.abc123.apne1.cache.amazonaws.com';

let fake: FakeElastiCache;
let plain: RedisHandle;
let tlsOnly: RedisHandle;
const depsMade: LiveDeps[] = [];

/** Endpoint names resolve to the loopback servers through this table; the operator lists 127.0.0.1 exactly. */
function deps(extra: Partial<LiveSettings> = {}): LiveDeps {
  const d = createLiveDeps({
    region: 'ap-northeast-1',
    aws: { endpoint: fake.url, credentials: creds },
    probeAllowedHosts: ['.cache.amazonaws.com', '127.0.0.1'],
    probeAllowedPorts: [plain.port, tlsOnly.port],
    lookup: async (host) => ([PLAIN_HOST, TLS_HOST].includes(host) ? [{ address: '127.0.0.1', family: 4 }] : []),
    probeTimeoutMs: 600,
    respTimeoutMs: 500,
    ...extra,
  });
  depsMade.push(d);
  return d;
}

beforeAll(async () => {
  [plain, tlsOnly] = await Promise.all([startRedisServer({ mode: 'plaintext' }), startRedisServer({ mode: 'tls' })]);
  fake = await startFakeElastiCache({
    groups: [
      { id: 'prd-redis', transit: 'off', engineVersion: '6.2.6', port: plain.port },
      { id: 'prd-req', transit: 'required', engineVersion: '7.1.0', port: tlsOnly.port },
    ],
  });
});
afterEach(() => {
  fake.options.deny = [];
  fake.options.delayMs = 0;
  fake.reset();
  for (const d of depsMade.splice(0)) d.aws.destroy();
});
afterAll(async () => {
  await fake.close();
  await Promise.all([plain.stop(), tlsOnly.stop()]);
});

const seedContext = (port = plain.port): Context => ({
  redisContext: ['redis-py in the text'], endpoint: { host: PLAIN_HOST, port }, replicationGroupId: 'prd-redis', region: 'ap-northeast-1', tls: true,
});

describe('gatherLive', () => {
  it('the policy is asked once per feature before anything is dialed; a denial dials nothing', async () => {
    const asked: Feature[] = [];
    const denyAll: Authorizer = {
      decide: (_r, feature) => {
        asked.push(feature);
        expect(fake.requests).toHaveLength(0);
        return { allowed: false, feature, rule: 'test', explanation: `${feature} is not allowed in this channel; ask #platform.` };
      },
    };
    let connections = 0;
    const counter = net.createServer((s) => { connections++; s.destroy(); });
    await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
    const port = (counter.address() as net.AddressInfo).port;
    try {
      const d = deps({ probeAllowedPorts: [port] });
      const facts = await gatherLive(seedContext(port), { live: true, probe: true, requester: { source: 'slack', channel: 'C1' }, authorizer: denyAll }, d);
      expect(asked).toEqual(['live', 'probe']);
      expect(facts.denied).toEqual(['live is not allowed in this channel; ask #platform.', 'probe is not allowed in this channel; ask #platform.']);
      expect(facts.group).toBeUndefined();
      expect(facts.probe).toBeUndefined();
      expect(fake.requests).toHaveLength(0);
      expect(connections).toBe(0);
    } finally {
      counter.close();
    }
  });

  it('reads AWS and probes the endpoint together', async () => {
    const facts = await gatherLive(seedContext(), { live: true, probe: true, requester: { source: 'cli' }, authorizer: allowAll }, deps());
    expect(facts.errors).toEqual([]);
    expect(facts.group).toMatchObject({ replicationGroupId: 'prd-redis', transitEncryptionEnabled: false, engineVersion: '6.2.6' });
    expect(facts.probe).toMatchObject({ endpoint: `${PLAIN_HOST}:${plain.port}`, speaks: 'plaintext', address: '127.0.0.1' });
  });

  it('with only a group id, probes the endpoint AWS reports', async () => {
    const ctx: Context = { redisContext: [], replicationGroupId: 'prd-req', region: 'ap-northeast-1' };
    const facts = await gatherLive(ctx, { live: true, probe: true, requester: { source: 'cli' }, authorizer: allowAll }, deps());
    expect(facts.probe?.endpoint).toBe(`${TLS_HOST}:${tlsOnly.port}`);
    expect(facts.probe?.speaks).toBe('tls');
    expect(facts.notes?.join(' ')).toMatch(/the endpoint AWS reports for prd-req/);
  });

  it('100 concurrent diagnoses of one group: one DescribeReplicationGroups, one probe', async () => {
    fake.options.delayMs = 30;
    const d = deps();
    // The server's own counter of accepted connections, read over one connection held open throughout.
    const watcher = new Redis({ host: '127.0.0.1', port: plain.port, lazyConnect: true });
    await watcher.connect();
    const accepted = async () => Number(/total_connections_received:(\d+)/.exec(await watcher.info('stats'))?.[1]);
    const before = await accepted();
    try {
      const all = await Promise.all(Array.from({ length: 100 }, () =>
        gatherLive(seedContext(), { live: true, probe: true, requester: { source: 'cli' }, authorizer: allowAll }, d)));
      expect(all.every((f) => f.group?.transitEncryptionEnabled === false && f.probe?.speaks === 'plaintext')).toBe(true);
      expect(fake.calls.DescribeReplicationGroups).toBe(1);
      // One probe: a plaintext attempt, a TLS attempt and the RESP check; not 100 of each.
      expect((await accepted()) - before).toBeLessThanOrEqual(3);
    } finally {
      watcher.disconnect();
    }
  });

  it('AWS too slow and the endpoint silent: returns within 3 s, saying what could not be checked', async () => {
    fake.options.delayMs = 10_000;
    const silent = net.createServer((s) => { s.on('error', () => {}); s.resume(); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const d = deps({ probeAllowedPorts: [port], probeTimeoutMs: 1500, respTimeoutMs: 800 });
      const started = Date.now();
      const facts = await gatherLive(seedContext(port), { live: true, probe: true, requester: { source: 'cli' }, authorizer: allowAll }, d);
      // The budget is 3 s; the margin is for a loaded test machine, the point is "ends, does not hang".
      expect(Date.now() - started).toBeLessThan(4000);
      expect(facts.group).toBeUndefined();
      expect(facts.errors.join(' ')).toMatch(/AWS did not answer elasticache:DescribeReplicationGroups within|The AWS look-up did not finish within 3 s/);
      expect(facts.probe?.speaks).toBe('nothing');
    } finally {
      silent.close();
    }
  });

  it('no group, no endpoint: says there is nothing to look up or probe', async () => {
    const facts = await gatherLive({ redisContext: [] }, { live: true, probe: true, requester: { source: 'cli' }, authorizer: allowAll }, deps());
    expect(facts.errors.join(' ')).toMatch(/No replication group id or endpoint was given/);
    expect(facts.errors.join(' ')).toMatch(/No endpoint to probe/);
  });
});

describe('settings from the environment', () => {
  it('parses ACCOUNT_ROLES, PROBE_ALLOWED_HOSTS and PROBE_ALLOWED_PORTS, and reports bad entries', () => {
    const { settings, problems } = liveSettingsFromEnv({
      AWS_REGION: 'eu-west-1',
      ACCOUNT_ROLES: '210987654321=arn:aws:iam::210987654321:role/read,eu-west-1=arn:aws:iam::111122223333:role/read,oops=1',
      PROBE_ALLOWED_HOSTS: '.cache.amazonaws.com, redis.internal ,10.0.0.5',
      PROBE_ALLOWED_PORTS: '7000,abc',
    });
    expect(settings).toMatchObject({
      region: 'eu-west-1',
      accountRoles: { '210987654321': 'arn:aws:iam::210987654321:role/read', 'eu-west-1': 'arn:aws:iam::111122223333:role/read' },
      probeAllowedHosts: ['.cache.amazonaws.com', 'redis.internal', '10.0.0.5'],
      probeAllowedPorts: [7000],
    });
    expect(problems).toEqual([
      'ACCOUNT_ROLES key "oops" is neither a 12-digit account id nor a region name.',
      'PROBE_ALLOWED_PORTS entry "abc" is not a port number.',
    ]);
    expect(liveSettingsFromEnv({ ACCOUNT_ROLES: '{"210987654321":"arn:aws:iam::210987654321:role/read"}' }).settings.accountRoles)
      .toEqual({ '210987654321': 'arn:aws:iam::210987654321:role/read' });
    expect(liveSettingsFromEnv({ ACCOUNT_ROLES: '{broken' }).problems).toEqual(['ACCOUNT_ROLES looks like JSON but does not parse.']);
  });
});

describe('the engine with live facts (issue 3 acceptance)', () => {
  it('the seed line + prd-redis with TLS off and engine 6.2.6 -> tls-to-plaintext, high, flag and version in live', async () => {
    const report = await diagnose({ text: SEED, live: true }, { live: deps() });
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.confidence).toBe('high');
    expect(report.live?.group?.transitEncryptionEnabled).toBe(false);
    expect(report.live?.group?.engineVersion).toBe('6.2.6');
    expect(report.reasons[0]).toMatch(/TransitEncryptionEnabled=false.*engine redis 6\.2\.6/);
    expect(JSON.parse(JSON.stringify(report)).live.group.transitEncryptionEnabled).toBe(false);
  });

  it('mode required + a "Connection reset by peer" paste from redis-py -> plaintext-to-tls, high', async () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/app/venv/lib/python3.12/site-packages/redis/connection.py", line 633, in send_packed_command',
      '    sendall(item)',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      `redis.exceptions.ConnectionError: Error 104 while writing to socket. Connection reset by peer.`,
    ].join('\n');
    const report = await diagnose({ text, hints: { group: 'prd-req', region: 'ap-northeast-1' }, live: true }, { live: deps() });
    expect(report.live?.group?.transitEncryptionMode).toBe('required');
    expect(report.cause).toBe('plaintext-to-tls');
    expect(report.confidence).toBe('high');
  });

  it('the probe tells a plaintext-only server from a TLS-only one, and both results are in the JSON', async () => {
    const d = deps();
    const toPlain = await diagnose({ text: '', hints: { endpoint: `${PLAIN_HOST}:${plain.port}` }, probe: true }, { live: d });
    const toTls = await diagnose({ text: '', hints: { endpoint: `${TLS_HOST}:${tlsOnly.port}` }, probe: true }, { live: d });
    const a = JSON.parse(JSON.stringify(toPlain)).live.probe;
    const b = JSON.parse(JSON.stringify(toTls)).live.probe;
    expect(a).toMatchObject({ speaks: 'plaintext', plaintext: { status: 'ok' } });
    expect(a.tls.status).not.toBe('ok');
    expect(b).toMatchObject({ speaks: 'tls', tls: { status: 'ok' }, plaintext: { status: 'reset' } });
    expect(b.tls.certificate.trusted).toBe(false);
  });

  it('AWS denying: the diagnosis from the paste stands, and the reply says what could not be checked, within 3 s', async () => {
    fake.options.deny = ['DescribeReplicationGroups'];
    const started = Date.now();
    const report = await diagnose({ text: SEED, live: true }, { live: deps() });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.live?.errors.join(' ')).toMatch(/AWS denied elasticache:DescribeReplicationGroups/);
  });

  it('AWS down: the diagnosis from the paste stands, within 3 s', async () => {
    const port = await closedPort();
    const started = Date.now();
    const report = await diagnose({ text: SEED, live: true }, { live: deps({ aws: { endpoint: `http://127.0.0.1:${port}`, credentials: creds } }) });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.live?.errors[0]).toMatch(/Could not read replication group prd-redis/);
  });
});
