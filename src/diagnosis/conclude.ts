import { CAUSE_TITLES, type CauseId, type Confidence } from './causes.js';
import type { MatchResult } from './matcher.js';
import type { Signature } from './signatures/index.js';
import type { Context, Diagnosis, Finding } from './types.js';

const WEAK_CONTEXT = 'the word Redis or Valkey';
const HANDSHAKE_TIMEOUTS = new Set(['python-handshake-timeout', 'tls-handshake-timeout']);
const GENERIC_TIMEOUTS = new Set(['python-socket-timed-out', 'redis-py-timeout-connecting', 'node-etimedout', 'errno-connection-timed-out', 'redis-rb-timeout-connecting', 'eagain-connecting', 'read-timeout-after-connect', 'node-redis-connection-timeout']);
/** Timeouts whose stage the stack frames can tell (Node's TLSSocket frames cannot: see FIELD-NOTES). */
const STAGE_READABLE_TIMEOUTS = new Set(['python-socket-timed-out', 'redis-py-timeout-connecting', 'errno-connection-timed-out', 'redis-rb-timeout-connecting', 'eagain-connecting', 'read-timeout-after-connect']);
const NODE_TLS_SOCKET_TIMEOUTS = new Set(['node-etimedout', 'node-redis-connection-timeout']);

/** Fills in client, language, TLS use and Redis context from what the matcher saw. */
export function completeContext(context: Context, match: MatchResult): Context {
  const out: Context = { ...context };
  const client = [...match.clients].sort((a, b) => b.rank - a.rank || b.count - a.count || a.first - b.first)[0];
  if (client) {
    out.client = client.client;
    out.language = client.language;
  } else {
    const lang = match.findings.map((f) => match.signaturesById.get(f.signature)?.language).find(Boolean);
    if (lang) out.language = lang;
  }
  const sigs = match.findings.map((f) => match.signaturesById.get(f.signature)).filter((s): s is Signature => !!s);
  const tlsBySignature = sigs.some((s) => s.impliesTlsClient && s.cause !== 'plaintext-to-tls');
  if (out.scheme === 'rediss' || match.tlsHints > 0 || tlsBySignature) out.tls = true;
  else if (out.scheme === 'redis' || match.plaintextHints > 0) out.tls = false;

  const reasons = new Set<string>();
  for (const c of match.clients) reasons.add(`${c.label} in the text`);
  for (const label of match.contextLabels) reasons.add(label);
  if (sigs.some((s) => s.redisContext)) reasons.add('a Redis reply or Redis server log line');
  out.redisContext = [...reasons];
  if (!hasStrongContext(out) && match.looksLike.length > 0) out.looksLike = match.looksLike[0];
  return out;
}

function hasStrongContext(context: Context): boolean {
  return context.redisContext.some((r) => r !== WEAK_CONTEXT);
}

interface Scored {
  cause: CauseId;
  maxWeight: number;
  signatures: Set<string>;
  occurrences: number;
  firstLine: number;
}

/** Picks the primary cause and its confidence from every finding (pure). */
export function conclude(findingsIn: Finding[], context: Context, match: MatchResult): Diagnosis {
  const sig = (f: Finding) => match.signaturesById.get(f.signature);
  const reasons: string[] = [];
  const alternatives: string[] = [];
  const nextChecks: string[] = [];
  let findings = findingsIn.filter((f) => f.cause !== 'unknown');
  const undecidable = findingsIn.filter((f) => f.cause === 'unknown' && f.signature !== 'tls-handshake-frame');

  // A timeout raised inside the TLS handshake: TCP connected, the server never answered the ClientHello.
  const handshakeFrame = findingsIn.find((f) => f.signature === 'tls-handshake-frame');
  const stageTimeout = findings.find((f) => STAGE_READABLE_TIMEOUTS.has(f.signature));
  let handshakeStall = false;
  if (handshakeFrame && stageTimeout && !findings.some((f) => sig(f)?.impliesTlsServer)) {
    findings = [
      ...findings.filter((f) => !GENERIC_TIMEOUTS.has(f.signature)),
      { ...stageTimeout, cause: 'tls-to-plaintext', signature: 'python-handshake-timeout' },
    ];
    handshakeStall = true;
    reasons.push(`The timeout was raised inside the TLS handshake (${handshakeFrame.evidence.trim().slice(0, 120)}): TCP connected, but the server never answered the ClientHello, as a plaintext server does.`);
  }

  // An alert from the peer proves the server speaks TLS: never tls-to-plaintext.
  if (findings.some((f) => sig(f)?.impliesTlsServer)) findings = findings.filter((f) => f.cause !== 'tls-to-plaintext');
  // The handshake stalled after TCP connected: the timeout is not the network's.
  if (findings.some((f) => HANDSHAKE_TIMEOUTS.has(f.signature))) findings = findings.filter((f) => !GENERIC_TIMEOUTS.has(f.signature));
  // The first WRONGPASS explains a later NOAUTH.
  if (findings.some((f) => f.cause === 'auth-rejected')) findings = findings.filter((f) => f.cause !== 'auth-missing');
  // A stray name-resolution error among many resets or timeouts is noise (IPv6 retries and the like).
  const dns = findings.filter((f) => f.cause === 'dns-failure');
  const others = findings.filter((f) => f.cause !== 'dns-failure');
  const dnsLines = new Set(dns.map((f) => f.line)).size;
  const otherLines = new Set(others.filter((f) => (sig(f)?.weight ?? 1) >= 2 || (match.occurrences[f.signature] ?? 1) >= 2).map((f) => f.line)).size;
  if (dns.length > 0 && otherLines > 0 && dnsLines <= otherLines) {
    findings = others;
    alternatives.push(`A name-resolution error also appears (${dns[0]!.evidence.slice(0, 100)}); next to the other errors it reads as a retry artefact, not the cause.`);
  }

  const scored = new Map<CauseId, Scored>();
  for (const f of findings) {
    const s = sig(f);
    const entry = scored.get(f.cause) ?? { cause: f.cause, maxWeight: 0, signatures: new Set(), occurrences: 0, firstLine: f.line ?? 0 };
    entry.maxWeight = Math.max(entry.maxWeight, s?.weight ?? 1);
    entry.signatures.add(f.signature);
    entry.occurrences += match.occurrences[f.signature] ?? 1;
    scored.set(f.cause, entry);
  }
  const ranked = [...scored.values()].sort(
    (a, b) => b.maxWeight - a.maxWeight || b.signatures.size - a.signatures.size || b.occurrences - a.occurrences || a.firstLine - b.firstLine,
  );
  const top = ranked[0];
  const strong = hasStrongContext(context);

  if (!top) {
    if (undecidable.length > 0 && context.redisContext.length > 0) {
      const s = sig(undecidable[0]!);
      return {
        cause: 'unknown', confidence: 'low',
        summary: 'A Redis client failed, but this text alone does not say why.',
        reasons: [s?.explain ?? 'The text shows a Redis client error without its cause.'],
        alternatives: [],
        nextChecks: ['Paste the first error printed (the one before the retries), or run the live check and the probe against the endpoint.'],
      };
    }
    return noMatch(context);
  }

  if (!strong && context.redisContext.length === 0) {
    const looks = context.looksLike ? ` It looks like ${context.looksLike}.` : '';
    return {
      cause: 'unknown', confidence: 'low',
      summary: `This does not look like a Redis connection error.${looks}`,
      reasons: [
        `The text matches ${top.cause} (${[...top.signatures].join(', ')}), but shows no Redis client, port, host name, URL or reply, so it is not read as Redis.`,
        ...(context.looksLike ? [`It looks like ${context.looksLike}.`] : []),
      ],
      alternatives: [`If this is a Redis connection after all: ${CAUSE_TITLES[top.cause].toLowerCase()}.`],
      nextChecks: ['Include the Redis host name or URL (the password is redacted), or pass --group / --endpoint.'],
    };
  }

  let cause: CauseId = top.cause;
  let confidence: Confidence = top.maxWeight >= 2 ? (strong ? 'high' : 'medium') : 'medium';
  const topSigs = [...top.signatures].map((id) => match.signaturesById.get(id)).filter((s): s is Signature => !!s);
  reasons.push(...uniq(topSigs.map((s) => s.explain)));

  // A rival cause with the same strength makes the reading less certain.
  const rival = ranked[1];
  if (rival && rival.maxWeight === top.maxWeight && rival.cause !== cause) {
    if (confidence === 'high') confidence = 'medium';
    alternatives.push(`${CAUSE_TITLES[rival.cause]} (${[...rival.signatures].join(', ')} also matched).`);
  }
  for (const r of ranked.slice(rival && rival.maxWeight === top.maxWeight ? 2 : 1)) {
    alternatives.push(`Also seen: ${r.cause} (${[...r.signatures].join(', ')}).`);
  }

  // The host-name clue: plaintext-style names belong to groups created without in-transit encryption.
  const host = context.endpoint?.host;
  let serverlessOverturn: string | undefined;
  if (context.hostStyle === 'serverless' && cause === 'tls-to-plaintext') {
    cause = 'unknown';
    confidence = 'low';
    reasons.unshift(`${host} is an ElastiCache Serverless endpoint, and serverless caches always use TLS, so the server is not plaintext.`);
    serverlessOverturn = `A TLS "wrong version" error against ${host}, a serverless cache, which always speaks TLS: something between the client and the cache answers in plaintext.`;
    alternatives.push('Something between the client and the cache answers in plaintext: an HTTP proxy, a wrong port, or another service behind that name.');
    nextChecks.push('Probe the endpoint (--probe) to see what it really speaks.');
  } else if (cause === 'tls-to-plaintext' && context.hostStyle === 'plaintext') {
    confidence = strong ? 'high' : 'medium';
    reasons.push(`${host} is a plaintext-style ElastiCache name (…ng.0001… / …clustercfg…), which only groups created without in-transit encryption have.`);
  } else if (cause === 'tls-to-plaintext' && context.hostStyle === 'tls') {
    if (confidence === 'high') confidence = 'medium';
    reasons.push(`${host} is a TLS-style name (master./replica./clustercfg.), which groups with in-transit encryption have; check that this endpoint is the one the client really dials.`);
    alternatives.push('A proxy or tunnel in between that speaks plaintext, or a port that is not the group\'s.');
  } else if (cause === 'plaintext-to-tls') {
    if (context.tls === true && topSigs.every((s) => s.weight === 1)) {
      // A TLS client whose connection is closed or reset: the server is not plaintext (that reads as a wrong
      // version), and the client is not plaintext either. A TLS 1.3 server that wants a client certificate
      // sends its alert after the client's handshake has finished, and clients mostly print just this reset.
      cause = 'tls-handshake-failure';
      confidence = 'low';
      reasons.push('The client speaks TLS (its TLS socket raised the reset), so this is not a plaintext client at a TLS endpoint. A TLS server that refuses the client late in the handshake (most often: it requires a client certificate) closes the connection like this.');
      alternatives.push('A proxy, load balancer or security appliance closing connections; a server at its connection limit.');
      nextChecks.push('Probe the endpoint (--probe): it shows whether the TLS handshake completes and what the server asks for.');
    } else if (context.hostStyle === 'tls' && context.tls !== true) {
      confidence = 'high';
      reasons.push(`${host} is a TLS-style ElastiCache name (master./replica./clustercfg.): the group has in-transit encryption, and this client does not use TLS.`);
    } else if (context.hostStyle === 'plaintext' && topSigs.every((s) => s.weight === 1)) {
      confidence = 'low';
      reasons.push(`${host} is a plaintext-style name, so the group was created without TLS; the reset has another cause unless TLS was enabled later in "required" mode.`);
    } else if (topSigs.every((s) => s.weight === 1)) {
      confidence = 'medium';
      alternatives.push('A proxy or load balancer closing idle connections, or a server at its maxclients limit.');
    }
    if (context.tls === false) reasons.push(`The client speaks plaintext (${context.scheme === 'redis' ? 'redis:// URL' : 'no TLS option seen'}).`);
  } else if (cause === 'network-timeout' && context.tls === true && [...top.signatures].some((id) => NODE_TLS_SOCKET_TIMEOUTS.has(id))) {
    confidence = context.hostStyle === 'plaintext' ? 'medium' : 'low';
    if (context.hostStyle === 'plaintext') cause = 'tls-to-plaintext';
    reasons.push('The timeout came from a TLS socket: a dropped SYN and a plaintext server that never answers the ClientHello look the same here.');
    alternatives.push(cause === 'tls-to-plaintext' ? 'A plain network timeout (security group, routing).' : 'A TLS client meeting a plaintext server (it stays silent on the ClientHello).');
    nextChecks.push('Probe the endpoint (--probe): it tells a closed port from a plaintext-only server.');
  }

  if (cause === 'network-timeout' && context.tls === false && confidence === 'high') {
    confidence = 'medium';
    alternatives.push('A plaintext client at an endpoint that requires TLS: ElastiCache can leave such a client hanging until it times out.');
  }
  void handshakeStall;
  if (cause === 'tls-to-plaintext' && context.tls) reasons.push(`The client speaks TLS (${context.scheme === 'rediss' ? 'rediss:// URL' : 'TLS error from the client side'}).`);
  if (!strong && confidence === 'high') confidence = 'medium';
  if (!strong) reasons.push('The only Redis hint is the word itself; a client name, port, host or URL would make this certain.');

  nextChecks.push(...defaultNextChecks(cause, context));
  return {
    cause, confidence,
    summary: serverlessOverturn ?? capitalize(summarize(cause, confidence, context)),
    reasons: uniq(reasons), alternatives: uniq(alternatives), nextChecks: uniq(nextChecks),
  };
}

function noMatch(context: Context): Diagnosis {
  const isRedis = context.redisContext.length > 0;
  return {
    cause: 'unknown', confidence: 'low',
    summary: isRedis
      ? 'This mentions Redis, but no known connection error was found in it.'
      : `This does not look like a Redis connection error.${context.looksLike ? ` It looks like ${context.looksLike}.` : ''}`,
    reasons: isRedis ? ['No error signature from the catalog matched.'] : ['No Redis client, port, host, URL or reply and no known error signature were found.'],
    alternatives: [],
    nextChecks: ['Paste the full error with its stack trace, or give the group id or endpoint to check it live.'],
  };
}

function defaultNextChecks(cause: CauseId, context: Context): string[] {
  const target = context.replicationGroupId ? `group ${context.replicationGroupId}` : context.endpoint ? context.endpoint.host : 'the group';
  switch (cause) {
    case 'tls-to-plaintext':
    case 'plaintext-to-tls':
      return [`Check TransitEncryptionEnabled / TransitEncryptionMode of ${target} (--live), or probe the endpoint (--probe).`];
    case 'auth-missing':
    case 'auth-rejected':
    case 'auth-not-enabled':
      return [`Check AuthTokenEnabled and the RBAC user groups of ${target} (--live).`];
    case 'network-timeout':
    case 'connection-refused':
      return [`Check that the app runs in the group's VPC and that a security group allows its port (6379) from the app's subnets.`];
    case 'dns-failure':
      return [`Check the host name against the group's endpoints (--live): a typo, a deleted group, or private DNS not reachable from the app.`];
    default:
      return [];
  }
}

function summarize(cause: CauseId, confidence: Confidence, context: Context): string {
  const where = context.endpoint ? `the endpoint ${context.endpoint.host}${context.endpoint.port ? `:${context.endpoint.port}` : ''}` : 'the endpoint';
  const group = context.replicationGroupId ? ` (group ${context.replicationGroupId})` : '';
  const hedge = confidence === 'high' ? '' : 'Likely: ';
  switch (cause) {
    case 'tls-to-plaintext':
      return `${hedge}the client connects with TLS, but ${where}${group} answers in plaintext: in-transit encryption is not enabled there.`;
    case 'plaintext-to-tls':
      return `${hedge}the client connects without TLS, but ${where}${group} requires TLS (in-transit encryption).`;
    case 'tls-untrusted-cert':
      return `${hedge}the client does not trust the TLS certificate of ${where}: its CA bundle lacks the issuing CA.`;
    case 'tls-hostname-mismatch':
      return `${hedge}the TLS certificate of ${where} is not valid for the name the client dialed: dial the endpoint's DNS name, not an IP or alias.`;
    case 'auth-missing':
      return `${hedge}${where}${group} requires a password (AUTH token or RBAC user) and the client sent none.`;
    case 'auth-rejected':
      return `${hedge}${where}${group} rejected the client's password or user name.`;
    case 'auth-not-enabled':
      return `${hedge}the client sends a password, but ${where}${group} has no AUTH configured.`;
    case 'tls-handshake-failure':
      return `${hedge}${where}${group} speaks TLS, but the handshake failed: the client and the server do not agree on the TLS version, the ciphers or a client certificate.`;
    case 'network-timeout':
      return `${hedge}the TCP connection to ${where}${group} timed out: nothing answered, which points at a security group, a subnet route, or an app outside the group's VPC.`;
    case 'connection-refused':
      return `${hedge}nothing listens at ${where}${group}: the wrong host or port, or the server is down.`;
    case 'dns-failure':
      return `${hedge}the host name of ${where} does not resolve: a typo, a deleted group, or private DNS the app cannot reach.`;
    case 'cluster-redirect':
      return `${hedge}${where}${group} has cluster mode enabled, and the client is not a cluster client: use the configuration endpoint with a cluster client.`;
    case 'cluster-crossslot':
      return `${hedge}a multi-key command spans several hash slots on ${where}${group}: in cluster mode the keys of one command must share a {hash tag}.`;
    case 'readonly-replica':
      return `${hedge}a write reached a read-only replica at ${where}${group}: use the primary endpoint for writes.`;
    default:
      return `${hedge}${CAUSE_TITLES[cause]}${context.endpoint ? ` (${where.replace(/^the endpoint /, '')}${group})` : ''}.`;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}
