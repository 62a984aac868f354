// ElastiCache host names, TLS style and plaintext style (shared/FIELD-NOTES.md "ElastiCache host names"):
//   TLS:        master.<id>.<hash>.<region>.cache.amazonaws.com, replica.…, clustercfg.…
//   plaintext:  <id>.<hash>.ng.0001.<region>.cache.amazonaws.com, <id>-ro.<hash>.ng.0001.…, <id>.<hash>.clustercfg.<region>.…
// During `preferred` both sets resolve; at `required` the plaintext-style names are removed.
import type { Context } from '../diagnosis/types.js';
import type { GroupFacts } from '../live/types.js';

export interface Endpoints {
  primary?: string;
  reader?: string;
  configuration?: string;
  port: number;
  /** Where the names come from, for people. */
  source: string;
}

const SUFFIX = /\.(cache\.amazonaws\.com(?:\.cn)?)$/i;

/** The TLS-style names for a plaintext-style host name (or the name itself when it already is TLS style). */
export function tlsNamesFor(host: string): Omit<Endpoints, 'port' | 'source'> | undefined {
  const h = host.toLowerCase();
  const suffix = SUFFIX.exec(h)?.[1];
  if (!suffix) return undefined;
  const stem = h.slice(0, -suffix.length - 1);
  let m: RegExpExecArray | null;
  if ((m = /^(master|replica|clustercfg)\.([a-z0-9-]+)\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(stem))) {
    const base = `${m[2]}.${m[3]}.${m[4]}.${suffix}`;
    return { primary: `master.${base}`, reader: `replica.${base}`, configuration: `clustercfg.${base}` };
  }
  if ((m = /^([a-z0-9-]+?)(-ro)?\.([a-z0-9]+)\.ng\.\d{4}\.([a-z0-9]+)$/.exec(stem))) {
    const base = `${m[1]}.${m[3]}.${m[4]}.${suffix}`;
    return { primary: `master.${base}`, reader: `replica.${base}` };
  }
  if ((m = /^([a-z0-9-]+?)-\d{3}\.([a-z0-9]+)\.\d{4}\.([a-z0-9]+)$/.exec(stem))) {
    // A node name (<id>-001.<hash>.0001.<region>): the group's TLS names share its id and hash.
    const base = `${m[1]}.${m[2]}.${m[3]}.${suffix}`;
    return { primary: `master.${base}`, reader: `replica.${base}` };
  }
  if ((m = /^([a-z0-9-]+)\.([a-z0-9]+)\.clustercfg\.([a-z0-9]+)$/.exec(stem))) {
    return { configuration: `clustercfg.${m[1]}.${m[2]}.${m[3]}.${suffix}` };
  }
  return undefined;
}

export function isTlsStyle(host: string): boolean {
  return /^(master|replica|clustercfg)\./i.test(host);
}

/** The names a TLS client should dial, from live facts when there are any, else from the pasted host name. */
export function tlsEndpoints(context: Context, group?: GroupFacts): Endpoints | undefined {
  const port = context.endpoint?.port ?? group?.endpoints[0]?.port ?? 6379;
  const fromLive = group?.endpoints ?? [];
  const liveTls = fromLive.filter((e) => isTlsStyle(e.host));
  if (liveTls.length > 0) {
    const by = (role: string) => liveTls.find((e) => e.role === role)?.host;
    return { primary: by('primary'), reader: by('reader'), configuration: by('configuration'), port, source: 'AWS (DescribeReplicationGroups)' };
  }
  const seed = context.endpoint?.host ?? fromLive[0]?.host;
  if (!seed) return undefined;
  const names = tlsNamesFor(seed);
  if (!names) return undefined;
  return { ...names, port, source: `derived from ${seed}` };
}

/** The single name a client should dial for the given topology. */
export function dialName(e: Endpoints | undefined, cluster: boolean): string | undefined {
  if (!e) return undefined;
  return cluster ? e.configuration ?? e.primary : e.primary ?? e.configuration;
}
