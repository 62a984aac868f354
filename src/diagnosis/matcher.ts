import { CLIENT_MARKERS, CONTEXT_MARKERS, LOOKS_LIKE } from './clients.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { KeywordScanner } from './keyword-scanner.js';
import { SIGNATURES, type Signature } from './signatures/index.js';
import type { Finding } from './types.js';

/** Words that say the client speaks TLS, or plaintext. */
const TLS_HINTS = ['rediss://', 'valkeys://', 'ssl=true', 'ssl: true', 'ssl=1', 'tlssocket', '--tls', 'tls: {}', 'tls:{}', 'tls: true', 'tls=true', '_ssl.c', 'ssl.sslerror', 'sslsocket', 'openssl::ssl', 'ssl_cert_reqs', 'sslstream', 'crypto/tls', 'usessl', 'ssl=true', 'ssl_connect', 'redis.sslconnection', 'sslconnection', 'ssl.py', 'tls.connect', '_tls_wrap', 'node:_tls', 'ssl_context', 'enable_tls', 'with_tls', 'tls-port', 'openssl/buffering.rb', 'openssl/ssl.rb', 'sslsocket#', 'ssleoferror', 'tls://'];
const PLAINTEXT_HINTS = ['redis://', 'valkey://', 'ssl=false', 'tls: false', 'tls=false'];
/** Lines holding these are read by the extractors (endpoint, group id, region). */
const EXTRACT_KEYWORDS = ['://', 'connecting to', 'connect to', 'connection to', '.cache.amazonaws.com', ':6379', ':6380', 'econnrefused', 'enotfound', 'etimedout', 'dial tcp', 'redis at', 'redis server at', 'arn:aws', 'replication-group-id', 'replicationgroupid', 'replication_group_id', 'region', 'reading from', 'writing to', 'host=', 'host:', 'peeraddr='];

/** Bounds that keep a hostile 5 MB paste linear and quick. */
const MAX_LINE_WINDOW = 2048;
const MAX_EVALS_PER_SIGNATURE = 200;
const MAX_FINDINGS_PER_SIGNATURE = 5;
const MAX_EXTRACT_LINES = 400;
const EVIDENCE_CHARS = 300;
/** Below this size the context tables read the whole text; above it, only the neighbourhood of each error. */
const WHOLE_TEXT_CONTEXT = 256 * 1024;
const CONTEXT_RADIUS = 32 * 1024;
const MAX_CONTEXT_CHARS = 512 * 1024;

type KeywordRole =
  | { kind: 'client'; index: number }
  | { kind: 'context'; index: number }
  | { kind: 'looks-like'; index: number }
  | { kind: 'tls' }
  | { kind: 'plaintext' }
  | { kind: 'extract' };

interface Compiled {
  /** Signature keywords: the fast skipping prefilter over the whole text. */
  scanner: KeywordScanner;
  signaturesOf: number[][];
  /** Client, context, hint and extractor keywords: read where the errors are. */
  automaton: KeywordAutomaton;
  roles: KeywordRole[][];
}

let compiled: Compiled | undefined;

/** Builds the one automaton for every keyword of every table; done once per process. */
function compile(): Compiled {
  if (compiled) return compiled;
  const byKeyword = new Map<string, KeywordRole[]>();
  const add = (kw: string, role: KeywordRole) => {
    const list = byKeyword.get(kw) ?? [];
    list.push(role);
    byKeyword.set(kw, list);
  };
  const sigKeywords = new Map<string, number[]>();
  SIGNATURES.forEach((s, index) => s.keywords.forEach((kw) => sigKeywords.set(kw, [...(sigKeywords.get(kw) ?? []), index])));
  CLIENT_MARKERS.forEach((m, index) => m.keywords.forEach((kw) => add(kw, { kind: 'client', index })));
  CONTEXT_MARKERS.forEach((m, index) => m.keywords.forEach((kw) => add(kw, { kind: 'context', index })));
  LOOKS_LIKE.forEach((m, index) => m.keywords.forEach((kw) => add(kw, { kind: 'looks-like', index })));
  TLS_HINTS.forEach((kw) => add(kw, { kind: 'tls' }));
  PLAINTEXT_HINTS.forEach((kw) => add(kw, { kind: 'plaintext' }));
  EXTRACT_KEYWORDS.forEach((kw) => add(kw, { kind: 'extract' }));
  const keywords = [...byKeyword.keys()];
  compiled = {
    scanner: new KeywordScanner([...sigKeywords.keys()]),
    signaturesOf: [...sigKeywords.values()],
    automaton: new KeywordAutomaton(keywords),
    roles: keywords.map((kw) => byKeyword.get(kw)!),
  };
  return compiled;
}

export interface ClientHit {
  client: string;
  language: string;
  label: string;
  rank: number;
  count: number;
  first: number;
}

export interface MatchResult {
  findings: Finding[];
  /** Per signature id: how many lines matched (findings keep at most a few). */
  occurrences: Record<string, number>;
  signaturesById: Map<string, Signature>;
  clients: ClientHit[];
  contextLabels: string[];
  looksLike: string[];
  tlsHints: number;
  plaintextHints: number;
  /** Lines (text) the extractors should read, in order. */
  extractLines: string[];
  /** Candidate regex evaluations done (for the bench and the linear-time tests). */
  evaluations: number;
}

/** Line starts, for a binary search from a hit offset to its line (no backward scans on huge lines). */
function lineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One pass of the keyword automaton, then each candidate signature's regex on its line only. */
export function match(text: string): MatchResult {
  const { scanner, signaturesOf, automaton, roles } = compile();

  // 1. Signature keywords over the whole text (fast, skipping).
  const hits: { sig: number; end: number }[] = [];
  const perSigCount = new Map<number, number>();
  scanner.scan(text, (kwId, end) => {
    for (const sig of signaturesOf[kwId]!) {
      const n = perSigCount.get(sig) ?? 0;
      // Enough candidates per signature: more lines of the same error add nothing but time.
      if (n >= MAX_EVALS_PER_SIGNATURE * 4) continue;
      perSigCount.set(sig, n + 1);
      hits.push({ sig, end });
    }
  });
  const starts = hits.length > 0 || text.length <= WHOLE_TEXT_CONTEXT ? lineStarts(text) : [0];

  // signature index -> candidate (line, window bucket) keys
  const candidates = new Map<number, Map<string, number>>();
  for (const { sig, end } of hits) {
    let perSig = candidates.get(sig);
    if (!perSig) candidates.set(sig, (perSig = new Map()));
    if (perSig.size >= MAX_EVALS_PER_SIGNATURE) continue;
    const line = lineOf(starts, end - 1);
    const key = `${line}:${Math.floor((end - starts[line]!) / MAX_LINE_WINDOW)}`;
    if (!perSig.has(key)) perSig.set(key, end);
  }

  // 2. Client, context and extractor keywords where the errors are (the whole text when it is small).
  const clientCounts = new Map<number, { count: number; first: number }>();
  const contextHits = new Set<number>();
  const looksLikeHits = new Map<number, number>();
  const extractLines = new Set<number>();
  let tlsHints = 0;
  let plaintextHints = 0;
  for (const [from, to] of contextRegions(text.length, hits.map((h) => h.end))) {
    automaton.scan(text.slice(from, to).toLowerCase(), (kwId, localEnd) => {
      const end = from + localEnd;
      for (const role of roles[kwId]!) {
        switch (role.kind) {
          case 'client': {
            const c = clientCounts.get(role.index);
            if (c) c.count++;
            else clientCounts.set(role.index, { count: 1, first: end });
            break;
          }
          case 'context':
            contextHits.add(role.index);
            break;
          case 'looks-like':
            looksLikeHits.set(role.index, (looksLikeHits.get(role.index) ?? 0) + 1);
            break;
          case 'tls':
            tlsHints++;
            break;
          case 'plaintext':
            plaintextHints++;
            break;
          case 'extract':
            if (extractLines.size < MAX_EXTRACT_LINES) extractLines.add(lineOf(starts, end - 1));
            break;
        }
      }
    });
  }

  const findings: Finding[] = [];
  const occurrences: Record<string, number> = {};
  const signaturesById = new Map<string, Signature>();
  let evaluations = 0;
  for (const [index, perSig] of candidates) {
    const sig = SIGNATURES[index]!;
    const seenEvidence = new Set<string>();
    for (const [key, end] of perSig) {
      const line = Number(key.slice(0, key.indexOf(':')));
      const lineStart = starts[line]!;
      const lineEnd = line + 1 < starts.length ? starts[line + 1]! - 1 : text.length;
      const from = Math.max(lineStart, end - MAX_LINE_WINDOW);
      const to = Math.min(lineEnd, end + MAX_LINE_WINDOW);
      const window = text.slice(from, to);
      evaluations++;
      const m = sig.pattern.exec(window);
      if (!m) continue;
      occurrences[sig.id] = (occurrences[sig.id] ?? 0) + 1;
      signaturesById.set(sig.id, sig);
      const evidence = evidenceLine(window, m.index, m[0].length);
      if (seenEvidence.has(evidence) || seenEvidence.size >= MAX_FINDINGS_PER_SIGNATURE) continue;
      seenEvidence.add(evidence);
      findings.push({ cause: sig.cause, signature: sig.id, evidence, ...(sig.client ? { client: sig.client } : {}), line });
    }
  }

  // A more specific signature on the same line overrides the generic reading of it.
  const byLine = new Map<number, Finding[]>();
  for (const f of findings) byLine.set(f.line!, [...(byLine.get(f.line!) ?? []), f]);
  const superseded = new Set<Finding>();
  for (const group of byLine.values()) {
    for (const f of group) {
      const over = signaturesById.get(f.signature)?.supersedes;
      if (!over) continue;
      for (const g of group) if (over.includes(g.signature)) superseded.add(g);
    }
  }
  for (const f of superseded) {
    const n = (occurrences[f.signature] ?? 1) - 1;
    if (n <= 0) delete occurrences[f.signature];
    else occurrences[f.signature] = n;
  }
  const kept = findings.filter((f) => !superseded.has(f)).sort((a, b) => a.line! - b.line!);

  const clients: ClientHit[] = [...clientCounts.entries()]
    .map(([index, c]) => ({ ...CLIENT_MARKERS[index]!, ...c }))
    .map(({ client, language, label, rank, count, first }) => ({ client, language, label, rank, count, first }));

  return {
    findings: kept,
    occurrences,
    signaturesById,
    clients,
    contextLabels: [...contextHits].sort().map((i) => CONTEXT_MARKERS[i]!.label),
    looksLike: [...looksLikeHits.entries()].sort((a, b) => a[0] - b[0]).map(([i]) => LOOKS_LIKE[i]!.label),
    tlsHints,
    plaintextHints,
    extractLines: [...extractLines].sort((a, b) => a - b).map((line) => {
      const s = starts[line]!;
      const e = line + 1 < starts.length ? starts[line + 1]! - 1 : text.length;
      return text.slice(s, Math.min(e, s + 8192));
    }),
    evaluations,
  };
}

/** Merged windows around the error hits, bounded in total; the whole text when it is small. */
function contextRegions(length: number, ends: number[]): [number, number][] {
  if (length <= WHOLE_TEXT_CONTEXT) return [[0, length]];
  const regions: [number, number][] = [];
  let total = 0;
  for (const end of [...ends].sort((a, b) => a - b)) {
    const from = Math.max(0, end - CONTEXT_RADIUS);
    const to = Math.min(length, end + CONTEXT_RADIUS);
    const last = regions[regions.length - 1];
    if (last && from <= last[1]) {
      total += to - last[1];
      last[1] = Math.max(last[1], to);
    } else {
      regions.push([from, to]);
      total += to - from;
    }
    if (total >= MAX_CONTEXT_CHARS) break;
  }
  return regions;
}

/** The matched line, trimmed, cut around the match when long. */
function evidenceLine(window: string, at: number, length: number): string {
  const lineStart = window.lastIndexOf('\n', at) + 1;
  let lineEnd = window.indexOf('\n', at + length);
  if (lineEnd < 0) lineEnd = window.length;
  let line = window.slice(lineStart, lineEnd);
  let offset = at - lineStart;
  if (line.length > EVIDENCE_CHARS) {
    const from = Math.max(0, Math.min(offset - 80, line.length - EVIDENCE_CHARS));
    line = `${from > 0 ? '…' : ''}${line.slice(from, from + EVIDENCE_CHARS)}${from + EVIDENCE_CHARS < line.length ? '…' : ''}`;
    offset -= from;
  }
  return line.trim();
}

/** Every signature, for docs, tests and the bench's naive baseline. */
export function allSignatures(): readonly Signature[] {
  return SIGNATURES;
}
