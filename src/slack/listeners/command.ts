// `/redis-diagnose`: ack at once, then answer visibly (headline in the channel, details in its thread),
// or privately with `--private`.
import type { App, SlashCommand } from '@slack/bolt';
import { redact } from '../../diagnosis/redact.js';
import { newRequestId, withRequest } from '../../log.js';
import { renderCommandHeader, renderPlainText, renderReply, renderUsage } from '../../render/blocks.js';
import { parseCommandText } from '../command-args.js';
import { channelTypeOf, requesterFor, runDiagnosis, type SlackDeps } from '../context.js';
import { SLASH_COMMAND } from '../registration.js';
import { CHANNEL_ERRORS, postMessage, respondTo } from '../web.js';
import type { webApi } from '@slack/bolt';

async function answer(deps: SlackDeps, command: SlashCommand, client: webApi.WebClient, requestId: string, started: number): Promise<void> {
  const log = deps.logger.child({ requestId, channel: command.channel_id, user: command.user_id, listener: 'command' });
  const args = parseCommandText(command.text);
  if (args.kind !== 'diagnose') return;
  const api = deps.api(client);
  const sorry = (why: string) => respondTo(api, 'command-error', command.response_url, { response_type: 'ephemeral', text: why });

  const groups = await deps.userGroups(client, command.user_id);
  const requester = requesterFor({
    channel: command.channel_id,
    channelType: channelTypeOf(command.channel_id, command.channel_name),
    user: command.user_id,
    requestId,
    ...(groups ? { userGroups: groups } : {}),
  });
  const report = await runDiagnosis(deps, {
    text: args.text,
    hints: args.hints,
    live: true,
    probe: true,
    ...(deps.config.terraformDir ? { terraformDir: deps.config.terraformDir } : {}),
    requester,
  }, log);
  if (!report) {
    await sorry(`Sorry, the diagnosis failed on my side (request \`${requestId}\`); it is in the logs. Please try again in a minute.`);
    return;
  }
  deps.metrics.diagnoses.inc({ cause: report.cause, confidence: report.confidence, source: 'slack' });
  // The person's own words are shown back, but never a secret in them.
  const quote = redact(args.text || args.hints.group || args.hints.endpoint || '').text;
  const ref = deps.states.newRef();
  const state = { text: redact(args.text).text, hints: args.hints, channel: command.channel_id, cause: report.cause };
  const plain = renderPlainText(report);

  if (args.private) {
    const rendered = renderReply(report, { totalBudget: deps.limits.replyBudget, ref, quote });
    await deps.states.save(ref, { ...state, folded: rendered.folded });
    await respondTo(api, 'command-private', command.response_url, { response_type: 'ephemeral', text: rendered.text, blocks: rendered.blocks as never, plain });
    deps.metrics.replySeconds.observe((Date.now() - started) / 1000);
    return;
  }

  const header = renderCommandHeader(report, { user: command.user_id, quote, detailsInThread: true });
  const top = await postMessage(api, 'command-header', { channel: command.channel_id, text: header.text, blocks: header.blocks as never, plain: `<@${command.user_id}> ran /redis-diagnose: ${header.text}` });
  if (!top.ok) {
    // Not a member (a private channel, a DM between people): answer through response_url, which needs no membership.
    const rendered = renderReply(report, { totalBudget: deps.limits.replyBudget, ref, quote });
    await deps.states.save(ref, { ...state, folded: rendered.folded });
    const sent = await respondTo(api, 'command', command.response_url, { response_type: 'in_channel', text: rendered.text, blocks: rendered.blocks as never, plain });
    if (!sent) await sorry(`I could not post here (${top.error}). Invite me with \`/invite @redis-diagnose\`, or use \`/redis-diagnose --private …\`.`);
    else if (CHANNEL_ERRORS.has(top.error)) log.info({ error: top.error }, 'not in the channel: answered through response_url');
    deps.metrics.replySeconds.observe((Date.now() - started) / 1000);
    return;
  }
  const rendered = renderReply(report, { totalBudget: deps.limits.replyBudget, ref });
  await deps.states.save(ref, { ...state, threadTs: top.ts, folded: rendered.folded });
  const details = await postMessage(api, 'command', { channel: command.channel_id, threadTs: top.ts, text: rendered.text, blocks: rendered.blocks as never, plain });
  if (!details.ok) await sorry(`The details could not be posted in the thread (${details.error}).`);
  deps.metrics.replySeconds.observe((Date.now() - started) / 1000);
  log.info({ cause: report.cause, confidence: report.confidence, headerTs: top.ts }, 'command answered');
}

export function registerCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client }) => {
    const started = Date.now();
    const requestId = newRequestId();
    const args = parseCommandText(command.text);
    // Usage and usage errors are the ack itself: nothing to wait for.
    if (args.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...renderUsage(command.command) } as never);
      deps.metrics.ackSeconds.observe((Date.now() - started) / 1000);
      return;
    }
    if (args.kind === 'usage-error') {
      await ack({ response_type: 'ephemeral', text: `${args.message} Try \`${command.command} help\`.` });
      deps.metrics.ackSeconds.observe((Date.now() - started) / 1000);
      return;
    }
    await ack();
    deps.metrics.ackSeconds.observe((Date.now() - started) / 1000);
    await withRequest({ requestId, channel: command.channel_id }, () => answer(deps, command, client, requestId, started));
  });
}
