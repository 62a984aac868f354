// The reply's buttons: "Re-check live" (update in place), "Show Terraform" (the folded diff as a file),
// "Not Redis / wrong" (feedback, counted).
import { basename } from 'node:path';
import type { App, BlockAction, ButtonAction, webApi } from '@slack/bolt';
import { newRequestId, withRequest } from '../../log.js';
import { ACTION_IDS, renderPlainText, renderReply } from '../../render/blocks.js';
import { codeBlock } from '../../render/slack-text.js';
import type { TerraformChange } from '../../remediation/types.js';
import { channelTypeOf, requesterFor, runDiagnosis, type SlackDeps } from '../context.js';
import { callSlack, postMessage, respondTo, updateMessage } from '../web.js';

interface Click {
  ref: string;
  user: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  ephemeral: boolean;
  responseUrl?: string;
  requestId: string;
}

function clickOf(body: BlockAction, action: ButtonAction): Click {
  const container = body.container as { message_ts?: string; channel_id?: string; is_ephemeral?: boolean } | undefined;
  return {
    ref: action.value ?? '',
    user: body.user.id,
    channel: body.channel?.id ?? container?.channel_id,
    messageTs: container?.message_ts ?? body.message?.ts,
    threadTs: (body.message as { thread_ts?: string } | undefined)?.thread_ts,
    ephemeral: !!container?.is_ephemeral,
    responseUrl: body.response_url,
    requestId: newRequestId(),
  };
}

const EXPIRED = 'This answer is too old for its buttons (or the bot restarted without shared state). Run `/redis-diagnose` again.';

async function recheck(deps: SlackDeps, client: webApi.WebClient, c: Click): Promise<void> {
  const api = deps.api(client);
  const log = deps.logger.child({ requestId: c.requestId, action: ACTION_IDS.recheck, ref: c.ref, channel: c.channel });
  const state = await deps.states.load(c.ref);
  if (!state) {
    await respondTo(api, 'recheck', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: EXPIRED });
    return;
  }
  const channel = c.channel ?? state.channel;
  const groups = await deps.userGroups(client, c.user);
  const report = await runDiagnosis(deps, {
    text: state.text,
    hints: state.hints,
    live: true,
    probe: true,
    fresh: true,
    ...(deps.config.terraformDir ? { terraformDir: deps.config.terraformDir } : {}),
    requester: requesterFor({ channel, channelType: channelTypeOf(channel), user: c.user, requestId: c.requestId, ...(groups ? { userGroups: groups } : {}) }),
  }, log);
  if (!report) {
    await respondTo(api, 'recheck', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: `The re-check failed on my side (request \`${c.requestId}\`). The answer above is unchanged.` });
    return;
  }
  const at = new Date().toISOString().slice(11, 16);
  const rendered = renderReply(report, { totalBudget: deps.limits.replyBudget, ref: c.ref, footer: [`:arrows_counterclockwise: Re-checked live at ${at} UTC by <@${c.user}>`] });
  await deps.states.save(c.ref, { ...state, cause: report.cause, folded: rendered.folded });
  const content = { text: rendered.text, blocks: rendered.blocks as never, plain: renderPlainText(report) };
  if (!c.ephemeral && channel && c.messageTs) {
    const updated = await updateMessage(api, 'recheck', { channel, ts: c.messageTs, ...content });
    if (updated.ok) return;
  }
  // Ephemeral answers, or messages the bot cannot edit (posted through response_url): replace through response_url.
  await respondTo(api, 'recheck', c.responseUrl, { replace_original: true, ...content });
}

function diffChunks(changes: TerraformChange[], max = 3_000): string[] {
  const out: string[] = [];
  for (const ch of changes) {
    const lines = ch.diff.split('\n');
    let part: string[] = [];
    let n = 1;
    const flush = () => {
      if (!part.length) return;
      out.push(`*Terraform* \`${ch.file}\` (part ${n++})\n${codeBlock(part.join('\n'), max + 50)}`);
      part = [];
    };
    for (const line of lines) {
      if (part.join('\n').length + line.length + 1 > max) flush();
      part.push(line.length > max ? line.slice(0, max) : line);
    }
    flush();
  }
  return out;
}

async function showTerraform(deps: SlackDeps, client: webApi.WebClient, c: Click): Promise<void> {
  const api = deps.api(client);
  const log = deps.logger.child({ requestId: c.requestId, action: ACTION_IDS.showTerraform, ref: c.ref, channel: c.channel });
  const state = await deps.states.load(c.ref);
  if (!state?.folded.length) {
    await respondTo(api, 'terraform', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: state ? 'There is no folded Terraform diff in this answer.' : EXPIRED });
    return;
  }
  const chunks = diffChunks(state.folded);
  if (c.ephemeral || !c.channel) {
    // response_url allows 5 uses: keep one for later clicks.
    for (const chunk of chunks.slice(0, 4)) await respondTo(api, 'terraform', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: chunk });
    return;
  }
  const threadTs = state.threadTs ?? c.threadTs ?? c.messageTs;
  if (!(await deps.guard.once(`terraform:${c.ref}`, 10 * 60_000))) {
    await respondTo(api, 'terraform', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: 'The Terraform diff was already shared for this answer: in this thread, or privately to whoever pressed the button first. Press it again in 10 minutes to share it anew.' });
    return;
  }
  const uploaded = await callSlack(api, 'files.uploadV2', () =>
    client.filesUploadV2({
      channel_id: c.channel!,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      initial_comment: `Terraform diff${state.folded.length > 1 ? 's' : ''} for this answer (apply with \`git apply\` at the repository root).`,
      file_uploads: state.folded.map((ch) => ({
        content: ch.diff,
        filename: `${basename(ch.file)}.diff`,
        title: `Terraform diff: ${ch.file}`,
        snippet_type: 'diff',
      })),
    } as never));
  if (uploaded.ok) {
    deps.metrics.replies.inc({ kind: 'terraform', outcome: 'ok' });
    return;
  }
  log.info({ error: uploaded.error }, 'snippet upload failed: posting the diff as thread messages');
  for (const chunk of chunks.slice(0, 10)) {
    const posted = await postMessage(api, 'terraform', { channel: c.channel, ...(threadTs ? { threadTs } : {}), text: chunk });
    if (!posted.ok) {
      for (const eph of chunks.slice(0, 4)) await respondTo(api, 'terraform', c.responseUrl, { response_type: 'ephemeral', replace_original: false, text: eph });
      return;
    }
  }
}

async function feedback(deps: SlackDeps, client: webApi.WebClient, c: Click): Promise<void> {
  const api = deps.api(client);
  const state = await deps.states.load(c.ref);
  const cause = state?.cause ?? 'unknown';
  // One click per person per answer counts once.
  if (await deps.guard.once(`feedback:${c.ref}:${c.user}`, 30 * 24 * 60 * 60_000)) {
    deps.metrics.feedback.inc({ kind: 'not-redis-or-wrong', cause });
    deps.logger.info({ requestId: c.requestId, feedback: 'not-redis-or-wrong', cause, ref: c.ref, channel: c.channel, user: c.user }, 'feedback: an answer was marked "Not Redis / wrong"');
  }
  await respondTo(api, 'feedback', c.responseUrl, {
    response_type: 'ephemeral',
    replace_original: false,
    text: 'Thanks, noted: this answer was marked as not Redis or wrong. If you can, say in the thread what the real cause was; it helps fix the bot.',
  });
}

export function registerActions(app: App, deps: SlackDeps): void {
  const on = (actionId: string, fn: (deps: SlackDeps, client: webApi.WebClient, c: Click) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      const started = Date.now();
      await ack();
      deps.metrics.ackSeconds.observe((Date.now() - started) / 1000);
      const click = clickOf(body, action);
      await withRequest({ requestId: click.requestId, action: actionId }, () => fn(deps, client, click));
    });
  };
  on(ACTION_IDS.recheck, recheck);
  on(ACTION_IDS.showTerraform, showTerraform);
  on(ACTION_IDS.wrong, feedback);
}
