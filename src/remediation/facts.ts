// The version facts a plan is chosen on: the running engine (live facts first, the resource's engine_version as
// a stated fallback) and the AWS provider (.terraform.lock.hcl first, the required_providers constraint second).
import type { GroupFacts } from '../live/types.js';
import { asRecord, firstBody } from './hcl/parse.js';
import { parseBody, findBlock, findAttribute, bodyOf } from './hcl/scan.js';
import { altText, isConcrete, type Evaluator } from './terraform/evaluate.js';
import type { Candidate } from './terraform/locate.js';
import type { TfTree } from './terraform/tree.js';
import type { Workspace } from './terraform/workspace.js';
import {
  PROVIDER_IN_PLACE_TLS, compareVersions, constraintAllowsAtLeast, constraintBounds, constraintRequiresAtLeast,
  engineVerdict, parseVersion, providerFromLock, type Verdict,
} from './terraform/versions.js';

export interface EngineFacts {
  engine: string;
  version?: string;
  source?: 'live' | 'terraform';
  verdict: Verdict;
}

export interface ProviderFacts {
  version?: string;
  source?: 'lock' | 'constraint';
  /** The required_providers constraint and the file that holds it. */
  constraint?: { file: string; value: string };
  verdict: Verdict;
  /** The constraint itself keeps Terraform below 5.47.0. */
  constraintBlocks: boolean;
}

/** A concrete value of a resource attribute, resolving var.* and templates where possible. */
export function concreteAttr(cand: Candidate | undefined, ev: Evaluator | undefined, name: string): string | undefined {
  const v = cand?.attrs[name];
  if (v === undefined || !ev || !cand) return undefined;
  const alts = ev.value(v, cand.instance);
  const concrete = alts.filter(isConcrete).map(altText);
  return concrete.length === 1 || (concrete.length > 0 && new Set(concrete).size === 1) ? concrete[0] : undefined;
}

export function engineFacts(group: GroupFacts | undefined, cand: Candidate | undefined, ev: Evaluator | undefined): EngineFacts {
  const engine = group?.engine ?? concreteAttr(cand, ev, 'engine') ?? 'redis';
  if (group?.engineVersion) return { engine, version: group.engineVersion, source: 'live', verdict: engineVerdict(engine, group.engineVersion) };
  const configured = concreteAttr(cand, ev, 'engine_version');
  if (configured) return { engine, version: configured, source: 'terraform', verdict: engineVerdict(engine, configured) };
  return { engine, verdict: engine.toLowerCase() === 'valkey' ? 'at-least' : 'unknown' };
}

export function providerFacts(tree: TfTree | undefined): ProviderFacts {
  if (!tree) return { verdict: 'unknown', constraintBlocks: false };
  let constraint: ProviderFacts['constraint'];
  for (const f of tree.modules.get('')?.files ?? []) {
    for (const tb of Array.isArray(f.json?.terraform) ? (f.json!.terraform as unknown[]) : []) {
      for (const rp of Array.isArray(asRecord(tb).required_providers) ? (asRecord(tb).required_providers as unknown[]) : []) {
        const aws = asRecord(asRecord(firstBody(rp) ?? rp).aws);
        if (typeof aws.version === 'string') constraint = { file: f.rel, value: aws.version };
      }
    }
  }
  const constraintBlocks = constraint ? constraintAllowsAtLeast(constraint.value, PROVIDER_IN_PLACE_TLS) === false : false;
  const locked = tree.lock ? providerFromLock(tree.lock.text) : undefined;
  if (locked) {
    const v = parseVersion(locked);
    const verdict: Verdict = v ? (compareVersions(v, PROVIDER_IN_PLACE_TLS) >= 0 ? 'at-least' : 'below') : 'unknown';
    return { version: locked, source: 'lock', constraint, verdict, constraintBlocks };
  }
  if (constraint) {
    const verdict: Verdict = constraintBlocks ? 'below' : constraintRequiresAtLeast(constraint.value, PROVIDER_IN_PLACE_TLS) ? 'at-least' : 'unknown';
    return { version: constraint.value, source: 'constraint', constraint, verdict, constraintBlocks };
  }
  return { verdict: 'unknown', constraintBlocks: false };
}

/** A constraint that admits 5.47.0 and later, in the style of the old one. */
export function raisedConstraint(old: string): string {
  return /^\s*>=\s*[\d.]+\s*$/.test(old) ? '>= 5.47.0' : '~> 5.47';
}

export function constraintMajor(old: string): number | undefined {
  return constraintBounds(old)?.lower?.v[0];
}

/** Rewrites `version = "..."` inside terraform { required_providers { aws = { ... } } } of one file. */
export function rewriteProviderConstraint(ws: Workspace, file: string, next: string): boolean {
  const text = ws.get(file);
  const top = parseBody(text, 0, text.length);
  for (const item of top) {
    if (item.kind !== 'block' || item.type !== 'terraform') continue;
    const tb = bodyOf(item);
    const rp = findBlock(parseBody(text, tb.start, tb.end), 'required_providers');
    if (!rp) continue;
    const rb = bodyOf(rp);
    const aws = findAttribute(parseBody(text, rb.start, rb.end), 'aws');
    if (!aws) continue;
    const value = text.slice(aws.valueStart, aws.valueEnd);
    const m = /(\bversion\s*=\s*)"([^"]*)"/.exec(value);
    if (!m) continue;
    const at = aws.valueStart + m.index + m[1]!.length;
    ws.set(file, text.slice(0, at) + JSON.stringify(next) + text.slice(at + m[2]!.length + 2));
    return true;
  }
  return false;
}
