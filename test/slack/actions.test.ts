// The reply's buttons, driven with signed block_actions payloads: "Re-check live", "Show Terraform",
// "Not Redis / wrong". The diffs are real: the engine plans them against test/fixtures/terraform/seed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/render/blocks.js';
import { blocksText, eventEnvelope, FakeSlack, messageEvent, sendBlockAction, sendEvent, type RecordedCall } from '../helpers/fake-slack.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { counter, PRD_REDIS, SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

let fake: FakeSlack;
let ec: FakeElastiCache;
let h: Harness;

beforeAll(async () => {
  fake = await FakeSlack.start();
  ec = await startFakeElastiCache({ groups: [{ ...PRD_REDIS }] });
  h = await startHarness({
    fake,
    ec,
    noLiveCache: true,
    config: { terraformDir: 'test/fixtures/terraform/seed' },
    // A small reply budget, so the plan's diffs are folded behind "Show Terraform" as a long plan's would be.
    limits: { floodMax: 1_000, replyBudget: 3_000 },
  });
});
afterAll(async () => {
  await h.stop();
  await fake.stop();
  await ec.close();
});
afterEach(async () => {
  await settle(h);
  fake.calls.length = 0;
  fake.responsePosts.length = 0;
  fake.uploads.length = 0;
  ec.options.groups = [{ ...PRD_REDIS }];
});

interface Reply { call: RecordedCall; ts: string; ref: string; actions: string[]; threadTs: string }

/** Paste the seed error and return the bot's reply with its buttons. */
async function reply(): Promise<Reply> {
  const event = messageEvent({ channel: SUPPORT, text: SEED });
  await sendEvent(h.url, eventEnvelope(event));
  await fake.waitFor(() => fake.posted().length >= 1);
  await settle(h);
  const call = fake.posted().at(-1)!;
  const actions = (call.params.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
    .filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  return { call, ts: call.response!.ts as string, ref: actions[0]!.value, actions: actions.map((a) => a.action_id), threadTs: event.ts as string };
}

const click = (r: Reply, actionId: string, user = 'UCLICKER01', responseUrl = fake.responseUrl()) =>
  sendBlockAction(h.url, { actionId, value: r.ref, messageTs: r.ts, threadTs: r.threadTs, channel: SUPPORT, user, responseUrl });

describe('Show Terraform', () => {
  it('the folded diffs are uploaded as snippets in the thread, once', async () => {
    const r = await reply();
    expect(r.actions).toEqual([ACTION_IDS.recheck, ACTION_IDS.showTerraform, ACTION_IDS.wrong]);
    expect(blocksText(r.call.params.blocks)).toContain('too long for a Slack message');

    const res = await click(r, ACTION_IDS.showTerraform);
    expect(res.status).toBe(200);
    const [complete] = await fake.waitForCalls('files.completeUploadExternal');
    await settle(h);
    expect(complete!.params).toMatchObject({ channel_id: SUPPORT, thread_ts: r.threadTs });
    const uploaded = fake.uploads.map((u) => u.bytes.toString()).join('\n');
    expect(uploaded).toContain('+  transit_encryption_enabled = true');
    expect(uploaded).toContain('--- a/main.tf');
    // Raw diff in the file (it must apply with git apply), not Slack-escaped text.
    expect(uploaded).not.toContain('&gt;');

    await click(r, ACTION_IDS.showTerraform);
    await fake.waitFor(() => fake.responsePosts.length === 1);
    await settle(h);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(fake.responsePosts[0]!.body.text).toContain('already shared for this answer');
  });

  it('without files:write the diff is posted as thread messages instead', async () => {
    const r = await reply();
    fake.calls.length = 0;
    // As many refusals as the upload may ask for (one per diff).
    fake.queue('files.getUploadURLExternal', ...Array.from({ length: 8 }, () => ({ error: 'missing_scope' })));
    await click(r, ACTION_IDS.showTerraform);
    await fake.waitFor(() => fake.posted().length >= 1);
    await settle(h);
    const posted = fake.posted();
    expect(posted.every((p) => p.params.thread_ts === r.threadTs)).toBe(true);
    expect(posted.map((p) => p.params.text).join('\n')).toContain('+  transit_encryption_enabled = true');
  });
});

describe('Re-check live', () => {
  it('runs the live checks again and updates the reply in place', async () => {
    const r = await reply();
    expect(blocksText(r.call.params.blocks)).toContain('TransitEncryptionEnabled: *false*');
    // Meanwhile someone enabled TLS (mode preferred) on the group.
    ec.options.groups = [{ ...PRD_REDIS, transit: 'preferred', engineVersion: '7.1' }];
    await click(r, ACTION_IDS.recheck, 'UCLICKER02');
    const [update] = await fake.waitForCalls('chat.update');
    await settle(h);
    expect(update!.params).toMatchObject({ channel: SUPPORT, ts: r.ts });
    const text = blocksText(update!.params.blocks);
    expect(text).toContain('TransitEncryptionEnabled: *true* (mode `preferred`)');
    expect(text).toContain('Re-checked live at');
    expect(text).toContain('<@UCLICKER02>');
    expect(fake.posted()).toHaveLength(1); // the original reply only: updated, not re-posted
  });

  it('a message the bot cannot edit is replaced through response_url', async () => {
    const r = await reply();
    fake.queue('chat.update', { error: 'cant_update_message' });
    await click(r, ACTION_IDS.recheck);
    await fake.waitFor(() => fake.responsePosts.length === 1);
    expect(fake.responsePosts[0]!.body.replace_original).toBe(true);
    expect(blocksText(fake.responsePosts[0]!.body.blocks)).toContain('Re-checked live at');
  });

  it('an unknown or expired answer says so, to the clicker only', async () => {
    const r = await reply();
    await click({ ...r, ref: 'expiredRef123' }, ACTION_IDS.recheck);
    await fake.waitFor(() => fake.responsePosts.length === 1);
    await settle(h);
    expect(fake.responsePosts[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(fake.responsePosts[0]!.body.text).toContain('too old');
    expect(fake.callsTo('chat.update')).toHaveLength(0);
  });
});

describe('Not Redis / wrong', () => {
  it('records feedback once per person, in the logs and the metrics, and thanks the clicker privately', async () => {
    const r = await reply();
    const metric = () => counter(h.metrics, 'redis_diagnose_feedback_total', { cause: 'tls-to-plaintext' });
    const before = await metric();
    await click(r, ACTION_IDS.wrong, 'UFEEDBACK1');
    await click(r, ACTION_IDS.wrong, 'UFEEDBACK1');
    await click(r, ACTION_IDS.wrong, 'UFEEDBACK2');
    await fake.waitFor(() => fake.responsePosts.length === 3);
    await settle(h);
    expect((await metric()) - before).toBe(2);
    const lines = h.logs.filter((l) => l.feedback === 'not-redis-or-wrong' && l.ref === r.ref);
    expect(lines.map((l) => l.user)).toEqual(['UFEEDBACK1', 'UFEEDBACK2']);
    expect(fake.responsePosts.every((p) => p.body.response_type === 'ephemeral')).toBe(true);
    expect(fake.posted()).toHaveLength(1); // the reply itself; feedback posts nothing visible
  });
});
