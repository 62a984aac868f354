import { closeIds } from '../util/close-ids.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { Binding, Policy } from './model.js';
import { KNOWN_KEYS, policySchema } from './schema.js';

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/** Thrown by loadPolicyFile: `errors` holds one line per mistake, `file:line path: what is wrong`. */
export class PolicyError extends Error {
  constructor(readonly errors: string[]) {
    super(`The policy file has ${errors.length === 1 ? 'a mistake' : `${errors.length} mistakes`}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

type PathKey = string | number;

/**
 * Parses and validates policy YAML. Never throws: every mistake comes back as one message
 * with the file, the line and the field, e.g.
 * `policy.yml:7 bindings[1].features[2]: "probes" is not a feature; use one of diagnose, live, probe, terraform`.
 */
export function parsePolicy(text: string, file = 'policy.yml'): ParseResult {
  const source = basename(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `${source}:${lineCounter.linePos(e.pos[0]).line} ${yamlMessage(e.message)}`) };
  }
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    return { ok: false, errors: [`${source}:1 the file is empty; write at least \`bindings: []\` (paste-only everywhere), see policy.example.yml`] };
  }

  // Numbers keep their source text: an unquoted account id like 012345678901 must not lose its leading zero.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && node.source !== undefined) node.value = node.source;
    },
  });

  const parsed = policySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const lineOf = (path: PathKey[], key?: string) => lineCounter.linePos(nodeAt(doc, path, key)?.range?.[0] ?? 0).line;
    const errors = parsed.error.issues
      .map((issue) => describeIssue(issue, source, lineOf))
      .sort((a, b) => a.line - b.line)
      .map((e) => e.text);
    return { ok: false, errors: [...new Set(errors)] };
  }

  const value = parsed.data;
  const bindings: Binding[] = value.bindings.map((b, index) => {
    const node = nodeAt(doc, ['bindings', index]);
    return {
      index,
      line: node?.range ? lineCounter.linePos(node.range[0]).line : undefined,
      ...(b.name ? { name: b.name } : {}),
      channels: b.channels,
      ...(b.userGroups ? { userGroups: b.userGroups } : {}),
      accounts: b.accounts ?? [],
      regions: b.regions ?? [],
      groups: b.groups ?? [],
      features: [...new Set(b.features)],
    };
  });
  return {
    ok: true,
    policy: { source, ...(value.contact ? { contact: value.contact } : {}), defaults: { ...(value.defaults?.account ? { account: value.defaults.account } : {}) }, bindings },
  };
}

/**
 * Reads the policy file. A missing file is not an error (the safe defaults apply): the result says so.
 * A file with mistakes throws PolicyError, so the bot never runs with a policy it misread.
 */
export function loadPolicyFile(path: string): { policy?: Policy; missing: boolean } {
  if (!existsSync(path)) return { missing: true };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError([`${basename(path)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  const result = parsePolicy(text, path);
  if (!result.ok) throw new PolicyError(result.errors);
  return { policy: result.policy, missing: false };
}

function yamlMessage(message: string): string {
  // yaml's messages end with " at line N, column M" plus a source excerpt; the line is already in front.
  const first = message.split('\n')[0] ?? message;
  return `YAML syntax: ${first.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '')}`;
}

function describeIssue(issue: z.core.$ZodIssue, source: string, lineOf: (path: PathKey[], key?: string) => number): { line: number; text: string } {
  const path = issue.path.filter((p): p is PathKey => typeof p === 'string' || typeof p === 'number');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysFor(path);
    const texts = issue.keys.map((key) => {
      const suggestion = closest(key, known);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `known fields are ${known.join(', ')}`;
      return { line: lineOf(path, key), text: `${source}:${lineOf(path, key)} ${showPath([...path, key])}: unknown field; ${hint}` };
    });
    // One issue can name several keys; they are reported one per line and sorted later.
    return texts.length === 1 ? texts[0]! : { line: texts[0]!.line, text: texts.map((t) => t.text).join('\n') };
  }
  const line = lineOf(path);
  const where = showPath(path);
  return { line, text: `${source}:${line} ${where ? `${where}: ` : ''}${issue.message}` };
}

function knownKeysFor(path: PathKey[]): readonly string[] {
  if (path.length === 0) return KNOWN_KEYS.root;
  if (path[0] === 'defaults') return KNOWN_KEYS.defaults;
  return KNOWN_KEYS.binding;
}

/** `bindings[1].features[2]` */
export function showPath(path: PathKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** The deepest node that exists along `path` (a missing field reports the line of its parent); with `key`, that key's own node. */
function nodeAt(doc: Document, path: PathKey[], key?: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const p of path) {
    const next = child(node, p);
    if (next === undefined) return node as Node;
    node = next;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return node as Node;
}

function child(node: unknown, p: PathKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(p));
    return pair?.value ?? undefined;
  }
  if (isSeq(node) && typeof p === 'number') return node.items[p];
  return undefined;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  return closeIds(word, candidates, 1)[0];
}

