// The bot as a process: configuration errors, start-up failures, health, metrics, logs and graceful shutdown.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, DEFAULT_SIGNING_SECRET, FakeSlack, eventEnvelope, messageEvent, sendEvent } from '../helpers/fake-slack.js';
import { ROOT, startBotProcess, type BotProcess } from './bot-process.js';

const SEED = readFileSync(join(ROOT, 'examples/seed-python-lambda.log'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'rd-main-'));
let slack: FakeSlack;
let aws: FakeElastiCache;
const running: BotProcess[] = [];

beforeAll(async () => {
  slack = await FakeSlack.start();
  aws = await startFakeElastiCache({ groups: [{ id: 'prd-redis', transit: 'off', engineVersion: '6.2.6', hash: 'abc123', region: 'ap-northeast-1' }] });
});
afterEach(() => { for (const b of running.splice(0)) b.kill(); });
afterAll(async () => {
  await slack?.stop();
  await aws?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Everything on loopback: the fake Slack and ElastiCache, no instance metadata, no probe of public names. */
function botEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    SUPPORT_CHANNELS: 'CSUPPORT01',
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_ENDPOINT_URL_ELASTICACHE: aws.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    PROBE_ALLOWED_HOSTS: '.probe-target.invalid',
    POLICY_FILE: '',
    ...extra,
  };
}

function start(env: Record<string, string>): BotProcess {
  const b = startBotProcess(env);
  running.push(b);
  return b;
}

describe('configuration and start-up errors: one clear message, exit 1, no stack', () => {
  it('missing Slack tokens', async () => {
    const b = start({});
    expect(await b.exited).toBe(1);
    const lines = b.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe('redis-diagnose: configuration error:');
    expect(lines.slice(1).map((l) => l.trim().split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(lines[1]).toMatch(/^ {2}SLACK_BOT_TOKEN is not set: .*starts with xoxb-/);
    expect(b.stderr()).not.toMatch(/^\s+at /m);
    expect(b.stdout()).toBe('');
  });

  it('a policy file with a mistake', async () => {
    const file = join(tmp, 'bad-policy.yml');
    writeFileSync(file, 'bindings:\n  - channels: [C0123ABCDEF]\n    featurs: [live]\n');
    const b = start(botEnv({ POLICY_FILE: file }));
    expect(await b.exited).toBe(1);
    const lines = b.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe('redis-diagnose: policy error:');
    expect(lines[1]).toMatch(/^ {2}bad-policy\.yml:\d+ bindings\[0\]/);
    expect(b.stderr()).toMatch(/bad-policy\.yml:3 .*featurs.*did you mean "features"/);
    expect(b.stderr()).not.toMatch(/^\s+at /m);
  });

  it('a token Slack refuses', async () => {
    const b = start(botEnv({ SLACK_BOT_TOKEN: 'xoxb-not-the-right-one' }));
    expect(await b.exited).toBe(1);
    expect(b.stderr()).toMatch(/^redis-diagnose: cannot start:\n {2}Slack refused the bot token at start \(auth\.test: invalid_auth\)/);
    expect(b.stderr()).not.toMatch(/^\s+at /m);
    expect(b.stdout() + b.stderr()).not.toContain('xoxb-not-the-right-one');
  });
});

describe('HTTP mode', () => {
  it('answers /healthz, exposes the named metrics, logs JSON with ids, and SIGTERM waits for the reply in flight', async () => {
    const b = start(botEnv());
    const port = await b.port();
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', mode: 'http' });

    // A reply in flight: Slack holds chat.postMessage while we ask the bot to stop.
    slack.queue('chat.postMessage', { delayMs: 1_500 });
    const before = slack.callsTo('chat.postMessage').length;
    const event = messageEvent({ text: SEED });
    const envelope = eventEnvelope(event);
    const ack = await sendEvent(`${base}/slack/events`, envelope);
    expect(ack.status).toBe(200);
    // Polled: the fake notifies its waiters when it answers, and this answer is being held.
    for (let i = 0; i < 1_000 && slack.callsTo('chat.postMessage').length === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(slack.callsTo('chat.postMessage').length, 'the reply started').toBe(before + 1);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['redis_diagnose_diagnoses_total', 'redis_diagnose_replies_total', 'redis_diagnose_duplicates_suppressed_total', 'redis_diagnose_feedback_total',
      'redis_diagnose_aws_calls_total', 'redis_diagnose_probe_results_total', 'redis_diagnose_ack_seconds', 'redis_diagnose_reply_seconds', 'redis_diagnose_in_flight_requests']) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
    expect(metrics).toMatch(/^redis_diagnose_in_flight_requests 1$/m);
    expect(metrics).toMatch(/^redis_diagnose_aws_calls_total\{action="DescribeReplicationGroups",outcome="ok"\} \d+$/m);
    expect(metrics).toMatch(/^redis_diagnose_build_info\{version="0\.1\.0",mode="http",node="[\d.]+"\} 1$/m);

    b.child.kill('SIGTERM');
    const code = await b.exited;
    expect(code).toBe(0);

    const idx = (pred: (l: (typeof b.logs)[number]) => boolean) => b.logs.findIndex(pred);
    const shutdownAt = idx((l) => l.event === 'shutdown');
    const postedAt = idx((l) => l.msg === 'auto-reply posted');
    const stoppedAt = idx((l) => l.event === 'stopped');
    expect(shutdownAt).toBeGreaterThanOrEqual(0);
    // The reply was still being posted when the shutdown began, it was posted, and only then did the bot stop.
    expect(postedAt).toBeGreaterThan(shutdownAt);
    expect(stoppedAt).toBeGreaterThan(postedAt);
    expect(b.logs[stoppedAt]).toMatchObject({ drained: true });
    const reply = slack.callsTo('chat.postMessage').at(-1)!;
    expect(reply.params.thread_ts).toBe(event.ts);
    expect(reply.status).toBe(200);

    // Every line is JSON with a level and says which request it belongs to (or which process event it is);
    // the lines of the request, policy audit included, all carry its event id. No secret in any line.
    expect(b.logs.length).toBeGreaterThan(3);
    expect(b.logs.every((l) => typeof l.level === 'number')).toBe(true);
    expect(b.logs.filter((l) => !l.event && !l.requestId).map((l) => l.msg)).toEqual([]);
    expect(b.logs[postedAt]!.requestId).toBe(envelope.event_id);
    const audit = b.logs.filter((l) => l.audit === 'policy');
    expect(audit.length).toBeGreaterThan(0);
    for (const l of audit) expect(l.requestId).toBe(envelope.event_id);
    const text = b.stdout();
    expect(text).not.toContain(DEFAULT_BOT_TOKEN);
    expect(text).not.toContain(DEFAULT_SIGNING_SECRET);
    expect(text).not.toContain('wJalrXUtnFEMI');
  });
});

describe('Socket Mode', () => {
  it('serves /healthz on PORT while connected, and stops cleanly on SIGTERM', async () => {
    await slack.enableSocketMode();
    const b = start(botEnv({ SLACK_APP_TOKEN: DEFAULT_APP_TOKEN, SLACK_SIGNING_SECRET: '' }));
    const port = await b.port();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', mode: 'socket', slackConnected: true });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    // Socket Mode serves no Slack traffic over HTTP.
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.logs.find((l) => l.event === 'stopped')).toMatchObject({ drained: true });
  });
});
