import type { NormalizedText } from './types.js';

/** Analyse at most this much text. Errors sit near the end of logs, so the tail is kept larger than the head. */
export const MAX_ANALYZED_CHARS = 2 * 1024 * 1024;
const HEAD_SHARE = 0.25;
/** JSON log lines longer than this are not parsed (a 5 MB single-line JSON blob is not a log line). */
const MAX_JSON_LINE = 256 * 1024;

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\n]{0,200}(?:\x07|\x1b\\)/g;
// Slack link forms: <http://host|label>, <mailto:a@b|a@b>, <#C123|name>, <@U123>, <!here>.
const SLACK_LINK = /<((?:https?|mailto|rediss?|valkeys?):[^<>|\s]{1,2000})(?:\|([^<>]{0,2000}))?>/g;
const SLACK_CHANNEL = /<#([A-Z0-9]{2,30})(?:\|([^<>]{0,200}))?>/g;
const SLACK_USER = /<@([A-Z0-9]{2,30})(?:\|([^<>]{0,200}))?>/g;
const SLACK_SPECIAL = /<!(here|channel|everyone)(?:\|[^<>]{0,100})?>/g;
// docker-compose (`web_1  | `, `web-1  | `) and Heroku (`2024-01-01T00:00:00+00:00 app[web.1]: `) prefixes.
const COMPOSE_PREFIX = /^[A-Za-z0-9_.-]{1,64}\s{0,8}\|\s?/gm;
const HEROKU_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]{8,20}[+-]\d\d:\d\d (?:app|heroku)\[[\w.-]{1,40}\]: /gm;
// Control characters other than tab and newline: binary junk, NULs, terminal noise.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/g;

/**
 * Intake: Slack text or a raw paste -> plain text the matcher reads.
 * Order matters: Slack links use literal < >, so they are resolved before &lt; &gt; are unescaped.
 */
export function normalize(input: string): NormalizedText {
  const notes: string[] = [];
  const originalLength = input.length;
  let text = input;
  let truncated = false;
  if (text.length > MAX_ANALYZED_CHARS) {
    const head = Math.floor(MAX_ANALYZED_CHARS * HEAD_SHARE);
    const tail = MAX_ANALYZED_CHARS - head;
    text = `${text.slice(0, head)}\n[... ${text.length - MAX_ANALYZED_CHARS} characters not analysed ...]\n${text.slice(-tail)}`;
    truncated = true;
    notes.push(`The input was ${formatSize(originalLength)}; only the first ${formatSize(head)} and the last ${formatSize(tail)} were analysed.`);
  }

  text = text.replace(/\r\n?/g, '\n').replace(ANSI, '');
  const controlCount = countMatches(text, CONTROL);
  if (controlCount > 0) {
    if (controlCount > Math.max(32, text.length * 0.1)) notes.push('The input looks like binary data; only its readable parts were analysed.');
    text = text.replace(CONTROL, ' ');
  }

  text = text
    .replace(SLACK_LINK, (_m, url: string, label?: string) => label ?? url)
    .replace(SLACK_CHANNEL, (_m, id: string, name?: string) => `#${name ?? id}`)
    .replace(SLACK_USER, (_m, id: string) => `@${id}`)
    .replace(SLACK_SPECIAL, (_m, what: string) => `@${what}`)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

  // Code fences and inline code: keep the content, drop the markers.
  text = text.replace(/^[ \t]*```[\w-]{0,20}[ \t]*$/gm, '').replace(/```/g, '\n').replace(/`/g, '');

  text = text.replace(HEROKU_PREFIX, '').replace(COMPOSE_PREFIX, (m) => (looksLikeComposePrefix(m) ? '' : m));
  text = expandJsonLines(text, notes);

  return { text, truncated, originalLength, notes };
}

/** `web_1  | ` yes; `a | b` inside prose: only when the prefix is a service-like name followed by spacing. */
function looksLikeComposePrefix(prefix: string): boolean {
  return /^[A-Za-z0-9_.-]*[_-]\d{1,3}\s*\|/.test(prefix) || /^[A-Za-z0-9_.-]+\s{2,}\|/.test(prefix);
}

/**
 * CloudWatch / Lambda JSON logs carry the stack trace as one escaped string field (or an array, `stackTrace`).
 * Replace such a line by its string values, one per line, so the trace reads as the app printed it.
 */
function expandJsonLines(text: string, notes: string[]): string {
  if (!text.includes('{"') && !text.includes('{ "')) return text;
  let expanded = 0;
  const out = text.split('\n').map((line) => {
    const start = line.indexOf('{');
    if (start < 0 || line.length > MAX_JSON_LINE || !line.trimEnd().endsWith('}')) return line;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(start));
    } catch {
      return line;
    }
    if (value === null || typeof value !== 'object') return line;
    const strings: string[] = [];
    collectStrings(value, strings, 0);
    if (strings.length === 0) return line;
    expanded++;
    return `${line.slice(0, start)}${strings.join('\n')}`;
  });
  if (expanded > 0) notes.push(`${expanded} JSON log line${expanded === 1 ? ' was' : 's were'} unpacked.`);
  return out.join('\n');
}

function collectStrings(value: unknown, out: string[], depth: number): void {
  if (depth > 8 || out.length > 2000) return;
  if (typeof value === 'string') {
    out.push(value.replace(/\r\n?/g, '\n'));
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collectStrings(v, out, depth + 1);
  }
}

function countMatches(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text)) n++;
  return n;
}

export function formatSize(chars: number): string {
  if (chars >= 1024 * 1024) return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
  if (chars >= 1024) return `${Math.round(chars / 1024)} KB`;
  return `${chars} characters`;
}
