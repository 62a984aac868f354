// manifest.yml parses, and says what the code registers: the command, the bot events, the scopes it needs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_IDS } from '../../src/render/blocks.js';
import { BOT_EVENTS, REQUIRED_BOT_SCOPES, SCOPES_BY_METHOD, SLASH_COMMAND } from '../../src/slack/registration.js';
import { eventEnvelope, FakeSlack, mentionEvent, messageEvent, sendBlockAction, sendCommand, sendEvent } from '../helpers/fake-slack.js';
import { SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

interface Manifest {
  display_information: { name: string };
  features: { bot_user: { display_name: string }; slash_commands: { command: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('parses and names the app, its bot user, interactivity and Socket Mode', () => {
    expect(manifest.display_information.name).toBe('redis-diagnose');
    expect(manifest.features.bot_user.display_name).toBe('redis-diagnose');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('has exactly the command, events and scopes the code registers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(REQUIRED_BOT_SCOPES);
  });
});

describe('the running app against the manifest', () => {
  let fake: FakeSlack;
  let h: Harness;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    h = await startHarness({ fake, config: { terraformDir: 'test/fixtures/terraform/seed' }, limits: { replyBudget: 3_000 } });
  });
  afterAll(async () => {
    await h.stop();
    await fake.stop();
  });

  it('answers the manifest command and events, and calls only methods whose scopes the manifest grants', async () => {
    const command = manifest.features.slash_commands[0]!.command;
    const res = await sendCommand(h.url, { command, text: SEED, channel_id: SUPPORT, response_url: fake.responseUrl() });
    expect(res.status).toBe(200);
    await fake.waitForCalls('chat.postMessage', 2);

    // message.channels / message.groups arrive as `message` with channel_type channel / group.
    const file = fake.addFile('trace.txt', SEED);
    await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, channel_type: 'group', subtype: 'file_share', text: 'see file', files: [file] })));
    const parent = messageEvent({ channel: 'CELSEWHERE', text: 'this one?' });
    fake.threads.set(`CELSEWHERE:${parent.ts as string}`, [{ ...parent, thread_ts: parent.ts }]);
    await sendEvent(h.url, eventEnvelope(mentionEvent({ channel: 'CELSEWHERE', text: 'look', thread_ts: parent.ts as string, botUserId: fake.opts.botUserId })));
    await settle(h);

    const reply = fake.posted().find((p) => p.params.thread_ts)!;
    const value = (reply.params.blocks as { type: string; elements?: { value: string }[] }[]).find((b) => b.type === 'actions')!.elements![0]!.value;
    for (const actionId of Object.values(ACTION_IDS)) {
      await sendBlockAction(h.url, { actionId, value, messageTs: reply.response!.ts as string, channel: SUPPORT, responseUrl: fake.responseUrl() });
    }
    await settle(h);

    const granted = new Set(manifest.oauth_config.scopes.bot);
    const used = new Set(fake.calls.map((c) => c.method));
    for (const method of used) {
      expect(SCOPES_BY_METHOD, `the code calls ${method}: add it to SCOPES_BY_METHOD`).toHaveProperty([method]);
      for (const scope of SCOPES_BY_METHOD[method]!) expect(granted, `${method} needs ${scope}`).toContain(scope);
    }
    // The flow above exercised the calls the scopes are for.
    for (const m of ['chat.postMessage', 'chat.update', 'reactions.add', 'files.completeUploadExternal', 'conversations.replies', 'chat.postEphemeral']) {
      expect(used).toContain(m);
    }
    expect(fake.downloads.length).toBeGreaterThan(0);
  });
});
