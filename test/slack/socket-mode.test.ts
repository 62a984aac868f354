// Socket Mode: chosen when an app token is configured; apps.connections.open on the fake Web API returns the URL
// of a local WebSocket server standing in for Slack's, which delivers envelopes and receives the acks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import { blocksText, DEFAULT_APP_TOKEN, eventEnvelope, FakeSlack, messageEvent, sendEvent } from '../helpers/fake-slack.js';
import { SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

describe('Socket Mode', () => {
  let fake: FakeSlack;
  let h: Harness;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    await fake.enableSocketMode();
    h = await startHarness({ fake, slack: { appToken: DEFAULT_APP_TOKEN, signingSecret: undefined } });
  });
  afterAll(async () => {
    await h.stop();
    await fake.stop();
  });

  it('is chosen from the configuration and connects with the app token', async () => {
    expect(h.bot.mode).toBe('socket');
    const open = fake.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.token).toBe(DEFAULT_APP_TOKEN);
    expect(fake.socketConnections).toBe(1);
  });

  it('acks an Events API envelope and replies in the thread', async () => {
    const event = messageEvent({ channel: SUPPORT, text: SEED });
    const ack = await fake.sendEnvelope('events_api', eventEnvelope(event));
    expect(ack.envelope_id).toBeTypeOf('string');
    const [post] = await fake.waitForCalls('chat.postMessage');
    expect(post!.params.thread_ts).toBe(event.ts);
    expect(blocksText(post!.params.blocks)).toContain('tls-to-plaintext');
    await settle(h);
  });

  it('a retried envelope of the same event gets no second reply', async () => {
    const envelope = eventEnvelope(messageEvent({ channel: SUPPORT, text: `again:\n${SEED}` }));
    const before = fake.posted().length;
    await fake.sendEnvelope('events_api', envelope);
    await fake.sendEnvelope('events_api', envelope, { retryAttempt: 1 });
    await fake.waitFor(() => fake.posted().length === before + 1);
    await settle(h);
    expect(fake.posted()).toHaveLength(before + 1);
  });

  it('answers /redis-diagnose help in the ack payload', async () => {
    const ack = await fake.sendEnvelope('slash_commands', {
      command: '/redis-diagnose', text: 'help', channel_id: SUPPORT, user_id: 'UHUMAN0001', team_id: 'T00000001',
      response_url: fake.responseUrl(), trigger_id: '1.2.3', api_app_id: 'A00000001',
    });
    expect((ack.payload as { response_type: string }).response_type).toBe('ephemeral');
    expect(blocksText((ack.payload as { blocks: unknown[] }).blocks)).toContain('/redis-diagnose prd-redis');
  });

  it('serves /healthz on its port', async () => {
    const res = await fetch(`${h.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'socket', slackConnected: true });
  });

  it('a refused app token fails the start with a clear message', async () => {
    const other = await FakeSlack.start();
    await other.enableSocketMode();
    await expect(startHarness({ fake: other, slack: { appToken: 'xapp-not-the-right-token', signingSecret: undefined } }))
      .rejects.toThrow(/Socket Mode could not connect \(apps.connections.open: invalid_auth\)/);
    await other.stop();
  });
});

describe('start and stop', () => {
  it('stop() ends the socket connection', async () => {
    const fake = await FakeSlack.start();
    await fake.enableSocketMode();
    const h = await startHarness({ fake, slack: { appToken: DEFAULT_APP_TOKEN, signingSecret: undefined } });
    expect(fake.socketConnections).toBe(1);
    await h.stop();
    await fake.waitFor(() => fake.socketConnections === 0, 5_000, 'the socket to close');
    await fake.stop();
  });

  it('a refused bot token fails the start with a clear message, not an unhandled rejection', async () => {
    const fake = await FakeSlack.start();
    await expect(startHarness({ fake, slack: { botToken: 'xoxb-revoked' } })).rejects.toThrow(/Slack refused the bot token at start \(auth.test: invalid_auth\)/);
    await fake.stop();
  });

  it('stop() waits for a reply in flight, and gives up after its bound', async () => {
    const fake = await FakeSlack.start();
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const h = await startHarness({ fake, diagnose: async (req, deps) => { await held; return diagnose(req, deps); } });
    // The event was acked (its HTTP answer is back) while the engine is still held: ack first, work after.
    expect((await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: SEED })))).status).toBe(200);
    expect(fake.posted()).toHaveLength(0);
    expect(h.bot.inFlight()).toBe(1);
    // Bounded: with the engine still held, a short drain returns false instead of hanging.
    expect(await h.bot.drain(200)).toBe(false);
    const stopping = h.bot.stop(10_000);
    release();
    expect(await stopping).toBe(true);
    expect(fake.posted()).toHaveLength(1);
    await h.stop().catch(() => undefined);
    await fake.stop();
  });
});
