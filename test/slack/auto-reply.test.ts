// Auto-replies through the real Bolt HTTP receiver, fed correctly signed Events API requests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blocksText, eventEnvelope, FakeSlack, mentionEvent, messageEvent, messageTs, sendEvent } from '../helpers/fake-slack.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { counter, OTHER, PRD_REDIS, SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

let fake: FakeSlack;
let ec: FakeElastiCache;
let h: Harness;

beforeAll(async () => {
  fake = await FakeSlack.start();
  ec = await startFakeElastiCache({ groups: [PRD_REDIS] });
  // The flood limit has its own tests (flood.test.ts); here many pastes share one channel.
  h = await startHarness({ fake, ec, limits: { floodMax: 1_000 } });
});
afterAll(async () => {
  await h.stop();
  await fake.stop();
  await ec.close();
});
afterEach(async () => {
  await settle(h);
  fake.calls.length = 0;
  fake.downloads.length = 0;
});

const replies = () => fake.posted();

describe('a Redis connection error pasted in a support channel', () => {
  it('gets exactly one threaded reply naming the cause, the group and the fix; a retry changes nothing', async () => {
    const event = messageEvent({ channel: SUPPORT, text: SEED });
    const envelope = eventEnvelope(event);
    const res = await sendEvent(h.url, envelope);
    expect(res.status).toBe(200);
    await fake.waitForCalls('chat.postMessage');
    await settle(h);

    // Slack retries when it thinks the first delivery failed: same event_id, x-slack-retry-num set.
    const retry = await sendEvent(h.url, envelope, { retryNum: 1, retryReason: 'http_timeout' });
    expect(retry.status).toBe(200);
    await settle(h);

    expect(replies()).toHaveLength(1);
    const reply = replies()[0]!;
    expect(reply.params.channel).toBe(SUPPORT);
    expect(reply.params.thread_ts).toBe(event.ts);
    const text = blocksText(reply.params.blocks);
    expect(text).toContain('The client speaks TLS, but the endpoint has in-transit encryption disabled');
    expect(text).toContain('confidence: high');
    expect(text).toContain('tls-to-plaintext');
    expect(text).toContain('prd-redis');
    // The live fact that proves it, read from the (fake) AWS API.
    expect(text).toMatch(/TransitEncryptionEnabled: \*false\*/);
    // The fix plan (steps; the Terraform diff when a Terraform tree is configured).
    expect(text).toContain('*Fix*');
    // The notification text says it too.
    expect(reply.params.text).toContain('Group: prd-redis');
    expect(await counter(h.metrics, 'redis_diagnose_duplicates_suppressed_total', { reason: 'event-id' })).toBeGreaterThanOrEqual(1);
  });

  it('shows :mag: while working and removes it afterwards', async () => {
    const event = messageEvent({ channel: SUPPORT, text: SEED });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('reactions.remove');
    const add = fake.callsTo('reactions.add')[0]!;
    const post = fake.callsTo('chat.postMessage')[0]!;
    const remove = fake.callsTo('reactions.remove')[0]!;
    expect(add.params).toMatchObject({ channel: SUPPORT, timestamp: event.ts, name: 'mag' });
    expect(remove.params).toMatchObject({ channel: SUPPORT, timestamp: event.ts, name: 'mag' });
    expect(fake.calls.indexOf(add)).toBeLessThan(fake.calls.indexOf(post));
    expect(fake.calls.indexOf(post)).toBeLessThan(fake.calls.indexOf(remove));
  });

  it('a message inside a thread is answered in that same thread', async () => {
    const parent = messageTs();
    const event = messageEvent({ channel: SUPPORT, text: SEED, thread_ts: parent });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('chat.postMessage');
    expect(replies()[0]!.params.thread_ts).toBe(parent);
  });

  it('the same error pasted again in the same thread gets no new reply; a different error does', async () => {
    const parent = messageTs();
    await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: SEED, thread_ts: parent })));
    await fake.waitForCalls('chat.postMessage');
    await settle(h);
    await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: `still failing:\n${SEED}`, thread_ts: parent })));
    await settle(h);
    expect(replies()).toHaveLength(1);

    const other = 'redis.exceptions.AuthenticationError: NOAUTH Authentication required. (host prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379)';
    await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: other, thread_ts: parent })));
    await fake.waitForCalls('chat.postMessage', 2);
    expect(replies()[1]!.params.thread_ts).toBe(parent);
    expect(blocksText(replies()[1]!.params.blocks)).toContain('auth-missing');
  });

  it('reads a pasted snippet (file_share) with the bot token', async () => {
    const file = fake.addFile('lambda-error.log', `START RequestId: 8c1f Version: $LATEST\n${SEED}\nEND RequestId: 8c1f\n`, { filetype: 'text', mode: 'snippet' });
    const event = messageEvent({ channel: SUPPORT, subtype: 'file_share', text: 'our lambda keeps failing, log attached', files: [file] });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('chat.postMessage');
    expect(fake.downloads).toHaveLength(1);
    expect(fake.downloads[0]!.token).toBe(fake.opts.botToken);
    expect(blocksText(replies()[0]!.params.blocks)).toContain('tls-to-plaintext');
    expect(replies()[0]!.params.thread_ts).toBe(event.ts);
  });
});

describe('what the bot ignores', () => {
  it('its own messages, other bots, edits, deletions, joins and non-support channels: no call at all', async () => {
    const events = [
      messageEvent({ channel: SUPPORT, text: SEED, bot_id: fake.opts.botId, user: fake.opts.botUserId }),
      messageEvent({ channel: SUPPORT, text: SEED, subtype: 'bot_message', bot_id: 'BOTHER0001', username: 'pagerduty' }),
      messageEvent({ channel: SUPPORT, text: SEED, bot_id: 'BOTHER0002', user: 'UOTHERBOT1' }),
      { ...messageEvent({ channel: SUPPORT, text: '' }), subtype: 'message_changed', message: { type: 'message', user: 'UHUMAN0001', text: SEED, ts: messageTs() }, previous_message: { text: 'x' } },
      { ...messageEvent({ channel: SUPPORT, text: '' }), subtype: 'message_deleted', deleted_ts: messageTs(), previous_message: { text: SEED } },
      messageEvent({ channel: SUPPORT, subtype: 'channel_join', text: '<@UNEWUSER1> has joined the channel', user: 'UNEWUSER1' }),
      messageEvent({ channel: OTHER, text: SEED }),
    ];
    for (const e of events) expect((await sendEvent(h.url, eventEnvelope(e))).status).toBe(200);
    await settle(h);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('25 everyday messages and non-Redis errors in a support channel get zero replies', async () => {
    const noise = [
      'morning all :coffee:',
      'is anyone else seeing slow CI today?',
      'deploying api-gateway v2.14.3 to staging now',
      'PR is up for the cache TTL change: https://github.com/acme/api/pull/4312 can someone review?',
      'lunch?',
      ':tada: release 3.2 is out',
      'who owns the billing dashboards these days?',
      'thanks <@U02ABCDEF>, that fixed it',
      'reminder: game day on Thursday 14:00 UTC',
      'the staging Redis was upgraded to 7.1 last night, shout if anything looks odd',
      'can we bump the ElastiCache node type for the sessions cache next sprint?',
      'I will be OOO tomorrow',
      '```\n$ kubectl get pods -n payments\nNAME                        READY   STATUS    RESTARTS   AGE\npayments-api-7d9c8b-xk2lp   1/1     Running   0          3d\n```',
      // Real non-Redis errors, as their programs print them.
      'curl: (35) error:0A00010B:SSL routines::wrong version number',
      'requests.exceptions.SSLError: HTTPSConnectionPool(host=\'localhost\', port=8080): Max retries exceeded with url: /health (Caused by SSLError(SSLError(1, \'[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)\')))',
      'psql: error: connection to server at "127.0.0.1", port 5432 failed: server does not support SSL, but SSL was required',
      'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      'org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.',
      'java.net.UnknownHostException: api.internal.example.com: Name or service not known',
      'ERROR 1045 (28000): Access denied for user \'app\'@\'10.0.3.17\' (using password: YES)',
      'fatal: unable to access \'https://github.com/acme/infra.git/\': Could not resolve host: github.com',
      'Error: getaddrinfo ENOTFOUND registry.npmjs.org',
      'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
      'OOMKilled: container payments-api exceeded memory limit 512Mi',
      'TypeError: Cannot read properties of undefined (reading \'map\')\n    at OrdersTable (webpack-internal:///./src/OrdersTable.tsx:42:23)',
    ];
    expect(noise).toHaveLength(25);
    for (const text of noise) expect((await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text })))).status).toBe(200);
    await settle(h);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
});

describe('@-mentions', () => {
  it('a mention with the error, outside the support channels, gets a threaded reply', async () => {
    const event = mentionEvent({ channel: OTHER, text: `can you look at this?\n${SEED}`, botUserId: fake.opts.botUserId });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('chat.postMessage');
    await settle(h);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.params).toMatchObject({ channel: OTHER, thread_ts: event.ts });
  });

  it('a mention in a support channel (message + app_mention events for one message) gets one reply', async () => {
    const ts = messageTs();
    const text = `<@${fake.opts.botUserId}> help?\n${SEED}`;
    await Promise.all([
      sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text, ts }))),
      sendEvent(h.url, eventEnvelope({ ...mentionEvent({ channel: SUPPORT, ts, botUserId: fake.opts.botUserId }), text })),
    ]);
    await settle(h);
    expect(replies()).toHaveLength(1);
  });

  it('a mention inside a thread reads the thread: the error in the parent message gets the answer', async () => {
    const parent = messageTs();
    fake.threads.set(`${OTHER}:${parent}`, [
      { type: 'message', user: 'UHUMAN0002', text: `our worker dies on start:\n${SEED}`, ts: parent, thread_ts: parent },
    ]);
    const event = mentionEvent({ channel: OTHER, text: 'any idea?', thread_ts: parent, botUserId: fake.opts.botUserId });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('chat.postMessage');
    expect(replies()[0]!.params.thread_ts).toBe(parent);
    expect(blocksText(replies()[0]!.params.blocks)).toContain('tls-to-plaintext');
  });

  it('a mention without any Redis error gets a hint visible only to the asker', async () => {
    const event = mentionEvent({ channel: OTHER, text: 'what do you do?', user: 'UHUMAN0003', botUserId: fake.opts.botUserId });
    await sendEvent(h.url, eventEnvelope(event));
    await fake.waitForCalls('chat.postEphemeral');
    await settle(h);
    expect(replies()).toHaveLength(0);
    expect(fake.callsTo('chat.postEphemeral')[0]!.params).toMatchObject({ channel: OTHER, user: 'UHUMAN0003' });
  });
});

describe('signature checks', () => {
  it('unsigned, wrongly signed and stale requests are rejected and do nothing', async () => {
    const body = eventEnvelope(messageEvent({ channel: SUPPORT, text: SEED }));
    expect((await sendEvent(h.url, body, { signature: null })).status).toBe(401);
    expect((await sendEvent(h.url, body, { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await sendEvent(h.url, body, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 })).status).toBe(401);
    await settle(h);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('/healthz answers 200', async () => {
    const res = await fetch(`${h.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'http' });
  });
});
