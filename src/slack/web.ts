// Slack Web API calls with the fallbacks a reply needs. Nothing here throws: a failed call is logged,
// counted, and reported to the caller, which decides what to try next. No crash loop, ever.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { truncate } from '../render/slack-text.js';

type WebClient = webApi.WebClient;
type Block = Record<string, unknown>;

export interface ApiContext {
  client: WebClient;
  logger: Logger;
  metrics: Metrics;
  /** Longest Retry-After we wait for; above it the call is given up (a reply minutes late is worse than none). */
  maxRetryAfterSec: number;
  /** Attempts per call when Slack answers 429 (the first one included). */
  maxAttempts: number;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Slack's error code for a failed call: the platform's `error`, `ratelimited`, or a transport failure. */
export function slackErrorCode(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: { message?: string } };
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error) return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e?.code === 'slack_webapi_http_error') return `http_${e.statusCode ?? 'error'}`;
  if (e?.code === 'slack_webapi_request_error') return 'request_failed';
  return 'error';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One Web API call. The WebClient is built with rejectRateLimitedCalls, so a 429 comes back here with its
 * Retry-After: we wait that long (bounded) and try again, a fixed number of times.
 */
export async function callSlack<T>(ctx: ApiContext, method: string, fn: () => Promise<T>): Promise<CallResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      const code = slackErrorCode(err);
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      if (code === 'ratelimited' && attempt < ctx.maxAttempts && typeof retryAfter === 'number' && retryAfter <= ctx.maxRetryAfterSec) {
        ctx.logger.warn({ method, retryAfter, attempt }, 'Slack rate limit: waiting Retry-After before trying again');
        await sleep(Math.max(0, retryAfter) * 1000);
        continue;
      }
      ctx.metrics.slackApiErrors?.inc({ method, error: code });
      ctx.logger.warn({ method, error: code, ...(retryAfter !== undefined ? { retryAfter } : {}) }, 'Slack Web API call failed');
      return { ok: false, error: code };
    }
  }
}

/** Errors that mean "this channel is not ours to write to": trying again, or differently, will not help. */
export const CHANNEL_ERRORS = new Set([
  'not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'team_access_not_granted',
  'ekm_access_denied', 'cannot_reply_to_message', 'message_not_found', 'cant_update_message', 'edit_window_closed',
]);
/** Errors that mean Slack refused the blocks, or the size: plain text may still go through. */
export const CONTENT_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'msg_too_long', 'too_many_attachments', 'invalid_arguments']);
/** Plain text cut this short always fits (text is truncated by Slack at 40k; keep replies readable). */
export const PLAIN_TEXT_MAX = 3_900;

export interface MessageContent {
  text: string;
  blocks?: Block[];
  /** Used when Slack refuses the blocks: a plain-text rendering of the same reply. */
  plain?: string;
}

export type PostOutcome = { ok: true; ts: string; channel: string; fallback: boolean } | { ok: false; error: string };

/**
 * chat.postMessage with the fallbacks: blocks refused or too long -> plain text; channel errors -> give up
 * (the caller may answer through response_url instead). Counted in redis_diagnose_replies_total{kind,outcome}.
 */
export async function postMessage(ctx: ApiContext, kind: string, args: { channel: string; threadTs?: string } & MessageContent): Promise<PostOutcome> {
  const base = { channel: args.channel, ...(args.threadTs ? { thread_ts: args.threadTs } : {}), unfurl_links: false, unfurl_media: false };
  const first = await callSlack(ctx, 'chat.postMessage', () =>
    ctx.client.chat.postMessage({ ...base, text: args.text, ...(args.blocks ? { blocks: args.blocks as never } : {}) }));
  if (first.ok) {
    ctx.metrics.replies.inc({ kind, outcome: 'ok' });
    return { ok: true, ts: String(first.value.ts), channel: String(first.value.channel ?? args.channel), fallback: false };
  }
  if (CONTENT_ERRORS.has(first.error)) {
    const plain = truncate(args.plain ?? args.text, PLAIN_TEXT_MAX);
    ctx.logger.warn({ error: first.error, kind }, 'Slack refused the blocks; posting plain text instead');
    const second = await callSlack(ctx, 'chat.postMessage', () => ctx.client.chat.postMessage({ ...base, text: plain }));
    if (second.ok) {
      ctx.metrics.replies.inc({ kind, outcome: 'fallback-text' });
      return { ok: true, ts: String(second.value.ts), channel: String(second.value.channel ?? args.channel), fallback: true };
    }
    ctx.metrics.replies.inc({ kind, outcome: 'failed' });
    return { ok: false, error: second.error };
  }
  ctx.metrics.replies.inc({ kind, outcome: 'failed' });
  return first;
}

/** chat.update with the same content fallbacks as postMessage. */
export async function updateMessage(ctx: ApiContext, kind: string, args: { channel: string; ts: string } & MessageContent): Promise<CallResult<true>> {
  const first = await callSlack(ctx, 'chat.update', () =>
    ctx.client.chat.update({ channel: args.channel, ts: args.ts, text: args.text, ...(args.blocks ? { blocks: args.blocks as never } : {}) }));
  if (first.ok) {
    ctx.metrics.replies.inc({ kind, outcome: 'ok' });
    return { ok: true, value: true };
  }
  if (CONTENT_ERRORS.has(first.error)) {
    const second = await callSlack(ctx, 'chat.update', () =>
      ctx.client.chat.update({ channel: args.channel, ts: args.ts, text: truncate(args.plain ?? args.text, PLAIN_TEXT_MAX), blocks: [] }));
    ctx.metrics.replies.inc({ kind, outcome: second.ok ? 'fallback-text' : 'failed' });
    return second.ok ? { ok: true, value: true } : { ok: false, error: second.error };
  }
  ctx.metrics.replies.inc({ kind, outcome: 'failed' });
  return { ok: false, error: first.error };
}

export async function postEphemeral(ctx: ApiContext, kind: string, args: { channel: string; user: string; threadTs?: string } & MessageContent): Promise<boolean> {
  const r = await callSlack(ctx, 'chat.postEphemeral', () =>
    ctx.client.chat.postEphemeral({ channel: args.channel, user: args.user, text: args.text, ...(args.threadTs ? { thread_ts: args.threadTs } : {}), ...(args.blocks ? { blocks: args.blocks as never } : {}) }));
  ctx.metrics.replies.inc({ kind, outcome: r.ok ? 'ok' : 'failed' });
  return r.ok;
}

export interface ResponseUrlMessage {
  text: string;
  blocks?: Block[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  thread_ts?: string;
}

/**
 * POST to a response_url (slash commands, button clicks): works in channels the bot is not in and for ephemeral
 * answers. Valid 30 minutes, 5 uses. Refused blocks fall back to plain text like postMessage.
 */
export async function respondTo(ctx: Pick<ApiContext, 'logger' | 'metrics'>, kind: string, responseUrl: string | undefined, msg: ResponseUrlMessage & { plain?: string }): Promise<boolean> {
  if (!responseUrl) return false;
  const { plain, ...body } = msg;
  const attempt = async (payload: ResponseUrlMessage): Promise<{ ok: boolean; error?: string }> => {
    try {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      const text = await res.text();
      if (res.status !== 200) return { ok: false, error: `http_${res.status}` };
      // Slack answers `ok`, or JSON `{ ok: false, error }` for refused blocks.
      try {
        const parsed = JSON.parse(text) as { ok?: boolean; error?: string };
        if (parsed.ok === false) return { ok: false, error: parsed.error ?? 'error' };
      } catch { /* plain "ok" */ }
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'request_failed' };
    }
  };
  let r = await attempt(body);
  let outcome = 'ok';
  if (!r.ok && body.blocks && r.error && (CONTENT_ERRORS.has(r.error) || r.error === 'http_400' || r.error === 'http_500')) {
    ctx.logger.warn({ error: r.error, kind }, 'response_url refused the blocks; answering in plain text');
    r = await attempt({ ...body, blocks: undefined, text: truncate(plain ?? body.text, PLAIN_TEXT_MAX) });
    outcome = 'fallback-text';
  }
  if (!r.ok) {
    ctx.logger.warn({ error: r.error, kind }, 'posting to response_url failed');
    ctx.metrics.slackApiErrors?.inc({ method: 'response_url', error: r.error ?? 'error' });
  }
  ctx.metrics.replies.inc({ kind, outcome: r.ok ? outcome : 'failed' });
  return r.ok;
}

/** Add or remove the "working on it" reaction. Failures (already_reacted, no_reaction, ...) do not matter. */
export async function react(ctx: ApiContext, action: 'add' | 'remove', args: { channel: string; ts: string; name: string }): Promise<void> {
  const method = action === 'add' ? 'reactions.add' : 'reactions.remove';
  await callSlack(ctx, method, () =>
    action === 'add'
      ? ctx.client.reactions.add({ channel: args.channel, timestamp: args.ts, name: args.name })
      : ctx.client.reactions.remove({ channel: args.channel, timestamp: args.ts, name: args.name }));
}
