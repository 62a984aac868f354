// A small, lossless HCL scanner: it finds the byte ranges of blocks and attributes so that edits can be
// made as text patches on the original file (formatting, comments and heredocs stay as they were).
// It does not evaluate anything; @cdktn/hcl2json gives the values.

export interface AttributeItem {
  kind: 'attribute';
  name: string;
  /** Offset of the first character of the line the attribute starts on. */
  lineStart: number;
  nameStart: number;
  nameEnd: number;
  eqPos: number;
  valueStart: number;
  /** End of the value expression (trailing spaces and any trailing comment excluded). */
  valueEnd: number;
  /** Offset just past the newline that ends the attribute (or the body end). */
  lineEnd: number;
  /** True when the value spans several lines (object, list, heredoc, parenthesised expression). */
  multiline: boolean;
  /** True when the value starts a heredoc (`<<EOT`). */
  heredoc: boolean;
}

export interface BlockItem {
  kind: 'block';
  type: string;
  labels: string[];
  lineStart: number;
  start: number;
  /** Offset of `{`. */
  open: number;
  /** Offset of the matching `}`. */
  close: number;
  lineEnd: number;
}

export type BodyItem = AttributeItem | BlockItem;

export class HclScanError extends Error {}

const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_-]/;

/** If a comment starts at i, the offset just past it (a line comment stops before its newline). */
export function skipComment(text: string, i: number): number | undefined {
  const c = text[i];
  if (c === '#' || (c === '/' && text[i + 1] === '/')) {
    const nl = text.indexOf('\n', i);
    return nl === -1 ? text.length : nl;
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    if (close === -1) throw new HclScanError(`unterminated /* comment at offset ${i}`);
    return close + 2;
  }
  return undefined;
}

/** i is at an opening `"`; returns the offset just past the closing quote. Template interpolations may nest strings. */
export function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') { j += 2; continue; }
    if (c === '"') return j + 1;
    if (c === '\n') throw new HclScanError(`unterminated string at offset ${i}`);
    if ((c === '$' || c === '%') && text[j + 1] === '{') {
      // `$${` and `%%{` are escapes for a literal `${` / `%{`.
      if (text[j - 1] === c && text[j - 2] !== c) { j += 2; continue; }
      j = skipInterpolation(text, j + 1);
      continue;
    }
    j++;
  }
  throw new HclScanError(`unterminated string at offset ${i}`);
}

/** i is at the `{` of `${` / `%{`; returns the offset just past its matching `}`. */
function skipInterpolation(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"') { j = skipString(text, j); continue; }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  throw new HclScanError(`unterminated template interpolation at offset ${i}`);
}

/** If a heredoc starts at i (`<<EOT` / `<<-EOT`), the offset of the newline ending its closing marker line. */
export function skipHeredoc(text: string, i: number): number | undefined {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
  if (!m) return undefined;
  const marker = m[1]!;
  let lineStart = i + m[0].length;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEndExclusive = nl === -1 ? text.length : nl;
    if (text.slice(lineStart, lineEndExclusive).trim() === marker) return lineEndExclusive;
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  throw new HclScanError(`heredoc <<${marker} at offset ${i} is never closed`);
}

/** i is at `{`, `[` or `(`; returns the offset of the matching closer. */
export function matchBracket(text: string, i: number): number {
  const stack: string[] = [];
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    const comment = skipComment(text, j);
    if (comment !== undefined) { j = comment; continue; }
    if (c === '"') { j = skipString(text, j); continue; }
    if (c === '<' && text[j + 1] === '<') {
      const h = skipHeredoc(text, j);
      if (h !== undefined) { j = h; continue; }
    }
    if (c === '{' || c === '[' || c === '(') stack.push(c);
    else if (c === '}' || c === ']' || c === ')') {
      const open = stack.pop();
      if (open === undefined || '{[('.indexOf(open) !== '}])'.indexOf(c)) {
        throw new HclScanError(`unbalanced '${c}' at offset ${j}`);
      }
      if (stack.length === 0) return j;
    }
    j++;
  }
  throw new HclScanError(`no closing bracket for '${text[i]}' at offset ${i}`);
}

/**
 * Scans an expression from i to the newline that ends it at bracket depth 0 (or to `end`).
 * Returns the end of the expression proper (before any trailing comment and spaces) and whether it spans lines.
 */
export function scanExpression(text: string, i: number, end: number): { valueEnd: number; stop: number; multiline: boolean; heredoc: boolean } {
  let j = i;
  let lastCode = i;
  let multiline = false;
  let heredoc = false;
  while (j < end) {
    const c = text[j]!;
    if (c === '\n') break;
    const comment = skipComment(text, j);
    if (comment !== undefined) {
      // A /* */ comment may sit inside an expression; a line comment ends it.
      if (c === '#' || text[j + 1] === '/') { j = comment; break; }
      if (text.slice(j, comment).includes('\n')) multiline = true;
      j = comment;
      continue;
    }
    if (c === '"') { j = skipString(text, j); lastCode = j; continue; }
    if (c === '<' && text[j + 1] === '<') {
      const h = skipHeredoc(text, j);
      if (h !== undefined) { j = h; lastCode = h; multiline = true; heredoc = true; continue; }
    }
    if (c === '{' || c === '[' || c === '(') {
      const close = matchBracket(text, j);
      if (text.slice(j, close).includes('\n')) multiline = true;
      j = close + 1;
      lastCode = j;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') lastCode = j + 1;
    j++;
  }
  return { valueEnd: lastCode, stop: j, multiline, heredoc };
}

function lineStartOf(text: string, i: number): number {
  const nl = text.lastIndexOf('\n', i - 1);
  return nl === -1 ? 0 : nl + 1;
}

function afterNewline(text: string, i: number, end: number): number {
  // From i, skip spaces and a trailing line comment, then past one newline.
  let j = i;
  while (j < end && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
  const comment = j < end ? skipComment(text, j) : undefined;
  if (comment !== undefined && (text[j] === '#' || text[j + 1] === '/')) j = comment;
  if (j < end && text[j] === '\n') return j + 1;
  return Math.min(j, end);
}

/** The items of a body (the text between a block's braces, or a whole file). Nested blocks are not entered. */
export function parseBody(text: string, start: number, end: number): BodyItem[] {
  const items: BodyItem[] = [];
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ',') { i++; continue; }
    const comment = skipComment(text, i);
    if (comment !== undefined) { i = comment; continue; }
    if (!IDENT_START.test(c)) throw new HclScanError(`unexpected '${c}' at offset ${i}`);
    const nameStart = i;
    while (i < end && IDENT_CHAR.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    let j = i;
    while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '=' && text[j + 1] !== '=') {
      const eqPos = j;
      let v = j + 1;
      while (v < end && (text[v] === ' ' || text[v] === '\t')) v++;
      const expr = scanExpression(text, v, end);
      items.push({
        kind: 'attribute', name, lineStart: lineStartOf(text, nameStart), nameStart, nameEnd: i, eqPos,
        valueStart: v, valueEnd: expr.valueEnd, lineEnd: afterNewline(text, expr.stop, end),
        multiline: expr.multiline, heredoc: expr.heredoc,
      });
      i = afterNewline(text, expr.stop, end);
      continue;
    }
    // A block: labels (quoted or bare), then `{`.
    const labels: string[] = [];
    while (j < end && text[j] !== '{') {
      const ch = text[j]!;
      if (ch === ' ' || ch === '\t') { j++; continue; }
      if (ch === '"') {
        const close = skipString(text, j);
        labels.push(text.slice(j + 1, close - 1));
        j = close;
        continue;
      }
      if (IDENT_START.test(ch)) {
        const s = j;
        while (j < end && IDENT_CHAR.test(text[j]!)) j++;
        labels.push(text.slice(s, j));
        continue;
      }
      throw new HclScanError(`unexpected '${ch}' after '${name}' at offset ${j}`);
    }
    if (j >= end) throw new HclScanError(`block '${name}' at offset ${nameStart} has no body`);
    const close = matchBracket(text, j);
    const lineEnd = afterNewline(text, close + 1, end);
    items.push({ kind: 'block', type: name, labels, lineStart: lineStartOf(text, nameStart), start: nameStart, open: j, close, lineEnd });
    i = lineEnd;
  }
  return items;
}

export interface BodyRange { start: number; end: number }

/** The body range (inside the braces) of a block item. */
export function bodyOf(block: BlockItem): BodyRange {
  return { start: block.open + 1, end: block.close };
}

/** Finds a block by type and leading labels among a body's items. */
export function findBlock(items: BodyItem[], type: string, ...labels: string[]): BlockItem | undefined {
  return items.find((it): it is BlockItem => it.kind === 'block' && it.type === type && labels.every((l, k) => it.labels[k] === l));
}

export function findAttribute(items: BodyItem[], name: string): AttributeItem | undefined {
  return items.find((it): it is AttributeItem => it.kind === 'attribute' && it.name === name);
}

/** The leading whitespace of the line that contains offset i. */
export function indentAt(text: string, i: number): string {
  const ls = lineStartOf(text, i);
  const m = /^[ \t]*/.exec(text.slice(ls));
  return m ? m[0] : '';
}
