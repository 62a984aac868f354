// Auto-replies: a Redis connection error pasted in a support channel, or shown to the bot with an @-mention,
// gets one answer in its thread. Everything else gets silence.
import type { App, webApi } from '@slack/bolt';
import { isRedisConnectionError } from '../../diagnosis/relevance.js';
import { redact } from '../../diagnosis/redact.js';
import { withRequest, type Logger } from '../../log.js';
import { renderFloodNotice, renderPlainText, renderReply } from '../../render/blocks.js';
import type { Report } from '../../report.js';
import { channelTypeOf, requesterFor, runDiagnosis, type SlackDeps } from '../context.js';
import { downloadTextFile, type SlackFileRef } from '../files.js';
import { callSlack, postEphemeral, postMessage, react } from '../web.js';

/** The fields of a message or app_mention event we read. */
export interface MessageLike {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  hidden?: boolean;
  files?: SlackFileRef[];
}

export const WORKING_REACTION = 'mag';
/** Subtypes that are a person saying something; every other subtype (edits, deletions, joins, ...) is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** Why a message gets no look at all (before any diagnosis), or undefined to look at it. */
export function whyIgnore(e: MessageLike, kind: 'message' | 'mention', deps: Pick<SlackDeps, 'config' | 'bot'>): string | undefined {
  if (e.bot_id || e.subtype === 'bot_message') return e.bot_id && e.bot_id === deps.bot.botId ? 'own message' : 'bot message';
  if (e.user && e.user === deps.bot.userId) return 'own message';
  if (!PERSON_SUBTYPES.has(e.subtype)) return `subtype ${e.subtype}`;
  if (e.hidden) return 'hidden';
  if (!e.user) return 'no user';
  if (!e.channel || !e.ts) return 'no channel or ts';
  if (kind === 'message' && !deps.config.supportChannels.includes(e.channel)) return 'not a support channel';
  if (!e.text?.trim() && !e.files?.length) return 'empty';
  return undefined;
}

/** The message text without the bot's own @-mention. */
function withoutMention(text: string, botUserId?: string): string {
  return botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), '').trim() : text;
}

async function messageText(deps: SlackDeps, e: MessageLike, log: Logger): Promise<string> {
  const parts = [withoutMention(e.text ?? '', deps.bot.userId)];
  for (const f of (e.files ?? []).slice(0, 5)) {
    const d = await downloadTextFile(f, {
      botToken: deps.config.slack.botToken,
      apiUrl: deps.config.slack.apiUrl,
      maxBytes: deps.limits.fileMaxBytes,
      timeoutMs: deps.limits.fileTimeoutMs,
    });
    if (d.note) log.info({ file: f.id, note: d.note }, 'shared file');
    if (d.text) parts.push(d.text);
  }
  return parts.filter(Boolean).join('\n');
}

/** The people's messages of a thread, oldest first: a mention inside a thread usually points at its parent. */
async function threadText(deps: SlackDeps, client: webApi.WebClient, channel: string, threadTs: string, exceptTs: string): Promise<string> {
  const r = await callSlack(deps.api(client), 'conversations.replies', () =>
    client.conversations.replies({ channel, ts: threadTs, limit: deps.limits.threadHistory }));
  if (!r.ok) return '';
  const msgs = (r.value.messages ?? []) as MessageLike[];
  return msgs
    .filter((m) => m.ts !== exceptTs && !m.bot_id && m.subtype !== 'bot_message' && m.user !== deps.bot.userId)
    .map((m) => withoutMention(m.text ?? '', deps.bot.userId))
    .filter(Boolean)
    .join('\n');
}

async function handle(deps: SlackDeps, kind: 'message' | 'mention', e: MessageLike, eventId: string, retryNum: number | undefined, client: webApi.WebClient): Promise<void> {
  const received = Date.now();
  const log = deps.logger.child({ eventId, channel: e.channel, ts: e.ts, listener: kind });
  const ignored = whyIgnore(e, kind, deps);
  if (ignored) {
    log.debug({ ignored }, 'message ignored');
    return;
  }
  if (!(await deps.guard.claimEvent(eventId))) {
    log.info({ retryNum }, 'event already handled (retry or duplicate delivery): no second reply');
    return;
  }
  const api = deps.api(client);
  const threadTs = e.thread_ts ?? e.ts;
  const base = { channel: e.channel, channelType: e.channel_type ?? channelTypeOf(e.channel), user: e.user, requestId: eventId };

  // The gate runs on the paste alone: cheap, no AWS, no socket, no audit noise for everyday chat.
  let text = await messageText(deps, e, log);
  let gate = text ? await runDiagnosis(deps, { text, requester: requesterFor(base) }, log) : undefined;
  if ((!gate || !isRedisConnectionError(gate)) && kind === 'mention' && e.thread_ts) {
    const earlier = await threadText(deps, client, e.channel, e.thread_ts, e.ts);
    const fromThread = earlier ? await runDiagnosis(deps, { text: earlier, requester: requesterFor(base) }, log) : undefined;
    if (fromThread && isRedisConnectionError(fromThread)) {
      text = earlier;
      gate = fromThread;
    }
  }
  if (!gate || !isRedisConnectionError(gate)) {
    log.debug({ cause: gate?.cause, confidence: gate?.confidence }, 'not a Redis connection error: no reply');
    // An @-mention is a question: answer it, but only to the person who asked.
    if (kind === 'mention' && e.user && (await deps.guard.claimMessage(e.channel, e.ts))) {
      await postEphemeral(api, 'mention-hint', {
        channel: e.channel, user: e.user, ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
        text: 'I did not find a Redis connection error in that message' + (e.thread_ts ? ' or its thread' : '') +
          '. Paste the error (the whole stack trace helps) and mention me again, or use `/redis-diagnose help`.',
      });
    }
    return;
  }

  if (!(await deps.guard.claimMessage(e.channel, e.ts))) {
    log.info('message already answered (another delivery or replica): no second reply');
    return;
  }
  if (!(await deps.guard.claimSameError(e.channel, threadTs, gate))) {
    log.info({ cause: gate.cause }, 'same error already answered in this thread: no new reply');
    if (kind === 'mention' && e.user) {
      await postEphemeral(api, 'mention-hint', { channel: e.channel, user: e.user, threadTs, text: 'I already answered this error in this thread, just above.' });
    }
    return;
  }
  // Mentions are explicit questions: they are not held back by the flood limit (but do not count toward it).
  // A message that mentions the bot is a question, whichever of its two events (message, app_mention) won the claim.
  const mentionsBot = !!deps.bot.userId && (e.text ?? '').includes(`<@${deps.bot.userId}`);
  const flood = kind === 'message' && !mentionsBot ? await deps.guard.flood(e.channel) : 'reply';
  if (flood === 'quiet') {
    log.info('flood: auto-replies paused in this channel for the rest of the window');
    return;
  }
  if (flood === 'summary') {
    const notice = renderFloodNotice({ count: deps.limits.floodMax + 1, windowSeconds: Math.round(deps.limits.floodWindowMs / 1000), latest: gate });
    await postMessage(api, 'flood-summary', { channel: e.channel, threadTs, text: notice.text, blocks: notice.blocks as never });
    return;
  }

  await react(api, 'add', { channel: e.channel, ts: e.ts, name: WORKING_REACTION });
  try {
    const groups = e.user ? await deps.userGroups(client, e.user) : undefined;
    const report: Report = (await runDiagnosis(deps, {
      text,
      live: true,
      probe: true,
      ...(deps.config.terraformDir ? { terraformDir: deps.config.terraformDir } : {}),
      requester: requesterFor({ ...base, ...(groups ? { userGroups: groups } : {}) }),
    }, log)) ?? gate;
    const ref = deps.states.newRef();
    const rendered = renderReply(report, { totalBudget: deps.limits.replyBudget, ref });
    await deps.states.save(ref, {
      text: redact(text).text,
      hints: {},
      channel: e.channel,
      threadTs,
      cause: report.cause,
      folded: rendered.folded,
    });
    const posted = await postMessage(api, 'auto', { channel: e.channel, threadTs, text: rendered.text, blocks: rendered.blocks as never, plain: renderPlainText(report) });
    if (posted.ok) {
      deps.metrics.diagnoses.inc({ cause: report.cause, confidence: report.confidence, source: 'slack' });
      deps.metrics.replySeconds.observe((Date.now() - received) / 1000);
      log.info({ cause: report.cause, confidence: report.confidence, replyTs: posted.ts, fallback: posted.fallback }, 'auto-reply posted');
    } else {
      log.warn({ error: posted.error }, 'auto-reply not posted');
    }
  } finally {
    // Never leave the "working" reaction dangling, whatever happened above.
    await react(api, 'remove', { channel: e.channel, ts: e.ts, name: WORKING_REACTION });
  }
}

export function registerMessageListeners(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, body, context, client }) => {
    const eventId = (body as { event_id?: string }).event_id ?? `${(event as MessageLike).channel}:${(event as MessageLike).ts}`;
    await withRequest({ requestId: eventId, eventId }, () => handle(deps, 'message', event as unknown as MessageLike, eventId, context.retryNum, client));
  });
  app.event('app_mention', async ({ event, body, context, client }) => {
    const eventId = (body as { event_id?: string }).event_id ?? `${event.channel}:${event.ts}`;
    await withRequest({ requestId: eventId, eventId }, () => handle(deps, 'mention', event as unknown as MessageLike, eventId, context.retryNum, client));
  });
}
