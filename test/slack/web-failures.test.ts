// Slack Web API failures: Retry-After honoured (bounded), refused blocks fall back to plain text, channel errors
// give up cleanly, and nothing crashes or leaves the :mag: reaction behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import { eventEnvelope, FakeSlack, messageEvent, sendEvent } from '../helpers/fake-slack.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { counter, PRD_REDIS, SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

let fake: FakeSlack;
let ec: FakeElastiCache;
let h: Harness;
let failLive = false;

beforeAll(async () => {
  fake = await FakeSlack.start();
  ec = await startFakeElastiCache({ groups: [PRD_REDIS] });
  h = await startHarness({
    fake,
    ec,
    limits: { floodMax: 1_000, maxRetryAfterSec: 5 },
    // The real engine; one test makes its live stage blow up.
    diagnose: async (req, deps) => {
      if (failLive && req.live) throw new Error('boom: live stage failed');
      return diagnose(req, deps);
    },
  });
});
afterAll(async () => {
  await h.stop();
  await fake.stop();
  await ec.close();
});
afterEach(async () => {
  failLive = false;
  await settle(h, 10_000);
  fake.calls.length = 0;
});

const paste = async () => {
  const event = messageEvent({ channel: SUPPORT, text: SEED });
  expect((await sendEvent(h.url, eventEnvelope(event))).status).toBe(200);
  return event;
};
const posts = () => fake.callsTo('chat.postMessage');

describe('429 rate limits', () => {
  it('waits Retry-After, then posts the reply once', async () => {
    fake.queue('chat.postMessage', { retryAfter: 1 });
    await paste();
    await fake.waitFor(() => fake.posted().length === 1, 8_000, 'the reply after the 429');
    await settle(h);
    const [limited, ok] = posts();
    expect(limited!.status).toBe(429);
    expect(ok!.status).toBe(200);
    // Retry-After: 1 means one second: the second attempt did not come sooner.
    expect(ok!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(fake.posted()).toHaveLength(1);
  });

  it('a Retry-After longer than we wait for: gives up cleanly and removes the reaction', async () => {
    fake.queue('chat.postMessage', { retryAfter: 120 });
    await paste();
    await settle(h, 8_000); // finishes, does not hang for two minutes
    expect(posts()).toHaveLength(1);
    expect(fake.posted()).toHaveLength(0);
    expect(fake.callsTo('reactions.remove')).toHaveLength(1);
    expect(await counter(h.metrics, 'redis_diagnose_slack_api_errors_total', { method: 'chat.postMessage', error: 'ratelimited' })).toBe(1);
  });
});

describe('platform errors', () => {
  for (const error of ['invalid_blocks', 'msg_too_long', 'msg_blocks_too_long']) {
    it(`${error}: the reply goes out as plain text`, async () => {
      fake.queue('chat.postMessage', { error });
      const event = await paste();
      await fake.waitFor(() => fake.posted().length === 1);
      await settle(h);
      const [refused, plain] = posts();
      expect(refused!.error).toBe(error);
      expect(plain!.params.blocks).toBeUndefined();
      expect(plain!.params.thread_ts).toBe(event.ts);
      expect(plain!.params.text).toContain('The client speaks TLS, but the endpoint has in-transit encryption disabled');
      expect(await counter(h.metrics, 'redis_diagnose_replies_total', { kind: 'auto', outcome: 'fallback-text' })).toBeGreaterThanOrEqual(1);
    });
  }

  for (const error of ['not_in_channel', 'channel_not_found']) {
    it(`${error}: logged, no retry loop, and the next paste is still answered`, async () => {
      fake.queue('chat.postMessage', { error });
      await paste();
      await settle(h);
      expect(posts()).toHaveLength(1);
      expect(fake.callsTo('reactions.remove')).toHaveLength(1);
      expect(h.logs.some((l) => l.error === error && l.method === 'chat.postMessage')).toBe(true);
      await paste();
      await fake.waitFor(() => fake.posted().length === 1);
    });
  }

  it('reactions failing (already_reacted, not_in_channel) do not stop the reply', async () => {
    fake.queue('reactions.add', { error: 'already_reacted' });
    fake.queue('reactions.remove', { error: 'no_reaction' });
    await paste();
    await fake.waitFor(() => fake.posted().length === 1);
  });
});

describe('engine failures', () => {
  it('a failing live stage still gives the paste diagnosis, and the reaction is removed', async () => {
    failLive = true;
    await paste();
    await settle(h);
    expect(fake.posted()).toHaveLength(1);
    expect(fake.callsTo('reactions.remove')).toHaveLength(1);
    expect(h.logs.some((l) => l.msg === 'diagnosis failed')).toBe(true);
  });
});
