// Resolves the few expression forms that name a replication group: literals, templates such as
// "${var.environment}-redis", var.* (defaults, *.tfvars, module inputs), local.*, format(), lower() and upper().
// What cannot be resolved becomes a wildcard, so a template still matches as a pattern.
import { asRecord, firstBody } from '../hcl/parse.js';
import { isAutoTfvars, type TfFile, type TfModuleDir, type TfTree } from './tree.js';

export type Segment = { lit: string } | { wild: string };

export interface Alternative {
  segments: Segment[];
  /** How it was resolved, for people: `var.environment = "prd" (envs/prd.tfvars)`. */
  via: string[];
  /** The -var-file that supplied a value, when one did. */
  varFile?: string;
}

/** One module instance: the root, or a module block calling a local module. */
export interface Instance {
  /** module.cache.module.inner ('' for the root). */
  address: string;
  module: TfModuleDir;
  parent?: Instance;
  call?: { file: TfFile; label: string; inputs: Record<string, unknown> };
}

const MAX_ALTERNATIVES = 32;

export function isConcrete(a: Alternative): boolean {
  return a.segments.every((s) => 'lit' in s);
}

export function altText(a: Alternative): string {
  return a.segments.map((s) => ('lit' in s ? s.lit : `\${${s.wild}}`)).join('');
}

export function altRegex(a: Alternative): RegExp {
  const body = a.segments.map((s) => ('lit' in s ? s.lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.+')).join('');
  return new RegExp(`^${body}$`, 'i');
}

function lit(s: string, via: string[] = []): Alternative[] {
  return [{ segments: [{ lit: s }], via }];
}

function wild(what: string): Alternative[] {
  return [{ segments: [{ wild: what }], via: [`${what} is not known here`] }];
}

function product(parts: Alternative[][]): Alternative[] {
  let acc: Alternative[] = [{ segments: [], via: [] }];
  for (const choices of parts) {
    const next: Alternative[] = [];
    for (const a of acc) {
      for (const c of choices) {
        if (a.varFile && c.varFile && a.varFile !== c.varFile) continue; // one -var-file per run
        next.push({ segments: [...a.segments, ...c.segments], via: [...a.via, ...c.via], varFile: a.varFile ?? c.varFile });
        if (next.length >= MAX_ALTERNATIVES) break;
      }
    }
    acc = next;
  }
  return acc;
}

function mapLit(alts: Alternative[], f: (s: string) => string): Alternative[] {
  return alts.map((a) => ({ ...a, segments: a.segments.map((s) => ('lit' in s ? { lit: f(s.lit) } : s)) }));
}

/** Splits a template string into literal text and `${...}` expressions. */
export function splitTemplate(s: string): ({ lit: string } | { expr: string })[] {
  const out: ({ lit: string } | { expr: string })[] = [];
  let i = 0;
  let buf = '';
  while (i < s.length) {
    if (s[i] === '$' && s[i + 1] === '$' && s[i + 2] === '{') { buf += '${'; i += 3; continue; }
    if (s[i] === '$' && s[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      let inStr = false;
      while (j < s.length && depth > 0) {
        const c = s[j];
        if (inStr) { if (c === '\\') j++; else if (c === '"') inStr = false; }
        else if (c === '"') inStr = true;
        else if (c === '{') depth++;
        else if (c === '}') depth--;
        j++;
      }
      if (buf) out.push({ lit: buf });
      buf = '';
      out.push({ expr: s.slice(i + 2, j - 1).trim() });
      i = j;
      continue;
    }
    buf += s[i];
    i++;
  }
  if (buf) out.push({ lit: buf });
  return out;
}

/** Splits function arguments at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let buf = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) { buf += c; if (c === '\\') { buf += s[++i] ?? ''; } else if (c === '"') inStr = false; continue; }
    if (c === '"') { inStr = true; buf += c; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) { out.push(buf.trim()); buf = ''; continue; }
    buf += c;
  }
  if (buf.trim()) out.push(buf.trim());
  return out;
}

export class Evaluator {
  private depth = 0;
  constructor(private readonly tree: TfTree) {}

  value(v: unknown, scope: Instance): Alternative[] {
    if (typeof v === 'string') return this.template(v, scope);
    if (typeof v === 'number' || typeof v === 'boolean') return lit(String(v));
    return wild('a non-string value');
  }

  template(s: string, scope: Instance): Alternative[] {
    const parts = splitTemplate(s).map((p) => ('lit' in p ? lit(p.lit) : this.expr(p.expr, scope)));
    return product(parts);
  }

  expr(e: string, scope: Instance): Alternative[] {
    if (++this.depth > 20) { this.depth--; return wild(e); }
    try {
      let m: RegExpExecArray | null;
      if ((m = /^"((?:[^"\\]|\\.)*)"$/.exec(e))) return this.template(JSON.parse(`"${m[1]}"`) as string, scope);
      if ((m = /^var\.([A-Za-z_][\w-]*)$/.exec(e))) return this.variable(m[1]!, scope);
      if ((m = /^local\.([A-Za-z_][\w-]*)$/.exec(e))) return this.local(m[1]!, scope);
      if ((m = /^(lower|upper)\((.*)\)$/s.exec(e))) {
        const inner = this.expr(m[2]!.trim(), scope);
        return mapLit(inner, m[1] === 'lower' ? (x) => x.toLowerCase() : (x) => x.toUpperCase());
      }
      if ((m = /^format\((.*)\)$/s.exec(e))) {
        const [fmt, ...args] = splitArgs(m[1]!);
        const fmtStr = fmt && /^"((?:[^"\\]|\\.)*)"$/.exec(fmt);
        if (!fmtStr) return wild(e);
        const pieces = (JSON.parse(`"${fmtStr[1]}"`) as string).split(/(%[sd])/);
        let argIndex = 0;
        const parts = pieces.filter((p) => p !== '').map((p) => (p === '%s' || p === '%d'
          ? (args[argIndex] !== undefined ? this.expr(args[argIndex++]!, scope) : wild(e))
          : lit(p)));
        return product(parts);
      }
      return wild(e);
    } finally {
      this.depth--;
    }
  }

  private variableDefault(name: string, module: TfModuleDir): { found: boolean; value?: unknown } {
    for (const f of module.files) {
      const v = firstBody(asRecord(f.json?.variable)[name]);
      if (v) return { found: true, value: v.default };
    }
    return { found: false };
  }

  variable(name: string, scope: Instance): Alternative[] {
    const viaVar = (alts: Alternative[], where: string): Alternative[] =>
      alts.map((a) => ({ ...a, via: [`var.${name} = ${isConcrete(a) ? JSON.stringify(altText(a)) : altText(a)} (${where})`, ...a.via] }));
    if (scope.call) {
      const input = scope.call.inputs[name];
      if (input !== undefined && scope.parent) {
        return viaVar(this.value(input, scope.parent), `module "${scope.call.label}" input in ${scope.call.file.rel}`);
      }
    } else {
      // Root module: auto-loaded files override the default; each other .tfvars is one environment.
      const alts: Alternative[] = [];
      let autoValue: { v: unknown; file: string } | undefined;
      for (const f of this.tree.tfvars.filter((t) => isAutoTfvars(t.rel))) {
        const v = asRecord(f.json)[name];
        if (v !== undefined) autoValue = { v, file: f.rel };
      }
      for (const f of this.tree.tfvars.filter((t) => !isAutoTfvars(t.rel))) {
        const v = asRecord(f.json)[name];
        if (v !== undefined) {
          for (const a of viaVar(this.value(v, scope), f.rel)) alts.push({ ...a, varFile: f.rel });
        }
      }
      if (autoValue) alts.push(...viaVar(this.value(autoValue.v, scope), autoValue.file));
      if (alts.length > 0) {
        // Without -var-file, the auto value or the default applies.
        if (!autoValue) {
          const d = this.variableDefault(name, scope.module);
          if (d.found && d.value !== undefined && d.value !== null) alts.push(...viaVar(this.value(d.value, scope), 'default'));
        }
        return alts;
      }
    }
    const d = this.variableDefault(name, scope.module);
    if (d.found && d.value !== undefined && d.value !== null) return viaVar(this.value(d.value, scope), 'default');
    return wild(`var.${name}`);
  }

  local(name: string, scope: Instance): Alternative[] {
    for (const f of scope.module.files) {
      const locals = f.json?.locals;
      for (const body of Array.isArray(locals) ? locals : []) {
        const v = asRecord(body)[name];
        if (v !== undefined) {
          return this.value(v, scope).map((a) => ({ ...a, via: [`local.${name} in ${f.rel}`, ...a.via] }));
        }
      }
    }
    return wild(`local.${name}`);
  }
}
