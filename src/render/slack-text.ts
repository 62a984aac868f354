// Small helpers for Slack mrkdwn: escaping and size limits (FIELD-NOTES "Slack platform").

/** Slack's hard limit for a section's text; we stay a little under it. */
export const SECTION_TEXT_MAX = 3000;
/** Slack's limit for blocks in one message. */
export const MAX_BLOCKS = 50;
/** `msg_blocks_too_long` shows up near 13k characters in all; keep a margin. */
export const TOTAL_TEXT_BUDGET = 12_000;

/** Slack requires &, < and > to be escaped in mrkdwn (even inside code spans), or it reads them as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut text to at most `max` characters, saying so. */
export function truncate(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** An inline code span; backticks inside would end it early. */
export function code(text: string): string {
  return '`' + escapeMrkdwn(text.replace(/`/g, "'")) + '`';
}

/** A fenced code block (```lang is not rendered as a language by Slack, but keeps `diff` readable to people). */
export function codeBlock(body: string, max = SECTION_TEXT_MAX - 20): string {
  // A ``` inside the body would close the fence early.
  const safe = escapeMrkdwn(body.replace(/```/g, '`\u200b``'));
  return '```\n' + truncate(safe, max - 8, '\n…') + '\n```';
}

/** Quote text as a Slack blockquote (each line prefixed), cut to `maxChars` and `maxLines`. */
export function blockquote(text: string, maxChars = 600, maxLines = 8): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let kept = lines.slice(0, maxLines);
  let cut = lines.length > maxLines;
  let joined = kept.join('\n');
  if (joined.length > maxChars) {
    joined = joined.slice(0, maxChars);
    kept = joined.split('\n');
    cut = true;
  }
  const quoted = kept.map((l) => '>' + escapeMrkdwn(l)).join('\n');
  return cut ? quoted + '\n>…' : quoted;
}

/** Characters that count toward Slack's message size: the text of every text object in the blocks. */
export function blocksTextLength(blocks: unknown[]): number {
  let total = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') total += v.length;
        else visit(v);
      }
    }
  };
  visit(blocks);
  return total;
}
