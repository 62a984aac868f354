// Block Kit rendering (src/render/blocks.ts): what a person sees in the reply, and Slack's size limits.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import type { GroupFacts } from '../../src/live/types.js';
import { ACTION_IDS, renderCommandHeader, renderPlainText, renderReply, renderUsage } from '../../src/render/blocks.js';
import type { Report } from '../../src/report.js';
import { blocksText } from '../helpers/fake-slack.js';
import { SEED } from './harness.js';

const seedReport = () => diagnose({ text: SEED });

const prdRedis: GroupFacts = {
  kind: 'replication-group', replicationGroupId: 'prd-redis', region: 'ap-northeast-1', status: 'available',
  transitEncryptionEnabled: false, transitEncryptionMode: null, atRestEncryptionEnabled: false, authTokenEnabled: false,
  userGroupIds: [], clusterEnabled: false, engine: 'redis', engineVersion: '6.2.6',
  endpoints: [{ role: 'primary', host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 }],
  memberClusters: ['prd-redis-001', 'prd-redis-002'],
};

/** A realistic unified diff of `lines` changed lines against a module file. */
function bigDiff(lines: number): string {
  const body: string[] = ['--- a/modules/cache/main.tf', '+++ b/modules/cache/main.tf', `@@ -1,${lines} +1,${lines} @@`];
  for (let i = 0; i < lines; i++) {
    body.push(`-  tag_${i} = "team-payments-cache-${i}"`, `+  tag_${i} = "team-payments-cache-${i}-tls"`);
  }
  return body.join('\n');
}

const sections = (blocks: unknown[]) => (blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section');
const buttons = (blocks: unknown[]) => (blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[])
  .filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('renderReply', () => {
  it('opens with the cause in plain words and the confidence, then ids, evidence and the buttons', async () => {
    const report = await seedReport();
    const { blocks, text } = renderReply(report, { ref: 'ref123456' });
    const first = sections(blocks)[0]!.text!.text;
    expect(first.split('\n')[0]).toBe('*The client speaks TLS, but the endpoint has in-transit encryption disabled (confidence: high)*');
    const all = blocksText(blocks);
    expect(all).toContain('`tls-to-plaintext`');
    expect(all).toContain('group `prd-redis`');
    expect(all).toContain('[SSL: WRONG_VERSION_NUMBER] wrong version number');
    expect(text).toMatch(/^Redis diagnosis: The client speaks TLS/);
    expect(buttons(blocks).map((b) => b.action_id)).toEqual([ACTION_IDS.recheck, ACTION_IDS.wrong]);
    expect(buttons(blocks).every((b) => b.value === 'ref123456')).toBe(true);
  });

  it('shows live facts and the probe result as evidence', async () => {
    const report: Report = {
      ...(await seedReport()),
      live: {
        group: prdRedis,
        probe: {
          endpoint: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379',
          plaintext: { status: 'ok', detail: 'PONG in 3 ms' },
          tls: { status: 'handshake-failed', detail: 'wrong version number' },
          speaks: 'plaintext',
          resp: { transport: 'plaintext', authRequired: false, clusterEnabled: false, serverVersion: '6.2.6' },
        },
        errors: [],
        denied: ['The endpoint probe was not run: this channel is not one of the support channels (rule default). Ask #platform.'],
      },
    };
    const all = blocksText(renderReply(report).blocks);
    expect(all).toContain('TransitEncryptionEnabled: *false*');
    expect(all).toContain('Engine: `redis 6.2.6`');
    expect(all).toContain('speaks *plaintext*');
    expect(all).toContain('plaintext: *ok* — PONG in 3 ms');
    expect(all).toContain('TLS: *handshake-failed* — wrong version number');
    expect(all).toContain('Redis over plaintext: AUTH required: no · cluster mode: off · server `6.2.6`');
    // A policy denial is visible, with who to ask.
    expect(all).toContain(':grey_question: The endpoint probe was not run: this channel is not one of the support channels (rule default). Ask #platform.');
  });

  it('puts the Terraform diff in a code block and the warnings in a visible context block', async () => {
    const report = await seedReport();
    report.fix = {
      steps: ['Upgrade the engine to 7.1 on its own.', 'Enable in-transit encryption with mode "preferred".'],
      warnings: ['Do not simply add transit_encryption_enabled = true: it replaces the group below 7.0.5.'],
      terraform: { file: 'modules/cache/main.tf', diff: '--- a/modules/cache/main.tf\n+++ b/modules/cache/main.tf\n@@ -3 +3,2 @@\n-  engine_version = "6.2"\n+  engine_version = "7.1"\n' },
      client: { client: 'redis-py', description: 'Use rediss:// only once TLS is on', snippet: 'redis.Redis.from_url("rediss://master.prd-redis.abc123.apne1.cache.amazonaws.com:6379")' },
    };
    const { blocks, folded } = renderReply(report, { ref: 'r' });
    expect(folded).toEqual([]);
    const diffSection = sections(blocks).find((s) => s.text!.text.startsWith('*Terraform*'))!;
    expect(diffSection.text!.text).toContain('```\n--- a/modules/cache/main.tf');
    expect(diffSection.text!.text).toContain('+  engine_version = "7.1"');
    const warning = (blocks as { type: string; elements?: { text: string }[] }[]).find((b) => b.type === 'context' && b.elements?.[0]?.text.startsWith(':warning:'));
    expect(warning?.elements?.[0]?.text).toContain('replaces the group');
    expect(blocksText(blocks)).toContain('*Client change (redis-py)*');
    expect(buttons(blocks).map((b) => b.action_id)).not.toContain(ACTION_IDS.showTerraform);
  });

  it('folds a diff that is over Slack limits and offers "Show Terraform"; every limit holds', async () => {
    const report = await seedReport();
    const diff = bigDiff(400);
    report.fix = { steps: ['Apply the diff.'], warnings: [], terraform: { file: 'modules/cache/main.tf', diff } };
    const { blocks, folded, text } = renderReply(report, { ref: 'r' });
    expect(folded).toEqual([{ file: 'modules/cache/main.tf', diff }]);
    expect(buttons(blocks).map((b) => b.action_id)).toContain(ACTION_IDS.showTerraform);
    const all = blocksText(blocks);
    expect(all).toContain('803 lines, too long for a Slack message');
    expect(all).toContain('-  tag_0 = "team-payments-cache-0"'); // the preview
    for (const s of sections(blocks)) expect(s.text!.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(all.length + text.length).toBeLessThanOrEqual(12_000);
  });

  it('keeps within the total budget when many medium diffs each fit a section but not the message', async () => {
    const report = await seedReport();
    report.fix = {
      steps: Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: ${'apply the change carefully '.repeat(10)}`),
      warnings: Array.from({ length: 14 }, (_, i) => `Warning ${i + 1}: ${'this may replace the group '.repeat(8)}`),
      terraformChanges: Array.from({ length: 6 }, (_, i) => ({ file: `envs/prod-${i}/cache.tf`, diff: bigDiff(25), step: i + 1 })),
    };
    const { blocks, folded, text } = renderReply(report, { ref: 'r' });
    expect(folded).toHaveLength(6);
    for (const s of sections(blocks)) expect(s.text!.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocksText(blocks).length + text.length).toBeLessThanOrEqual(12_000);
    // A context block holds at most 10 elements.
    for (const b of blocks as { type: string; elements?: unknown[] }[]) if (b.type === 'context') expect(b.elements!.length).toBeLessThanOrEqual(10);
  });

  it('escapes pasted markup: a paste cannot ping @channel or fake a link', async () => {
    const report = await diagnose({ text: `${SEED} <b>& more` });
    // Text from a file snippet reaches the renderer raw: the renderer is the last line of defence.
    report.findings[0]!.evidence = `<!channel> prod down <https://evil.example|click here> ${report.findings[0]!.evidence}`;
    const all = blocksText(renderReply(report).blocks);
    expect(all).toContain('&lt;b&gt;&amp; more');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example|click here>');
  });

  it('never shows a password from the paste', async () => {
    const text = `redis.exceptions.ConnectionError: Error 1 connecting to rediss://:s3cr3t-fixture-pass@prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).\nREDIS_PASSWORD=s3cr3t-fixture-pass`;
    const report = await diagnose({ text });
    const { blocks, text: fallback } = renderReply(report);
    expect(JSON.stringify(blocks)).not.toContain('s3cr3t-fixture-pass');
    expect(fallback).not.toContain('s3cr3t-fixture-pass');
    expect(renderPlainText(report)).not.toContain('s3cr3t-fixture-pass');
  });

  it('says plainly when a paste is not a Redis connection error', async () => {
    const report = await diagnose({ text: "curl: (35) error:0A00010B:SSL routines::wrong version number" });
    expect(report.cause).toBe('unknown');
    const first = sections(renderReply(report).blocks)[0]!.text!.text;
    expect(first).toMatch(/^\*This does not look like a Redis connection error/);
  });

  it('a group id alone: its live settings and what a client needs', async () => {
    const report = await diagnose({ text: '', hints: { group: 'prd-redis' } });
    report.live = { group: prdRedis, errors: [] };
    const { blocks } = renderReply(report);
    const all = blocksText(blocks);
    expect(sections(blocks)[0]!.text!.text).toContain('Live connection settings of group prd-redis (ap-northeast-1)');
    expect(all).toContain('*What a client needs*');
    expect(all).toContain('Plaintext: `redis://`');
    expect(all).toContain('Auth: none');
    expect(buttons(blocks).map((b) => b.action_id)).toContain(ACTION_IDS.recheck);
  });
});

describe('the other renderings', () => {
  it('the command header quotes the (already redacted) text and the headline', async () => {
    const report = await seedReport();
    const { blocks } = renderCommandHeader(report, { user: 'U123', quote: 'line one\nline <two>', detailsInThread: true });
    const all = blocksText(blocks);
    expect(all).toContain('<@U123> ran `/redis-diagnose` on:\n>line one\n>line &lt;two&gt;');
    expect(all).toContain('Evidence and fix in the thread');
  });

  it('usage has examples for a paste, a group id, an endpoint and --private', () => {
    const all = blocksText(renderUsage().blocks);
    for (const s of ['/redis-diagnose <paste', '/redis-diagnose prd-redis', 'cache.amazonaws.com:6379', '--private']) expect(all).toContain(s);
  });

  it('plain text stays under the cap and says the cause', async () => {
    const report = await seedReport();
    report.fix = { steps: ['x'.repeat(5000)], warnings: [], terraform: { file: 'main.tf', diff: bigDiff(300) } };
    const plain = renderPlainText(report);
    expect(plain.length).toBeLessThanOrEqual(3500);
    expect(plain).toContain('The client speaks TLS');
  });
});
