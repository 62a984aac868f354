/**
 * The probe's target guard: decides whether a host:port may be dialed at all, BEFORE any socket exists.
 *
 * - Host names must match PROBE_ALLOWED_HOSTS: `.suffix` / `*.suffix` entries match on a label boundary,
 *   other entries match exactly (a name or an IP address). Default: the ElastiCache endpoint suffixes.
 * - Ports: 6379, 6380 and the operator's extra ports.
 * - IP literals, localhost and addresses in loopback, link-local (the metadata service), unspecified,
 *   multicast or reserved ranges are refused unless the exact address is listed.
 * - The name is resolved once, here; every address must pass; the probe then dials that address (never the
 *   name again), so a second DNS answer cannot swap the target between check and dial.
 * - Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): an IP literal there is refused unless
 *   listed; an allowed NAME resolving there is dialed, because ElastiCache endpoints only ever resolve to
 *   private VPC addresses (a probe that refused them could never probe a real cluster).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';

export const DEFAULT_ALLOWED_HOSTS = ['.cache.amazonaws.com', '.cache.amazonaws.com.cn'];
export const DEFAULT_ALLOWED_PORTS = [6379, 6380];

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

export interface GuardConfig {
  /** PROBE_ALLOWED_HOSTS; default DEFAULT_ALLOWED_HOSTS. */
  allowedHosts?: string[];
  /** Ports besides 6379/6380. */
  extraPorts?: number[];
  /** Injected resolver (tests); default dns.lookup with all: true. */
  lookup?: Lookup;
}

export type GuardDecision =
  | { allowed: true; host: string; port: number; addresses: string[]; servername?: string }
  | { allowed: false; reason: string };

type Range = 'loopback' | 'link-local' | 'metadata' | 'private' | 'unspecified' | 'multicast' | 'reserved' | 'public';

const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '169.254.169.253']);

function v4Range(ip: string): Range {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  if (METADATA.has(ip)) return 'metadata';
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return 'public';
}

/** Expands an IPv6 address to 8 groups of numbers. */
function v6Groups(ip: string): number[] {
  const bare = ip.split('%')[0]!.toLowerCase();
  let [head, tail] = bare.includes('::') ? bare.split('::') as [string, string] : [bare, undefined];
  const parse = (s: string): number[] => {
    if (!s) return [];
    const parts = s.split(':');
    const last = parts[parts.length - 1]!;
    if (last.includes('.')) {
      const [a, b, c, d] = last.split('.').map(Number) as [number, number, number, number];
      parts.splice(parts.length - 1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return parts.map((p) => parseInt(p, 16));
  };
  const h = parse(head);
  if (tail === undefined) return h;
  const t = parse(tail);
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}

function v6Range(ip: string): Range {
  const g = v6Groups(ip);
  const canonical = g.map((x) => x.toString(16)).join(':');
  if (canonical === '0:0:0:0:0:0:0:0') return 'unspecified';
  if (canonical === '0:0:0:0:0:0:0:1') return 'loopback';
  // IPv4-mapped / IPv4-compatible: judge the embedded IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    return v4Range(v4);
  }
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'metadata';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x64 && g[1] === 0xff9b) return 'reserved';
  return 'public';
}

export function addressRange(ip: string): Range {
  return net.isIPv4(ip) ? v4Range(ip) : v6Range(ip);
}

function normalizeIp(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  return v6Groups(ip).map((x) => x.toString(16)).join(':');
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function validHostName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((l) => LABEL.test(l));
}

const RANGE_WORDS: Record<Exclude<Range, 'public'>, string> = {
  loopback: 'a loopback address',
  'link-local': 'a link-local address',
  metadata: 'the cloud metadata service',
  private: 'a private address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

export class ProbeGuard {
  private readonly suffixes: string[] = [];
  private readonly exactNames = new Set<string>();
  private readonly exactIps = new Set<string>();
  private readonly ports: Set<number>;
  private readonly lookup: Lookup;

  constructor(config: GuardConfig = {}) {
    const entries = config.allowedHosts && config.allowedHosts.length ? config.allowedHosts : DEFAULT_ALLOWED_HOSTS;
    for (const raw of entries) {
      const e = raw.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
      if (!e) continue;
      if (net.isIP(e)) this.exactIps.add(normalizeIp(e));
      else if (e.startsWith('*.')) this.suffixes.push(e.slice(1));
      else if (e.startsWith('.')) this.suffixes.push(e);
      else this.exactNames.add(e);
    }
    this.ports = new Set([...DEFAULT_ALLOWED_PORTS, ...(config.extraPorts ?? [])]);
    this.lookup = config.lookup ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
  }

  private ipAllowed(ip: string): boolean {
    return this.exactIps.has(normalizeIp(ip));
  }

  /** Checks the target; resolves a name. Never throws; a refusal says why. */
  async check(rawHost: string, port: number): Promise<GuardDecision> {
    const host = String(rawHost ?? '').trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!host) return { allowed: false, reason: 'no host to probe' };
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: `port ${port} is not a valid port` };
    if (!this.ports.has(port)) {
      return { allowed: false, reason: `port ${port} is not a Redis port the probe may dial (6379, 6380${[...this.ports].filter((p) => p !== 6379 && p !== 6380).map((p) => `, ${p}`).join('')}); an operator can add ports to the probe configuration` };
    }

    if (net.isIP(host)) {
      if (this.ipAllowed(host)) return { allowed: true, host, port, addresses: [host] };
      const range = addressRange(host);
      const what = range === 'public' ? 'an IP address' : `an IP address (${RANGE_WORDS[range]})`;
      return { allowed: false, reason: `${host} is ${what}, and the probe dials only names in PROBE_ALLOWED_HOSTS or addresses listed there exactly` };
    }
    if (!validHostName(host)) return { allowed: false, reason: `"${host.slice(0, 80)}" is not a valid host name` };
    const exactName = this.exactNames.has(host);
    if ((host === 'localhost' || host.endsWith('.localhost')) && !exactName) {
      return { allowed: false, reason: `${host} is the local machine; list it in PROBE_ALLOWED_HOSTS (and its address) to allow it` };
    }
    const suffix = this.suffixes.find((s) => host.endsWith(s) && host.length > s.length);
    if (!exactName && !suffix) {
      return { allowed: false, reason: `${host} is not in PROBE_ALLOWED_HOSTS (allowed: ${[...this.suffixes.map((s) => `*${s}`), ...this.exactNames, ...this.exactIps].join(', ')})` };
    }

    let addresses: string[];
    try {
      addresses = [...new Set((await this.lookup(host)).map((a) => a.address))];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { allowed: false, reason: `${host} does not resolve from the bot (${code})` };
    }
    if (addresses.length === 0) return { allowed: false, reason: `${host} resolves to no address` };
    for (const a of addresses) {
      if (this.ipAllowed(a)) continue;
      const range = addressRange(a);
      if (range === 'public' || range === 'private') continue;
      return { allowed: false, reason: `${host} resolves to ${a}, ${RANGE_WORDS[range]}; the probe dials it only when that exact address is listed in PROBE_ALLOWED_HOSTS` };
    }
    return { allowed: true, host, port, addresses, servername: host };
  }
}
