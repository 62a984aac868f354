// Finds the aws_elasticache_replication_group that owns a group: in the root module, in local modules
// (module inputs flow into the module's variables), or as the inputs of a registry module.
// Several candidates are listed, never guessed between.
import { asRecord, firstBody } from '../hcl/parse.js';
import { Evaluator, altRegex, altText, isConcrete, type Alternative, type Instance } from './evaluate.js';
import { isLocalSource, localModuleSources, type TfFile, type TfTree } from './tree.js';

export const RG_TYPE = 'aws_elasticache_replication_group';

export interface Candidate {
  /** Terraform address, e.g. module.cache.aws_elasticache_replication_group.this */
  address: string;
  kind: 'resource' | 'module-call';
  file: TfFile;
  instance: Instance;
  /** Resource name label (kind resource) or module label (kind module-call). */
  name: string;
  /** The replication_group_id expression as written. */
  idExpression?: string;
  match: 'exact' | 'pattern' | 'unfiltered' | 'none';
  /** The id it resolved to (exact) or the pattern it matched (pattern). */
  matchedAs?: string;
  via: string[];
  varFile?: string;
  /** The block body's values as hcl2json gives them. */
  attrs: Record<string, unknown>;
  /** count / for_each present: one block, several groups. */
  repeated: boolean;
  /** For kind module-call: the module's source. */
  source?: string;
}

export interface Location {
  chosen?: Candidate;
  candidates: Candidate[];
  notes: string[];
  instances: Instance[];
}

function buildInstances(tree: TfTree): Instance[] {
  const root = tree.modules.get('');
  if (!root) return [];
  const rootInstance: Instance = { address: '', module: root };
  const out: Instance[] = [rootInstance];
  const visit = (inst: Instance, depth: number) => {
    if (depth > 6) return;
    for (const m of localModuleSources(inst.module.files)) {
      if (!isLocalSource(m.source)) continue;
      const dir = joinDir(inst.module.dir, m.source);
      const module = tree.modules.get(dir);
      if (!module) continue;
      const body = firstBody(asRecord(m.file.json?.module)[m.label]) ?? {};
      const child: Instance = {
        address: `${inst.address ? inst.address + '.' : ''}module.${m.label}`,
        module,
        parent: inst,
        call: { file: m.file, label: m.label, inputs: body },
      };
      out.push(child);
      visit(child, depth + 1);
    }
  };
  visit(rootInstance, 0);
  return out;
}

export function joinDir(base: string, source: string): string {
  const parts = base ? base.split('/') : [];
  for (const p of source.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

function matchAlternatives(alts: Alternative[], groupId: string | undefined): Pick<Candidate, 'match' | 'matchedAs' | 'via' | 'varFile'> {
  if (!groupId) return { match: 'unfiltered', matchedAs: alts[0] ? altText(alts[0]) : undefined, via: alts[0]?.via ?? [] };
  const id = groupId.toLowerCase();
  // The provider stores replication_group_id in lower case.
  const exact = alts.find((a) => isConcrete(a) && altText(a).toLowerCase() === id);
  if (exact) return { match: 'exact', matchedAs: altText(exact), via: exact.via, varFile: exact.varFile };
  const pattern = alts.find((a) => !isConcrete(a) && altRegex(a).test(id));
  if (pattern) return { match: 'pattern', matchedAs: altText(pattern), via: pattern.via, varFile: pattern.varFile };
  return { match: 'none', matchedAs: alts.map(altText).join(' | '), via: [] };
}

export function locate(tree: TfTree, groupId: string | undefined): Location {
  const notes: string[] = [];
  const ev = new Evaluator(tree);
  const instances = buildInstances(tree);
  const candidates: Candidate[] = [];

  for (const inst of instances) {
    for (const f of inst.module.files) {
      const resources = asRecord(asRecord(f.json?.resource)[RG_TYPE]);
      for (const [name, bodies] of Object.entries(resources)) {
        const attrs = firstBody(bodies) ?? {};
        const idValue = attrs.replication_group_id;
        const alts = idValue === undefined ? [] : ev.value(idValue, inst);
        const m = idValue === undefined ? { match: 'none' as const, via: [] } : matchAlternatives(alts, groupId);
        candidates.push({
          address: `${inst.address ? inst.address + '.' : ''}${RG_TYPE}.${name}`,
          kind: 'resource', file: f, instance: inst, name,
          idExpression: typeof idValue === 'string' ? idValue : undefined,
          attrs, repeated: attrs.count !== undefined || attrs.for_each !== undefined, ...m,
        });
      }
      // Registry or git modules: the resource is not ours to edit, but the module's inputs are.
      for (const [label, bodies] of Object.entries(asRecord(f.json?.module))) {
        const attrs = firstBody(bodies) ?? {};
        const source = typeof attrs.source === 'string' ? attrs.source : '';
        if (isLocalSource(source) || attrs.replication_group_id === undefined) continue;
        const m = matchAlternatives(ev.value(attrs.replication_group_id, inst), groupId);
        candidates.push({
          address: `${inst.address ? inst.address + '.' : ''}module.${label}`,
          kind: 'module-call', file: f, instance: inst, name: label,
          idExpression: typeof attrs.replication_group_id === 'string' ? attrs.replication_group_id : undefined,
          attrs, repeated: attrs.count !== undefined || attrs.for_each !== undefined, source, ...m,
        });
      }
    }
  }

  const exact = candidates.filter((c) => c.match === 'exact');
  const pattern = candidates.filter((c) => c.match === 'pattern');
  const unfiltered = candidates.filter((c) => c.match === 'unfiltered');
  let chosen: Candidate | undefined;
  let listed: Candidate[] = [];
  if (candidates.length === 0) {
    notes.push(`No ${RG_TYPE} resource was found in the Terraform files.`);
  } else if (exact.length === 1) {
    chosen = exact[0];
  } else if (exact.length > 1) {
    listed = exact;
    notes.push(`${exact.length} resources resolve to the group id "${groupId}"; pick one and rerun with its file, no diff was made.`);
  } else if (pattern.length === 1) {
    chosen = pattern[0];
    notes.push(`${chosen!.address} matched "${groupId}" only as a pattern (${chosen!.matchedAs}); check it is the right resource before applying.`);
  } else if (pattern.length > 1) {
    listed = pattern;
    notes.push(`${pattern.length} resources could own "${groupId}" (their ids depend on values not known here); no diff was made, to avoid guessing.`);
  } else if (unfiltered.length === 1) {
    chosen = unfiltered[0];
    notes.push(`The group id is not known; ${chosen!.address} is the only replication group in the Terraform files.`);
  } else if (unfiltered.length > 1) {
    listed = unfiltered;
    notes.push(`The group id is not known and there are ${unfiltered.length} replication groups; no diff was made, to avoid guessing.`);
  } else {
    notes.push(`None of the ${candidates.length} replication group resources resolves to "${groupId}".`);
    listed = candidates;
  }
  if (chosen?.repeated) {
    notes.push(`${chosen.address} uses count or for_each: the change applies to every group it creates.`);
  }
  for (const c of listed) {
    notes.push(`candidate: ${c.address} in ${c.file.rel}${c.matchedAs ? ` (replication_group_id = ${c.matchedAs})` : ''}`);
  }
  return { chosen, candidates, notes, instances };
}

/** The instances that use the same module directory as this one (a shared module file). */
export function siblingInstances(loc: Location, inst: Instance): Instance[] {
  return loc.instances.filter((i) => i.module.dir === inst.module.dir);
}
