// /redis-diagnose through the real Bolt HTTP receiver with signed slash-command posts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import type { DiagnoseFn } from '../../src/slack/context.js';
import { blocksText, FakeSlack, sendCommand } from '../helpers/fake-slack.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { OTHER, PRD_REDIS, SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

let fake: FakeSlack;
let ec: FakeElastiCache;
let h: Harness;
// Lets a test hold the engine, to see what happens before the work is done.
let hold: Promise<void> | undefined;
const heldDiagnose: DiagnoseFn = async (req, deps) => {
  if (hold) await hold;
  return diagnose(req, deps);
};

beforeAll(async () => {
  fake = await FakeSlack.start();
  ec = await startFakeElastiCache({ groups: [PRD_REDIS] });
  h = await startHarness({ fake, ec, diagnose: heldDiagnose });
});
afterAll(async () => {
  await h.stop();
  await fake.stop();
  await ec.close();
});
afterEach(async () => {
  hold = undefined;
  await settle(h);
  fake.calls.length = 0;
  fake.responsePosts.length = 0;
  ec.reset();
});

const webCalls = () => fake.calls.filter((c) => c.method !== 'auth.test');

describe('/redis-diagnose <paste>', () => {
  it('acks at once, before the diagnosis runs', async () => {
    let release!: () => void;
    hold = new Promise((r) => { release = r; });
    const res = await sendCommand(h.url, { text: SEED, channel_id: SUPPORT, response_url: fake.responseUrl() });
    // The HTTP answer (the ack) came back while the engine is still held: nothing was posted yet.
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(webCalls()).toEqual([]);
    release();
    await fake.waitForCalls('chat.postMessage', 2);
  });

  it('posts the headline visibly with the quoted, redacted text, and the details in its thread', async () => {
    const text = `prod worker cannot connect, REDIS_URL=rediss://:s3cr3t-fixture-pass@prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379\n${SEED}`;
    await sendCommand(h.url, { text, channel_id: SUPPORT, user_id: 'UASKER0001', response_url: fake.responseUrl() });
    const [top, details] = await fake.waitForCalls('chat.postMessage', 2);
    expect(top!.params.channel).toBe(SUPPORT);
    expect(top!.params.thread_ts).toBeUndefined();
    const header = blocksText(top!.params.blocks);
    expect(header).toContain('<@UASKER0001> ran `/redis-diagnose` on:');
    expect(header).toContain('>prod worker cannot connect');
    expect(header).toContain('The client speaks TLS, but the endpoint has in-transit encryption disabled (confidence: high)');

    // The details hang under the headline message (the ts Slack gave it).
    expect(details!.params.thread_ts).toBe(top!.response!.ts);
    const detailText = blocksText(details!.params.blocks);
    expect(detailText).toContain('*Evidence from the paste*');
    expect(detailText).toContain('TransitEncryptionEnabled: *false*');
    // Never a secret, anywhere the bot sent anything.
    expect(JSON.stringify(fake.calls.map((c) => c.params))).not.toContain('s3cr3t-fixture-pass');
  });

  it('--private answers only to the asker, through response_url', async () => {
    const responseUrl = fake.responseUrl();
    await sendCommand(h.url, { text: `--private ${SEED}`, channel_id: SUPPORT, response_url: responseUrl });
    await fake.waitFor(() => fake.responsePosts.length === 1);
    await settle(h);
    expect(fake.posted()).toEqual([]);
    const post = fake.responsePosts[0]!;
    expect(responseUrl.endsWith(post.id)).toBe(true);
    expect(post.body.response_type).toBe('ephemeral');
    expect(blocksText(post.body.blocks)).toContain('tls-to-plaintext');
  });

  it('a paste that is not a Redis error gets an answer saying so', async () => {
    await sendCommand(h.url, { text: 'psql: error: connection to server at "127.0.0.1", port 5432 failed: server does not support SSL, but SSL was required', channel_id: SUPPORT, response_url: fake.responseUrl() });
    const [top] = await fake.waitForCalls('chat.postMessage', 2);
    expect(blocksText(top!.params.blocks)).toContain('This does not look like a Redis connection error');
  });
});

describe('/redis-diagnose help, usage errors', () => {
  it('help and empty text answer with usage in the ack itself', async () => {
    for (const text of ['help', '', '   ']) {
      const res = await sendCommand(h.url, { text, channel_id: SUPPORT, response_url: fake.responseUrl() });
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { response_type: string; blocks: unknown[] };
      expect(body.response_type).toBe('ephemeral');
      expect(blocksText(body.blocks)).toContain('/redis-diagnose prd-redis');
    }
    await settle(h);
    expect(webCalls()).toEqual([]);
    expect(fake.responsePosts).toEqual([]);
  });

  it('a bad flag value gets a clear message, not a crash', async () => {
    const res = await sendCommand(h.url, { text: '--region narnia-1 prd-redis', channel_id: SUPPORT, response_url: fake.responseUrl() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.parse(res.body).text).toContain('is not an AWS region code');
  });
});

describe('/redis-diagnose <group id>', () => {
  it('gives the group live facts and what they mean, with no paste', async () => {
    await sendCommand(h.url, { text: 'prd-redis', channel_id: SUPPORT, response_url: fake.responseUrl() });
    const [top, details] = await fake.waitForCalls('chat.postMessage', 2);
    expect(blocksText(top!.params.blocks)).toContain('Live connection settings of group prd-redis (ap-northeast-1)');
    const text = blocksText(details!.params.blocks);
    expect(text).toContain('TransitEncryptionEnabled: *false*');
    expect(text).toContain('Engine: `redis 6.2.6`');
    expect(text).toContain('*What a client needs*');
    expect(text).toContain('Plaintext: `redis://`');
  });
});

describe('where the bot cannot post', () => {
  it('not in the channel: the whole answer goes out through response_url, visibly', async () => {
    fake.queue('chat.postMessage', { error: 'not_in_channel' });
    await sendCommand(h.url, { text: SEED, channel_id: OTHER, response_url: fake.responseUrl() });
    await fake.waitFor(() => fake.responsePosts.length === 1);
    await settle(h);
    expect(fake.posted()).toEqual([]);
    expect(fake.responsePosts[0]!.body.response_type).toBe('in_channel');
    expect(blocksText(fake.responsePosts[0]!.body.blocks)).toContain('tls-to-plaintext');
  });
});
