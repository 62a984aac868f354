// Text patches on HCL bodies: set an attribute (edit in place, or insert a new line aligned the way
// `terraform fmt` aligns `=` within a run of single-line attributes), append a block.
// hclwrite's rule (hashicorp/hcl hclwrite/format.go, formatCells): consecutive lines that each carry a whole
// `name = value` form one chain; every `=` in the chain sits one column after the longest name.
import { parseBody, indentAt, type AttributeItem, type BodyItem, type BodyRange } from './scan.js';

export interface AttributeSet {
  name: string;
  /** HCL source text of the value, e.g. `true` or `"preferred"`. */
  value: string;
  /** Insert after the first of these attributes that exists (when the attribute itself does not). */
  after?: string[];
}

interface Replacement { start: number; end: number; text: string }

function applyReplacements(text: string, reps: Replacement[]): string {
  let out = text;
  for (const r of [...reps].sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return out;
}

/** Whether the attribute's line carries the whole `name = value` (hclwrite puts it in the alignment chain). */
function isAssignLine(a: AttributeItem): boolean {
  return !a.multiline || a.heredoc;
}

function occupiesOneLine(text: string, a: AttributeItem): boolean {
  return !text.slice(a.lineStart, a.lineEnd).replace(/\n$/, '').includes('\n');
}

function leadWidth(text: string, a: AttributeItem): number {
  return a.nameEnd - a.lineStart;
}

function eqColumn(text: string, a: AttributeItem): number {
  return a.eqPos - a.lineStart;
}

/** The chain of attribute lines adjacent to offset `at` (a line start), above and below. */
function neighbourChain(text: string, items: BodyItem[], at: number): AttributeItem[] {
  const attrs = items.filter((i): i is AttributeItem => i.kind === 'attribute');
  const chain: AttributeItem[] = [];
  // Upwards: items ending exactly at `at`, one line each.
  let cursor = at;
  for (;;) {
    const prev = attrs.find((a) => a.lineEnd === cursor);
    if (!prev || !isAssignLine(prev) || !occupiesOneLine(text, prev)) break;
    chain.unshift(prev);
    cursor = prev.lineStart;
  }
  cursor = at;
  for (;;) {
    const next = attrs.find((a) => a.lineStart === cursor);
    if (!next || !isAssignLine(next)) break;
    chain.push(next);
    if (!occupiesOneLine(text, next)) break;
    cursor = next.lineEnd;
  }
  return chain;
}

function isFmtAligned(text: string, chain: AttributeItem[]): boolean {
  if (chain.length === 0) return true;
  const max = Math.max(...chain.map((a) => leadWidth(text, a)));
  return chain.every((a) => eqColumn(text, a) === max + 1);
}

/** Where a new attribute line goes: after an anchor attribute, else after the first run of attributes. */
function insertionPoint(text: string, items: BodyItem[], body: BodyRange, after: string[] | undefined): { at: number; indent: string } {
  const attrs = items.filter((i): i is AttributeItem => i.kind === 'attribute');
  for (const name of after ?? []) {
    const anchor = attrs.find((a) => a.name === name);
    if (anchor) return { at: anchor.lineEnd, indent: indentAt(text, anchor.nameStart) };
  }
  const single = attrs.filter((a) => isAssignLine(a) && occupiesOneLine(text, a));
  if (single.length > 0) {
    // The end of the first run of single-line attributes.
    const first = single[0]!;
    const chain = neighbourChain(text, items, first.lineStart);
    const last = chain[chain.length - 1] ?? first;
    return { at: last.lineEnd, indent: indentAt(text, last.nameStart) };
  }
  const lastAttr = attrs[attrs.length - 1];
  if (lastAttr) return { at: lastAttr.lineEnd, indent: indentAt(text, lastAttr.nameStart) };
  // Empty body (or only nested blocks): right after the opening brace's line.
  const nl = text.indexOf('\n', body.start);
  const at = nl === -1 || nl >= body.end ? body.start : nl + 1;
  const openIndent = indentAt(text, Math.max(body.start - 1, 0));
  return { at, indent: openIndent + '  ' };
}

/** Sets one attribute in a body; returns the new text. Edits an existing attribute rather than adding a second one. */
export function setAttribute(text: string, body: BodyRange, set: AttributeSet): string {
  const items = parseBody(text, body.start, body.end);
  const existing = items.find((i): i is AttributeItem => i.kind === 'attribute' && i.name === set.name);
  if (existing) {
    if (text.slice(existing.valueStart, existing.valueEnd) === set.value) return text;
    return applyReplacements(text, [{ start: existing.valueStart, end: existing.valueEnd, text: set.value }]);
  }

  // A one-line block (`x { a = 1 }`) cannot take a second line as it is: open it up first.
  if (text[body.start - 1] === '{' && !text.slice(body.start, body.end).includes('\n')) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const blockIndent = indentAt(text, body.start);
    const inner = text.slice(body.start, body.end).trim();
    const opened = `${eol}${inner ? `${blockIndent}  ${inner}${eol}` : ''}${blockIndent}`;
    const next = text.slice(0, body.start) + opened + text.slice(body.end);
    return setAttribute(next, { start: body.start, end: body.start + opened.length }, set);
  }
  const { at, indent } = insertionPoint(text, items, body, set.after);
  const chain = neighbourChain(text, items, at);
  const reps: Replacement[] = [];
  const newLead = indent.length + set.name.length;
  let spaces = 1;
  if (chain.length > 0) {
    if (isFmtAligned(text, chain)) {
      const oldMax = Math.max(...chain.map((a) => leadWidth(text, a)));
      const newMax = Math.max(oldMax, newLead);
      spaces = newMax - newLead + 1;
      if (newMax > oldMax) {
        for (const a of chain) reps.push({ start: a.nameEnd, end: a.eqPos, text: ' '.repeat(newMax - leadWidth(text, a) + 1) });
      }
    } else {
      // The file is not fmt-aligned here: leave its lines alone, line up with the neighbour when the name fits.
      const neighbour = chain.find((a) => a.lineEnd === at) ?? chain.find((a) => a.lineStart === at) ?? chain[0]!;
      const neighbourEq = eqColumn(text, neighbour);
      spaces = newLead < neighbourEq ? neighbourEq - newLead : 1;
    }
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let line = `${indent}${set.name}${' '.repeat(spaces)}= ${set.value}${eol}`;
  // Inserting at the very end of a file that lacks a final newline.
  if (at === text.length && at > 0 && text[at - 1] !== '\n') line = eol + line.slice(0, -eol.length);
  reps.push({ start: at, end: at, text: line });
  return applyReplacements(text, reps);
}

/** Sets several attributes in turn; `body` finds the body again in each intermediate text. */
export function setAttributes(text: string, body: (text: string) => BodyRange, sets: AttributeSet[]): string {
  let out = text;
  for (const s of sets) out = setAttribute(out, body(out), s);
  return out;
}

/** Appends a block (already formatted HCL text) at the end of a file, separated by one blank line. */
export function appendBlock(text: string, block: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = block.replace(/\r?\n/g, eol).replace(/\s*$/, '') + eol;
  if (text.trim().length === 0) return body;
  if (text.endsWith(eol + eol)) return text + body;
  if (text.endsWith(eol)) return text + eol + body;
  return text + eol + eol + body;
}

/** Formats a JS value as HCL source text (strings quoted, booleans and numbers bare). */
export function hclValue(v: string | boolean | number): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
