// Assembles a Fix: ordered steps, warnings, and one diff per Terraform step.
import { setAttribute, appendBlock, type AttributeSet } from './hcl/edit.js';
import { parseBody, findBlock } from './hcl/scan.js';
import type { Evaluator } from './terraform/evaluate.js';
import type { Candidate, Location } from './terraform/locate.js';
import { siblingInstances } from './terraform/locate.js';
import type { TfTree } from './terraform/tree.js';
import { Workspace, resolveTarget } from './terraform/workspace.js';
import type { ClientChange, Fix, TerraformChange } from './types.js';

export interface TfContext {
  tree: TfTree;
  loc: Location;
  cand?: Candidate;
  ev: Evaluator;
  /** The files as the main path changes them, step after step. */
  ws: Workspace;
}

export interface StepMeta {
  description?: string;
  replaces?: boolean;
  warnings?: string[];
  alternative?: boolean;
}

export class PlanBuilder {
  readonly fix: Fix = { steps: [], warnings: [] };
  private readonly changes: TerraformChange[] = [];
  private readonly notes: string[] = [];
  private readonly alternatives: ClientChange[] = [];

  warn(w: string): void {
    if (!this.fix.warnings.includes(w)) this.fix.warnings.push(w);
  }

  note(n: string): void {
    if (!this.notes.includes(n)) this.notes.push(n);
  }

  step(text: string): number {
    this.fix.steps.push(text);
    return this.fix.steps.length;
  }

  client(c: ClientChange): void {
    this.fix.client ??= c;
  }

  clientAlternative(c: ClientChange): void {
    this.alternatives.push(c);
  }

  /**
   * A step whose edits are made on `ws`; its diff is what the edits changed. Edits return sentences for what
   * could not be changed automatically; they are appended to the step.
   */
  terraformStep(text: string, ws: Workspace, edit: (ws: Workspace) => string[], meta: StepMeta = {}): { step: number; diff: boolean } {
    const before = ws.snapshot();
    let manual: string[];
    try {
      manual = edit(ws);
    } catch (err) {
      // Never half-patch: drop this step's edits and say why there is no diff.
      ws.restore(before);
      manual = [`(No diff for this step: the file could not be patched safely: ${err instanceof Error ? err.message : String(err)}.)`];
    }
    const { files, diff } = ws.diffSince(before);
    const full = manual.length ? `${text} ${manual.join(' ')}` : text;
    const step = this.step(full);
    for (const w of meta.warnings ?? []) this.warn(w);
    if (diff) {
      this.changes.push({
        file: files[0]!, files, diff, step,
        ...(meta.description ? { description: meta.description } : {}),
        ...(meta.replaces ? { replaces: true } : {}),
        ...(meta.warnings?.length ? { warnings: meta.warnings } : {}),
        ...(meta.alternative ? { alternative: true } : {}),
      });
    }
    return { step, diff: Boolean(diff) };
  }

  finish(): Fix {
    if (this.changes.length > 0) {
      this.fix.terraform = this.changes.find((c) => !c.alternative) ?? this.changes[0];
      this.fix.terraformChanges = this.changes;
    }
    if (this.alternatives.length > 0) this.fix.clientAlternatives = this.alternatives;
    if (this.notes.length > 0) this.fix.notes = [...(this.fix.notes ?? []), ...this.notes];
    return this.fix;
  }
}

/** Sets attributes on the located group, following each to where its value is set. Returns manual notes. */
export function setOnGroup(tf: TfContext, ws: Workspace, sets: AttributeSet[]): string[] {
  const manual: string[] = [];
  const cand = tf.cand;
  if (!cand) return manual;
  for (const s of sets) {
    const r = resolveTarget(ws, tf.tree, cand, s.name);
    if ('manual' in r) { manual.push(r.manual); continue; }
    const t = r.target;
    if (!ws.canEdit(t.file)) { manual.push(`${t.file} is not valid HCL, so ${s.name} was not changed there.`); continue; }
    const text = ws.get(t.file);
    ws.set(t.file, setAttribute(text, t.body(text), { name: t.attribute, value: s.value, after: s.after }));
  }
  return manual;
}

/** A warning when the located resource sits in a module file that several module calls share. */
export function sharedModuleWarning(tf: TfContext): string | undefined {
  const cand = tf.cand;
  if (!cand || cand.kind !== 'resource' || !cand.instance.call) return undefined;
  const siblings = siblingInstances(tf.loc, cand.instance);
  if (siblings.length < 2) return undefined;
  return `${cand.file.rel} is shared by ${siblings.map((s) => s.address).join(', ')}: an attribute added inside the module changes every one of them. Expose it as a module variable if only ${cand.instance.address} should change.`;
}

/** Appends a `variable` block to a file unless the module already declares it. */
export function ensureVariable(ws: Workspace, tf: TfContext, file: string, name: string, block: string): void {
  const cand = tf.cand;
  const declared = cand?.instance.module.files.some((f) => {
    const text = ws.has(f.rel) ? ws.get(f.rel) : f.text;
    try { return Boolean(findBlock(parseBody(text, 0, text.length), 'variable', name)); } catch { return false; }
  });
  if (!declared) ws.set(file, appendBlock(ws.get(file), block));
}
