// Slack Block Kit rendering of a Report. Pure: no I/O. The Report is already redacted; anything else
// shown here (the user's own words) must pass through redact() before it reaches these functions.
import type { types } from '@slack/bolt';
import { CAUSE_TITLES } from '../diagnosis/causes.js';
import type { GroupFacts, LiveFacts, ProbeAttempt, ProbeResult } from '../live/types.js';
import type { TerraformChange } from '../remediation/types.js';
import type { Report } from '../report.js';
import {
  MAX_BLOCKS,
  SECTION_TEXT_MAX,
  TOTAL_TEXT_BUDGET,
  blockquote,
  blocksTextLength,
  code,
  codeBlock,
  escapeMrkdwn,
  truncate,
} from './slack-text.js';

type Block = types.KnownBlock;

/** action_id of each button; the Slack listeners register exactly these. */
export const ACTION_IDS = {
  recheck: 'recheck_live',
  showTerraform: 'show_terraform',
  wrong: 'feedback_wrong',
} as const;

export interface ReplyOptions {
  /** Opaque id put in the button values, so the action listeners find the stored request. */
  ref?: string;
  /** Offer "Re-check live" (default: when the report names a group or an endpoint). */
  recheck?: boolean;
  /** Offer the buttons at all (false for ephemeral answers, whose buttons could not update a message). */
  buttons?: boolean;
  /** Already-redacted input to quote first (private answers, where no separate header message exists). */
  quote?: string;
  /** Extra context lines at the end, in mrkdwn the caller made safe, e.g. "Re-checked live at 12:03 UTC by <@U123>". */
  footer?: string[];
  /** Render budget (tests use smaller values to exercise folding). */
  totalBudget?: number;
}

export interface RenderedReply {
  /** Fallback text: notifications, screen readers, and clients that cannot show blocks. */
  text: string;
  blocks: Block[];
  /** Terraform diffs too long for a message; offered behind "Show Terraform". */
  folded: TerraformChange[];
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) } });
const context = (texts: string[]): Block => ({
  type: 'context',
  // A context block holds at most 10 elements.
  elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn' as const, text: truncate(t, SECTION_TEXT_MAX) })),
});
const divider: Block = { type: 'divider' };

function isGroupSummary(report: Report): boolean {
  return report.findings.length === 0 && !!report.live?.group;
}

/** The first line: the cause in plain words, with the confidence. */
export function headline(report: Report): string {
  if (isGroupSummary(report)) {
    const g = report.live!.group!;
    return `Live connection settings of ${g.kind === 'serverless' ? 'serverless cache' : 'group'} ${g.replicationGroupId} (${g.region})`;
  }
  if (report.cause === 'unknown') {
    const looksLike = report.context.looksLike ? `: it looks like ${report.context.looksLike}` : '';
    return `This does not look like a Redis connection error${looksLike}`;
  }
  return `${CAUSE_TITLES[report.cause]} (confidence: ${report.confidence})`;
}

/** Fallback text for notifications: cause, confidence, group. */
export function fallbackText(report: Report): string {
  const where = report.context.replicationGroupId ? ` Group: ${report.context.replicationGroupId}.` : '';
  const summary = report.summary && report.summary !== headline(report) ? ` ${report.summary}` : '';
  return truncate(escapeMrkdwn(`Redis diagnosis: ${headline(report)}.${where}${summary}`), 3000);
}

function idLine(report: Report): string {
  const c = report.context;
  const parts: string[] = [];
  if (report.cause !== 'unknown' || report.findings.length) parts.push(`cause ${code(report.cause)}`);
  if (c.replicationGroupId) parts.push(`group ${code(c.replicationGroupId)}`);
  if (c.serverlessCacheName && c.serverlessCacheName !== c.replicationGroupId) parts.push(`serverless ${code(c.serverlessCacheName)}`);
  if (c.region) parts.push(`region ${code(c.region)}`);
  if (c.endpoint) parts.push(`endpoint ${code(c.endpoint.port ? `${c.endpoint.host}:${c.endpoint.port}` : c.endpoint.host)}`);
  if (c.client) parts.push(`client ${code(c.client)}`);
  return parts.join(' · ');
}

function headlineBlocks(report: Report): Block[] {
  const lines = [`*${escapeMrkdwn(headline(report))}*`];
  if (report.summary && report.summary !== headline(report) && report.summary !== 'stub') lines.push(escapeMrkdwn(report.summary));
  const blocks = [section(lines.join('\n'))];
  const ids = idLine(report);
  if (ids) blocks.push(context([ids]));
  return blocks;
}

const bullet = (items: string[], max: number, each = 400): string => {
  const shown = items.slice(0, max).map((i) => `• ${escapeMrkdwn(truncate(i, each))}`);
  if (items.length > max) shown.push(`• …and ${items.length - max} more`);
  return shown.join('\n');
};

function flag(value: boolean | null | undefined): string {
  return value === null || value === undefined ? 'unknown' : String(value);
}

function groupFactLines(g: GroupFacts): string[] {
  const lines = [
    `TransitEncryptionEnabled: *${flag(g.transitEncryptionEnabled)}*` +
      (g.transitEncryptionMode ? ` (mode ${code(g.transitEncryptionMode)})` : ''),
  ];
  if (g.pendingTransitEncryptionEnabled !== undefined && g.pendingTransitEncryptionEnabled !== null) {
    lines.push(`Pending change: TransitEncryptionEnabled → ${g.pendingTransitEncryptionEnabled}` +
      (g.pendingTransitEncryptionMode ? ` (mode ${g.pendingTransitEncryptionMode})` : ''));
  }
  if (g.engine || g.engineVersion) lines.push(`Engine: ${code(`${g.engine ?? '?'} ${g.engineVersion ?? ''}`.trim())}`);
  lines.push(`AuthTokenEnabled: ${flag(g.authTokenEnabled)}` + (g.userGroupIds.length ? ` · RBAC user groups: ${g.userGroupIds.map(code).join(', ')}` : ''));
  if (g.clusterEnabled !== null) lines.push(`Cluster mode: ${g.clusterEnabled ? 'enabled' : 'disabled'}` + (g.numNodeGroups ? ` · ${g.numNodeGroups} shard(s)` : ''));
  if (g.atRestEncryptionEnabled !== null) lines.push(`AtRestEncryptionEnabled: ${g.atRestEncryptionEnabled}`);
  if (g.status) lines.push(`Status: ${escapeMrkdwn(g.status)}`);
  for (const e of g.endpoints.slice(0, 4)) lines.push(`${e.role} endpoint: ${code(`${e.host}:${e.port}`)}`);
  return lines;
}

/** What a client needs to connect, read straight from the group's facts (no guessing beyond them). */
function clientNeeds(g: GroupFacts): string[] {
  const needs: string[] = [];
  const tls = g.kind === 'serverless' || g.transitEncryptionEnabled === true;
  if (g.kind === 'serverless') needs.push('TLS always (serverless caches have no plaintext port): `rediss://`');
  else if (g.transitEncryptionEnabled === false) needs.push('Plaintext: `redis://`, no TLS options (`ssl`, `tls`, `--tls`) in the client');
  else if (g.transitEncryptionMode === 'preferred') needs.push('TLS or plaintext both work while the mode is `preferred`; use `rediss://` to be ready for `required`');
  else if (tls) needs.push('TLS: `rediss://` (or the client\'s TLS option)');
  const primary = g.endpoints.find((e) => e.role === 'configuration') ?? g.endpoints.find((e) => e.role === 'primary' || e.role === 'serverless');
  if (primary) needs.push(`Host: ${code(`${primary.host}:${primary.port}`)}${primary.role === 'configuration' ? ' (configuration endpoint)' : ''}`);
  if (g.userGroupIds.length) needs.push('Auth: a user name and password from the RBAC user group');
  else if (g.authTokenEnabled) needs.push('Auth: the AUTH token as the password');
  else if (g.authTokenEnabled === false) needs.push('Auth: none (no AUTH token on this group)');
  if (g.clusterEnabled) needs.push('A cluster-aware client (cluster mode is enabled)');
  return needs;
}

function attemptLine(name: string, a: ProbeAttempt): string {
  const cert = a.certificate ? ` · certificate ${a.certificate.trusted ? 'trusted' : `not trusted${a.certificate.reason ? ` (${a.certificate.reason})` : ''}`}` : '';
  return `${name}: *${a.status}* — ${escapeMrkdwn(truncate(a.detail, 200))}${escapeMrkdwn(cert)}`;
}

function probeLines(p: ProbeResult): string[] {
  const lines = [`Probe of ${code(p.endpoint)}${p.speaks ? ` → speaks *${p.speaks}*` : ''}`];
  lines.push(attemptLine('plaintext', p.plaintext), attemptLine('TLS', p.tls));
  if (p.resp) {
    const r = p.resp;
    const facts = [
      r.authRequired !== undefined ? `AUTH required: ${r.authRequired ? 'yes' : 'no'}` : '',
      r.clusterEnabled !== undefined ? `cluster mode: ${r.clusterEnabled ? 'on' : 'off'}` : '',
      r.serverVersion ? `server ${code(r.serverVersion)}` : '',
      r.detail ? escapeMrkdwn(truncate(r.detail, 200)) : '',
    ].filter(Boolean);
    if (facts.length) lines.push(`Redis over ${r.transport}: ${facts.join(' · ')}`);
  }
  return lines;
}

function liveBlocks(live: LiveFacts | undefined, groupSummary: boolean): Block[] {
  if (!live) return [];
  const blocks: Block[] = [];
  if (live.group) {
    blocks.push(section(`*Live facts (AWS)*\n${groupFactLines(live.group).join('\n')}`));
    if (groupSummary) blocks.push(section(`*What a client needs*\n${clientNeeds(live.group).map((n) => `• ${n}`).join('\n')}`));
  }
  if (live.probe) blocks.push(section(probeLines(live.probe).join('\n')));
  if (live.notes?.length) blocks.push(context(live.notes.slice(0, 5).map((n) => escapeMrkdwn(truncate(n, 300)))));
  const notChecked = [...(live.denied ?? []), ...live.errors];
  // Denials and failures are full sentences ("The live AWS look-up … was not done: …; ask …"): no prefix, room for the contact.
  if (notChecked.length) blocks.push(context([`:grey_question: ${notChecked.map((e) => escapeMrkdwn(truncate(e, 500))).join(' · ')}`]));
  return blocks;
}

function evidenceBlocks(report: Report, compact: boolean): Block[] {
  const blocks: Block[] = [];
  if (report.findings.length) {
    const max = compact ? 2 : 4;
    const lines = report.findings.slice(0, max).map((f) =>
      `• ${code(f.signature)}${f.client ? ` (${escapeMrkdwn(f.client)})` : ''}\n${blockquote(f.evidence, compact ? 200 : 400, 3)}`);
    if (report.findings.length > max) lines.push(`• …and ${report.findings.length - max} more matched line(s)`);
    blocks.push(section(`*Evidence from the paste*\n${lines.join('\n')}`));
  }
  if (report.reasons.length) blocks.push(section(`*Why*\n${bullet(report.reasons, compact ? 3 : 6)}`));
  blocks.push(...liveBlocks(report.live, isGroupSummary(report)));
  if (report.alternatives.length) blocks.push(section(`*What else fits*\n${bullet(report.alternatives, compact ? 2 : 4)}`));
  // With high confidence there is nothing left to decide.
  if (report.nextChecks.length && report.confidence !== 'high') blocks.push(section(`*What would decide it*\n${bullet(report.nextChecks, compact ? 2 : 4)}`));
  return blocks;
}

function diffBlocks(change: TerraformChange, fold: boolean): Block[] {
  const label = change.alternative ? (change.replaces ? 'alternative, *replaces the group*' : 'alternative') : change.step ? `step ${change.step}` : '';
  const where = `${code(change.file)}${label ? ` (${label})` : ''}${change.description ? ` — ${escapeMrkdwn(change.description)}` : ''}`;
  // A diff's own warnings stand right above it.
  const own: Block[] = change.warnings?.length ? [context(change.warnings.slice(0, 3).map((w) => `:warning: ${escapeMrkdwn(truncate(w, 500))}`))] : [];
  if (!fold) return [...own, section(`*Terraform* ${where}\n${codeBlock(change.diff)}`)];
  const lines = change.diff.split('\n');
  const preview = lines.slice(0, 12).join('\n');
  return [
    ...own,
    section(`*Terraform* ${where}: the diff has ${lines.length} lines, too long for a Slack message. ` +
      `Press *Show Terraform* to get all of it as a file. Preview:\n${codeBlock(preview + (lines.length > 12 ? '\n…' : ''), 1200)}`),
  ];
}

/** A diff that does not fit one section (3,000 characters, with its fences and title) must be folded. */
const diffFitsSection = (c: TerraformChange) => c.diff.length + c.file.length + 200 <= SECTION_TEXT_MAX;

function fixBlocks(report: Report, foldAll: boolean, compact: boolean): { blocks: Block[]; folded: TerraformChange[] } {
  const fix = report.fix;
  const blocks: Block[] = [];
  const folded: TerraformChange[] = [];
  // Warnings first, before any step or diff: these are the ones that delete data or break clients.
  if (fix.warnings.length) {
    const shown = fix.warnings.slice(0, 9).map((w) => `:warning: ${escapeMrkdwn(truncate(w, 600))}`);
    if (fix.warnings.length > 9) shown.push(`:warning: …and ${fix.warnings.length - 9} more warning(s)`);
    blocks.push(context(shown));
  }
  if (fix.steps.length) {
    const steps = fix.steps.slice(0, 12).map((s, i) => `${i + 1}. ${escapeMrkdwn(truncate(s, compact ? 300 : 600))}`);
    blocks.push(section(`*Fix*\n${steps.join('\n')}`));
  }
  const changes = fix.terraformChanges?.length ? fix.terraformChanges : fix.terraform ? [fix.terraform] : [];
  for (const change of changes) {
    const fold = foldAll || !diffFitsSection(change);
    if (fold) folded.push(change);
    blocks.push(...diffBlocks(change, fold));
  }
  if (fix.terraformSketch && !changes.length) {
    blocks.push(section(`*Terraform sketch* (made from the live facts; no Terraform file was read)\n${codeBlock(fix.terraformSketch, compact ? 1200 : SECTION_TEXT_MAX - 100)}`));
  }
  if (fix.awsCli?.length) blocks.push(section(`*AWS CLI*\n${codeBlock(fix.awsCli.join('\n'), compact ? 1000 : SECTION_TEXT_MAX - 40)}`));
  if (fix.cloudFormation && !compact) blocks.push(section(`*CloudFormation*\n${codeBlock(fix.cloudFormation, SECTION_TEXT_MAX - 40)}`));
  if (fix.client) {
    const head = `*Client change (${escapeMrkdwn(fix.client.client)})*: ${escapeMrkdwn(truncate(fix.client.description, 600))}`;
    blocks.push(section(`${head}\n${codeBlock(fix.client.snippet, compact ? 1000 : SECTION_TEXT_MAX - head.length - 20)}`));
  }
  if (fix.notes?.length) blocks.push(context(fix.notes.slice(0, 5).map((n) => escapeMrkdwn(truncate(n, 400)))));
  return { blocks, folded };
}

function actionBlock(report: Report, opts: ReplyOptions, folded: TerraformChange[]): Block[] {
  if (opts.buttons === false) return [];
  const value = opts.ref ?? '';
  const elements: types.Button[] = [];
  const recheck = opts.recheck ?? !!(report.context.replicationGroupId || report.context.endpoint || report.live?.group);
  if (recheck) elements.push({ type: 'button', action_id: ACTION_IDS.recheck, text: { type: 'plain_text', text: 'Re-check live' }, value });
  if (folded.length) elements.push({ type: 'button', action_id: ACTION_IDS.showTerraform, text: { type: 'plain_text', text: 'Show Terraform' }, value, style: 'primary' });
  elements.push({ type: 'button', action_id: ACTION_IDS.wrong, text: { type: 'plain_text', text: 'Not Redis / wrong' }, value });
  return [{ type: 'actions', block_id: 'redis_diagnose_actions', elements }];
}

function build(report: Report, opts: ReplyOptions, level: number): RenderedReply {
  const blocks: Block[] = [];
  if (opts.quote) blocks.push(section(blockquote(opts.quote)));
  blocks.push(...headlineBlocks(report));
  const compact = level >= 2;
  const evidence = evidenceBlocks(report, compact);
  const fix = fixBlocks(report, level >= 1, compact);
  if (evidence.length) blocks.push(divider, ...evidence);
  if (fix.blocks.length) blocks.push(divider, ...fix.blocks);
  if (opts.footer?.length) blocks.push(context(opts.footer));
  blocks.push(...actionBlock(report, opts, fix.folded));
  return { text: fallbackText(report), blocks, folded: fix.folded };
}

/**
 * The reply: headline, evidence, fix plan, warnings, buttons. Long diffs are folded first, then the rest
 * is made compact, until the message fits Slack's limits (3,000 characters per section, 50 blocks, ~12k in all).
 */
export function renderReply(report: Report, opts: ReplyOptions = {}): RenderedReply {
  const budget = opts.totalBudget ?? TOTAL_TEXT_BUDGET;
  let rendered = build(report, opts, 0);
  for (let level = 1; level <= 2 && blocksTextLength(rendered.blocks) + rendered.text.length > budget; level++) {
    rendered = build(report, opts, level);
  }
  if (rendered.blocks.length > MAX_BLOCKS) {
    const actions = rendered.blocks.filter((b) => b.type === 'actions');
    rendered.blocks = [...rendered.blocks.filter((b) => b.type !== 'actions').slice(0, MAX_BLOCKS - actions.length - 1),
      context(['…cut to fit Slack\'s 50-block limit.']), ...actions];
  }
  return rendered;
}

/** The visible top-level message of `/redis-diagnose`: who asked, what they pasted (redacted), the headline. */
export function renderCommandHeader(report: Report, args: { user: string; quote: string; detailsInThread: boolean }): RenderedReply {
  const asked = args.quote.trim()
    ? `<@${args.user}> ran \`/redis-diagnose\` on:\n${blockquote(args.quote)}`
    : `<@${args.user}> ran \`/redis-diagnose\``;
  const blocks: Block[] = [section(asked), ...headlineBlocks(report)];
  if (args.detailsInThread) blocks.push(context([':thread: Evidence and fix in the thread.']));
  return { text: fallbackText(report), blocks, folded: [] };
}

/** Plain text for when Slack refuses the blocks (invalid_blocks, msg_blocks_too_long). */
export function renderPlainText(report: Report, max = 3500): string {
  const e = escapeMrkdwn;
  const lines = [`*${e(headline(report))}*`];
  if (report.summary && report.summary !== headline(report)) lines.push(e(report.summary));
  const ids = idLine(report);
  if (ids) lines.push(ids);
  for (const f of report.findings.slice(0, 3)) lines.push(`>${e(truncate(f.evidence.split('\n')[0] ?? '', 300))}`);
  if (report.live?.group) lines.push(...groupFactLines(report.live.group));
  if (report.fix.steps.length) lines.push('*Fix*', ...report.fix.steps.map((s, i) => `${i + 1}. ${e(s)}`));
  for (const w of report.fix.warnings) lines.push(`:warning: ${e(w)}`);
  const tf = report.fix.terraform;
  if (tf) lines.push(`*Terraform* ${code(tf.file)}`, codeBlock(tf.diff, 1500));
  return truncate(lines.join('\n'), max);
}

/** Usage for `/redis-diagnose help` or an empty command. */
export function renderUsage(command = '/redis-diagnose'): { text: string; blocks: Block[] } {
  const text = [
    `*${command}* tells you why an app cannot talk to Redis on ElastiCache, and how to fix it.`,
    `• \`${command} <paste the error or stack trace>\` — diagnose a paste; the answer is posted here, details in a thread`,
    `• \`${command} prd-redis\` — a replication group id alone: its live connection settings and what a client needs`,
    `• \`${command} master.prd-redis.abc123.apne1.cache.amazonaws.com:6379\` — an endpoint alone: the same, plus what it speaks`,
    `• \`${command} --private <paste>\` — answer only to you`,
    `• \`${command} --region eu-west-1 prd-redis\` — say the region when the text does not`,
    'I also reply on my own, in the thread, when a Redis connection error is pasted in a support channel or when I am @-mentioned.',
  ].join('\n');
  return { text: `${command}: diagnose a Redis connection error. Try: ${command} <error text> | <group id> | help`, blocks: [section(text)] };
}

/** One reply for a flood of pastes in one channel, instead of one reply each. */
export function renderFloodNotice(args: { count: number; windowSeconds: number; latest?: Report }): { text: string; blocks: Block[] } {
  const latest = args.latest ? ` The latest one: *${escapeMrkdwn(headline(args.latest))}*.` : '';
  const text = `${args.count} Redis errors were pasted in this channel within ${args.windowSeconds} s. ` +
    `To keep the channel readable I will stay quiet here for the rest of that window.${latest} ` +
    'Use `/redis-diagnose <paste>` for an answer now.';
  return { text: `${args.count} Redis errors pasted in ${args.windowSeconds} s: pausing auto-replies`, blocks: [section(text)] };
}
