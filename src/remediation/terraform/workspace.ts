// The Terraform files as the plan changes them, step by step. Each step's diff is taken against the state
// the previous step left, so the diffs apply in order with `git apply` (one apply per step).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { parseBody, findBlock, findAttribute, bodyOf, type BodyRange } from '../hcl/scan.js';
import { isAutoTfvars, type TfTree } from './tree.js';
import { RG_TYPE, type Candidate } from './locate.js';
import type { Instance } from './evaluate.js';

export class Workspace {
  private texts = new Map<string, string>();
  /** Files that must never be patched (not valid HCL). */
  private readonly broken = new Set<string>();

  constructor(tree: TfTree) {
    for (const m of tree.modules.values()) {
      for (const f of m.files) {
        this.texts.set(f.rel, f.text);
        if (f.error) this.broken.add(f.rel);
      }
    }
    for (const f of tree.tfvars) this.texts.set(f.rel, f.text);
  }

  get(rel: string): string {
    const t = this.texts.get(rel);
    if (t === undefined) throw new Error(`unknown file ${rel}`);
    return t;
  }

  has(rel: string): boolean {
    return this.texts.has(rel);
  }

  canEdit(rel: string): boolean {
    return this.texts.has(rel) && !this.broken.has(rel);
  }

  set(rel: string, text: string): void {
    this.texts.set(rel, text);
  }

  snapshot(): Map<string, string> {
    return new Map(this.texts);
  }

  restore(snapshot: Map<string, string>): void {
    this.texts = new Map(snapshot);
  }

  /** Unified diff (a/ and b/ paths, file headers only) of every file changed since the snapshot. */
  diffSince(before: Map<string, string>): { files: string[]; diff: string } {
    const files: string[] = [];
    let diff = '';
    for (const [rel, text] of [...this.texts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const old = before.get(rel) ?? '';
      if (old === text) continue;
      files.push(rel);
      diff += createTwoFilesPatch(`a/${rel}`, `b/${rel}`, old, text, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
    }
    return { files, diff };
  }
}

export type BodyFinder = (text: string) => BodyRange;

function topBlock(type: string, ...labels: string[]): BodyFinder {
  return (text) => {
    const block = findBlock(parseBody(text, 0, text.length), type, ...labels);
    if (!block) throw new Error(`${type} ${labels.join(' ')} is no longer in the file`);
    return bodyOf(block);
  };
}

export const resourceBody = (type: string, name: string): BodyFinder => topBlock('resource', type, name);
export const moduleBody = (label: string): BodyFinder => topBlock('module', label);
export const variableBody = (name: string): BodyFinder => topBlock('variable', name);
export const wholeFile: BodyFinder = (text) => ({ start: 0, end: text.length });

/** Where an attribute's value is really set. */
export interface Target {
  file: string;
  body: BodyFinder;
  attribute: string;
  /** For people: "module \"cache\" input transit_encryption_enabled in main.tf". */
  where: string;
}

export type Resolution = { target: Target } | { manual: string };

const LITERAL = /^(true|false|null|-?\d+(\.\d+)?|"(?:[^"\\$]|\\.|\$(?!\{))*")$/;
/** `var.x ? "preferred" : null`: the form the plan writes to tie the mode to a variable-driven flag. */
const TIED_MODE = /^[A-Za-z_][\w.-]*\s*\?\s*"(preferred|required)"\s*:\s*null$/;
const VAR_REF = /^(?:var\.([A-Za-z_][\w-]*)|"\$\{var\.([A-Za-z_][\w-]*)\}")$/;

export function rawValue(ws: Workspace, t: Target): string | undefined {
  const text = ws.get(t.file);
  const attr = findAttribute(parseBody(text, t.body(text).start, t.body(text).end), t.attribute);
  return attr ? text.slice(attr.valueStart, attr.valueEnd) : undefined;
}

/**
 * Follows an attribute to where its value is set: the resource itself, a module input in the caller,
 * a .tfvars file or a variable default. An expression that is neither a literal nor `var.x` is left to people.
 */
export function resolveTarget(ws: Workspace, tree: TfTree, cand: Candidate, attribute: string): Resolution {
  const here: Target = cand.kind === 'module-call'
    ? { file: cand.file.rel, body: moduleBody(cand.name), attribute, where: `module "${cand.name}" input ${attribute} in ${cand.file.rel}` }
    : { file: cand.file.rel, body: resourceBody(RG_TYPE, cand.name), attribute, where: `${cand.address} in ${cand.file.rel}` };
  return follow(ws, tree, cand, cand.instance, here, 0);
}

function follow(ws: Workspace, tree: TfTree, cand: Candidate, inst: Instance, here: Target, depth: number): Resolution {
  const raw = rawValue(ws, here);
  if (raw === undefined || LITERAL.test(raw.trim()) || TIED_MODE.test(raw.trim())) return { target: here };
  const m = VAR_REF.exec(raw.trim());
  if (!m || depth > 6) {
    return { manual: `${here.where}: ${here.attribute} is set by the expression \`${raw.trim()}\`; change that expression by hand.` };
  }
  const name = (m[1] ?? m[2])!;
  if (inst.call && inst.parent) {
    const next: Target = { file: inst.call.file.rel, body: moduleBody(inst.call.label), attribute: name, where: `module "${inst.call.label}" input ${name} in ${inst.call.file.rel}` };
    return follow(ws, tree, cand, inst.parent, next, depth + 1);
  }
  // A root variable: the .tfvars file that sets it, else its default.
  const setting = tree.tfvars.filter((f) => f.json && Object.hasOwn(f.json, name));
  const byMatch = setting.find((f) => f.rel === cand.varFile);
  const auto = setting.filter((f) => isAutoTfvars(f.rel));
  const chosen = byMatch ?? auto[auto.length - 1] ?? (setting.length === 1 ? setting[0] : undefined);
  if (chosen) return { target: { file: chosen.rel, body: wholeFile, attribute: name, where: `${name} in ${chosen.rel}` } };
  if (setting.length > 1) {
    return { manual: `var.${name} is set in ${setting.map((f) => f.rel).join(', ')}; set ${here.attribute} in the file of the environment that owns the group.` };
  }
  const varFile = inst.module.files.find((f) => f.json && Object.hasOwn((f.json.variable ?? {}) as object, name));
  if (varFile) return { target: { file: varFile.rel, body: variableBody(name), attribute: 'default', where: `default of variable "${name}" in ${varFile.rel}` } };
  return { manual: `var.${name} has no default and no .tfvars value here; pass ${here.attribute} = the new value where the plan is run.` };
}
