// Version facts that decide whether enabling TLS replaces the group.
// - terraform-provider-aws forces replacement of transit_encryption_enabled when engine_version_actual < 7.0.5
//   (internal/service/elasticache/replication_group.go, customdiff.ForceNewIf("transit_encryption_enabled", ...)).
// - Before provider 5.47.0 every change of the flag forced replacement, and transit_encryption_mode did not exist
//   (hashicorp/terraform-provider-aws#30403, released in 5.47.0).

export type Version = number[];

export const ENGINE_IN_PLACE_TLS: Version = [7, 0, 5];
export const PROVIDER_IN_PLACE_TLS: Version = [5, 47, 0];

/** "6.2.6" -> [6,2,6]; "6.x" -> [6]; "7.1" -> [7,1]; anything else -> undefined. */
export function parseVersion(s: string | null | undefined): Version | undefined {
  if (!s) return undefined;
  const m = /^v?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?/.exec(s.trim());
  if (!m) return undefined;
  const parts: number[] = [Number(m[1])];
  for (const p of [m[2], m[3]]) {
    if (p === undefined || p === 'x') break;
    parts.push(Number(p));
  }
  return parts;
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}

export type Verdict = 'below' | 'at-least' | 'unknown';

/**
 * Is a (possibly partial) version below the threshold? A partial version covers every version it prefixes:
 * "6.x" is below 7.0.5 whatever the patch; "7.0" may be 7.0.4 or 7.0.7, so it is unknown; "7.1" is at least.
 */
export function versionVerdict(v: Version | undefined, threshold: Version): Verdict {
  if (!v) return 'unknown';
  const lowest = [...v, ...Array(Math.max(0, threshold.length - v.length)).fill(0)] as Version;
  if (compareVersions(lowest, threshold) >= 0) return 'at-least';
  // Highest version the prefix covers.
  const prefixBelow = compareVersions(v, threshold.slice(0, v.length)) < 0;
  if (prefixBelow) return 'below';
  return v.length >= threshold.length ? 'below' : 'unknown';
}

/** Valkey on ElastiCache starts at 7.2, which is past the 7.0.5 threshold. */
export function engineVerdict(engine: string | null | undefined, version: string | null | undefined): Verdict {
  if (engine && engine.toLowerCase() === 'valkey') return 'at-least';
  return versionVerdict(parseVersion(version), ENGINE_IN_PLACE_TLS);
}

/** The aws provider version recorded in a .terraform.lock.hcl text. */
export function providerFromLock(text: string): string | undefined {
  const m = /provider\s+"registry\.terraform\.io\/hashicorp\/aws"\s*\{[^}]*?\bversion\s*=\s*"([^"]+)"/s.exec(text);
  return m?.[1];
}

interface Bound { v: Version; inclusive: boolean }

/** Lower and upper bounds of a Terraform version constraint ("~> 5.31", ">= 4.0, < 6.0", "5.31.0"). */
export function constraintBounds(constraint: string): { lower?: Bound; upper?: Bound } | undefined {
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  const tighterLower = (b: Bound) => { if (!lower || compareVersions(b.v, lower.v) > 0) lower = b; };
  const tighterUpper = (b: Bound) => { if (!upper || compareVersions(b.v, upper.v) < 0) upper = b; };
  for (const raw of constraint.split(',')) {
    const m = /^\s*(~>|>=|<=|!=|=|>|<)?\s*v?([\d.]+)\s*$/.exec(raw);
    if (!m) return undefined;
    const op = m[1] ?? '=';
    const v = m[2]!.split('.').filter((p) => p !== '').map(Number);
    switch (op) {
      case '=': tighterLower({ v, inclusive: true }); tighterUpper({ v, inclusive: true }); break;
      case '>=': tighterLower({ v, inclusive: true }); break;
      case '>': tighterLower({ v, inclusive: false }); break;
      case '<=': tighterUpper({ v, inclusive: true }); break;
      case '<': tighterUpper({ v, inclusive: false }); break;
      case '~>': {
        tighterLower({ v, inclusive: true });
        // ~> 5.31.0 allows 5.31.x; ~> 5.31 allows 5.x (>= 5.31); ~> 5 allows 5.x.
        const up = v.length >= 3 ? [v[0]!, v[1]! + 1] : [v[0]! + 1];
        tighterUpper({ v: up, inclusive: false });
        break;
      }
      default: break; // != does not move the bounds
    }
  }
  return { lower, upper };
}

/** Does the constraint let Terraform pick a version >= min? */
export function constraintAllowsAtLeast(constraint: string, min: Version): boolean | undefined {
  const b = constraintBounds(constraint);
  if (!b) return undefined;
  if (!b.upper) return true;
  const c = compareVersions(b.upper.v, min);
  return c > 0 || (c === 0 && b.upper.inclusive);
}

/** Does the constraint force a version >= min? */
export function constraintRequiresAtLeast(constraint: string, min: Version): boolean | undefined {
  const b = constraintBounds(constraint);
  if (!b) return undefined;
  if (!b.lower) return false;
  return compareVersions(b.lower.v, min) >= 0;
}
