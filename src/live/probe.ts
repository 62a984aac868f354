/**
 * The endpoint probe: what does host:port speak, TLS, plaintext, both or nothing?
 *
 * Transport question: raw node:net / node:tls with one hard deadline per attempt (FIELD-NOTES: ioredis hides
 * the cause behind "Connection is closed." and reports a stalled TLS handshake like a dropped SYN).
 * - plaintext: send `PING\r\n`; +PONG / -NOAUTH / a reset / silence.
 * - TLS: a handshake with rejectUnauthorized:false. A completed handshake is `ok` even when the bot does not
 *   trust the certificate: the endpoint speaks TLS. Trust and the host-name check are reported beside it.
 * RESP question (ioredis, no retries, no offline queue): AUTH required? cluster mode? server version?
 *
 * Only the guard decides whether to dial; the probe dials the address the guard resolved, never the name.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import type { ProbeGuard } from './guard.js';
import type { ProbeAttempt, ProbeResult, RespFacts } from './types.js';

export interface ProbeOptions {
  guard: ProbeGuard;
  /** Hard deadline per transport attempt (they run concurrently); default 1500 ms. */
  timeoutMs?: number;
  /** Budget for the ioredis RESP check after the transport attempts; 0 disables it. Default 800 ms. */
  respTimeoutMs?: number;
  /** Extra CAs to trust when judging the certificate (a private CA); the system store is used otherwise. */
  ca?: string | Buffer | (string | Buffer)[];
}

interface SocketErr extends Error {
  code?: string;
  reason?: string;
  library?: string;
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).slice(0, 120);

function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}

/** Reads one RESP reply line (or a non-RESP first answer) into an attempt. */
function classifyFirstAnswer(buf: Buffer, ms: number, over: 'plaintext' | 'TLS'): ProbeAttempt | undefined {
  const first = buf[0];
  if (first === undefined) return undefined;
  if (first === 0x15 || first === 0x16) {
    return { status: 'error', detail: `answered with a TLS record (0x${first.toString(16)}) instead of RESP: the port speaks TLS`, ms };
  }
  const text = buf.toString('latin1');
  if (text.startsWith('HTTP/')) return { status: 'error', detail: `answered with HTTP ("${printable(text.split('\r\n')[0]!)}"): a web server or proxy, not Redis`, ms };
  const nl = text.indexOf('\r\n');
  if (nl < 0) return buf.length > 512 ? { status: 'error', detail: `answered ${buf.length} bytes that are not RESP`, ms } : undefined;
  const line = text.slice(0, nl);
  if (line === '+PONG') return { status: 'ok', detail: `PONG over ${over} in ${ms} ms`, ms };
  if (line.startsWith('-NOAUTH')) return { status: 'auth-required', detail: `the server wants AUTH first (${printable(line.slice(1, 60))}) over ${over}`, ms };
  if ('+-:$*%_#,(!=|~>'.includes(line[0]!)) return { status: 'ok', detail: `RESP answer over ${over} in ${ms} ms: "${printable(line)}"`, ms };
  return { status: 'error', detail: `answered "${printable(line)}", which is not RESP`, ms };
}

function socketError(err: SocketErr, connected: boolean, ms: number, over: 'plaintext' | 'TLS'): ProbeAttempt {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { status: 'refused', detail: 'connection refused: nothing listens on that port', ms };
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return {
      status: 'reset',
      detail: connected
        ? over === 'TLS'
          ? `the server closed the connection during the TLS handshake after ${ms} ms`
          : `the server reset the connection after ${ms} ms without answering PING (typical of a TLS-only port)`
        : `the connection was reset while connecting (${code})`,
      ms,
    };
  }
  if (code === 'ETIMEDOUT') return { status: 'timeout', detail: 'TCP connect timed out (ETIMEDOUT)', ms };
  if (over === 'TLS' && (code.startsWith('ERR_SSL_') || err.library === 'SSL routines' || !!err.reason)) {
    return { status: 'handshake-failed', detail: err.reason ?? err.message, ms };
  }
  return { status: 'error', detail: `${code || err.name}: ${printable(err.message)}`, ms };
}

export function plaintextAttempt(address: string, port: number, timeoutMs: number): Promise<ProbeAttempt> {
  return new Promise((resolve) => {
    const start = performance.now();
    let connected = false;
    let done = false;
    let buf = Buffer.alloc(0);
    const sock = net.connect({ host: address, port });
    const finish = (a: ProbeAttempt): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish(connected
      ? { status: 'timeout', detail: `TCP connected, but no answer to PING within ${timeoutMs} ms`, ms: elapsed(start) }
      : { status: 'timeout', detail: `TCP connect did not complete within ${timeoutMs} ms (security group, routing or a dropped SYN)`, ms: elapsed(start) }), timeoutMs);
    sock.once('connect', () => {
      connected = true;
      sock.write('PING\r\n');
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const a = classifyFirstAnswer(buf, elapsed(start), 'plaintext');
      if (a) finish(a);
    });
    sock.on('error', (e: SocketErr) => finish(socketError(e, connected, elapsed(start), 'plaintext')));
    sock.on('close', () => finish(connected
      ? { status: 'reset', detail: `the server closed the connection after ${elapsed(start)} ms without answering PING (typical of a TLS-only port)`, ms: elapsed(start) }
      : { status: 'error', detail: 'the connection closed before it was established', ms: elapsed(start) }));
  });
}

export function tlsAttempt(
  address: string, port: number, hostName: string, timeoutMs: number, ca?: ProbeOptions['ca'],
): Promise<ProbeAttempt> {
  return new Promise((resolve) => {
    const start = performance.now();
    let connected = false;
    let handshake: ProbeAttempt | undefined;
    let done = false;
    let buf = Buffer.alloc(0);
    const sock = tls.connect({
      host: address,
      port,
      // SNI carries the name the user dialed; it cannot be an IP address.
      ...(net.isIP(hostName) ? {} : { servername: hostName }),
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
    });
    const finish = (a: ProbeAttempt): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => {
      if (handshake) finish({ ...handshake, detail: `${handshake.detail}; no answer to PING within ${timeoutMs} ms` });
      else if (connected) finish({ status: 'timeout', detail: `TCP connected, but no answer to the TLS ClientHello within ${timeoutMs} ms (a plaintext server stays silent)`, ms: elapsed(start) });
      else finish({ status: 'timeout', detail: `TCP connect did not complete within ${timeoutMs} ms (security group, routing or a dropped SYN)`, ms: elapsed(start) });
    }, timeoutMs);
    sock.once('connect', () => {
      connected = true;
    });
    sock.once('secureConnect', () => {
      const ms = elapsed(start);
      const cert = sock.getPeerCertificate();
      // Node reports a name mismatch as authorizationError too; the chain itself was fine then.
      const authErr = authorizationCode(sock.authorizationError as unknown);
      const chainTrusted = sock.authorized || authErr === 'ERR_TLS_CERT_ALTNAME_INVALID';
      const nameErr = cert && Object.keys(cert).length ? tls.checkServerIdentity(hostName, cert) : new Error('the server sent no certificate');
      const reasons: string[] = [];
      if (!chainTrusted && authErr) reasons.push(CHAIN_ERRORS[authErr] ? `${CHAIN_ERRORS[authErr]} (${authErr})` : authErr);
      if (nameErr) reasons.push(nameErr.message);
      handshake = {
        status: 'ok',
        detail: `TLS handshake completed (${sock.getProtocol() ?? 'TLS'}) in ${ms} ms`,
        ms,
        certificate: {
          trusted: chainTrusted && !nameErr,
          ...(reasons.length ? { reason: reasons.join('; ') } : {}),
          chainTrusted,
          hostnameMatches: !nameErr,
        },
      };
      sock.write('PING\r\n');
    });
    sock.on('data', (d: Buffer) => {
      if (!handshake) return;
      buf = Buffer.concat([buf, d]);
      const a = classifyFirstAnswer(buf, elapsed(start), 'TLS');
      if (!a) return;
      if (a.status === 'auth-required') finish({ ...handshake, status: 'auth-required', detail: `${handshake.detail}; ${a.detail}` });
      else if (a.detail.startsWith('PONG')) finish({ ...handshake, detail: `${handshake.detail}; PING answered PONG` });
      else finish({ ...handshake, detail: `${handshake.detail}; ${a.detail}` });
    });
    sock.on('error', (e: SocketErr) => {
      if (handshake) finish({ ...handshake, detail: `${handshake.detail}; then ${e.code ?? 'error'}` });
      else finish(socketError(e, connected, elapsed(start), 'TLS'));
    });
    sock.on('close', () => {
      if (handshake) finish({ ...handshake, detail: `${handshake.detail}; the server closed the connection after the handshake` });
      else finish(connected
        ? { status: 'reset', detail: `the server closed the connection during the TLS handshake after ${elapsed(start)} ms`, ms: elapsed(start) }
        : { status: 'error', detail: 'the connection closed before it was established', ms: elapsed(start) });
    });
  });
}

/** OpenSSL's verify errors as Node names them, in the words OpenSSL prints. */
const CHAIN_ERRORS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
};

function authorizationCode(value: unknown): string | undefined {
  if (!value) return undefined;
  if (typeof value === 'string') return value;
  const e = value as { code?: string; message?: string };
  return e.code ?? e.message;
}

const SPEAKS = new Set(['ok', 'auth-required']);

export function speaksFrom(plaintext: ProbeAttempt, tlsA: ProbeAttempt): ProbeResult['speaks'] {
  const p = SPEAKS.has(plaintext.status);
  const t = SPEAKS.has(tlsA.status);
  if (p && t) return 'both';
  if (p) return 'plaintext';
  if (t) return 'tls';
  if (plaintext.status === 'blocked' || tlsA.status === 'blocked') return 'unknown';
  // A TLS alert or a record byte on the plaintext attempt still says "TLS here", even when our handshake failed.
  if (plaintext.status === 'error' && /TLS record/.test(plaintext.detail) && tlsA.status !== 'timeout') return 'tls';
  if (plaintext.status === 'error' && tlsA.status === 'error') return 'unknown';
  return 'nothing';
}

/** RESP-level facts over the transport that worked, through ioredis: AUTH needed, cluster mode, version. */
export async function respCheck(address: string, port: number, hostName: string, transport: 'plaintext' | 'tls', timeoutMs: number, ca?: ProbeOptions['ca']): Promise<RespFacts> {
  const client = new Redis({
    host: address,
    port,
    ...(transport === 'tls' ? { tls: { ...(net.isIP(hostName) ? {} : { servername: hostName }), rejectUnauthorized: false, ...(ca ? { ca } : {}) } } : {}),
    // RESP2: no HELLO on connect, so a missing password reads as a plain NOAUTH on our first command.
    protocol: 2,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    autoResubscribe: false,
  });
  // ioredis reports the real cause only on 'error' (FIELD-NOTES); keep it, and never let it go unhandled.
  let lastError: string | undefined;
  client.on('error', (e: Error) => {
    lastError = (e as SocketErr).code ?? e.message;
  });
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('deadline')), timeoutMs).unref());
  try {
    await Promise.race([client.connect(), deadline]);
    const server = await Promise.race([client.info('server'), deadline]);
    const cluster = await Promise.race([client.info('cluster'), deadline]).catch(() => '');
    const version = /(?:valkey_version|redis_version):([^\r\n]+)/.exec(server)?.[1];
    const enabled = /cluster_enabled:(\d)/.exec(cluster)?.[1];
    return {
      transport,
      authRequired: false,
      ...(enabled !== undefined ? { clusterEnabled: enabled === '1' } : {}),
      ...(version ? { serverVersion: version.trim() } : {}),
    };
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/^NOAUTH/.test(message)) return { transport, authRequired: true, detail: 'INFO refused with NOAUTH: clients must send AUTH' };
    return { transport, detail: `RESP check incomplete: ${printable(lastError ?? message)}` };
  } finally {
    client.disconnect();
  }
}

function blocked(endpoint: string, reason: string): ProbeResult {
  const a: ProbeAttempt = { status: 'blocked', detail: `not dialed: ${reason}` };
  return { endpoint, plaintext: a, tls: { ...a }, speaks: 'unknown' };
}

/** Probes host:port over plaintext and TLS. Never throws; a refused target is `blocked` with the reason. */
export async function probeEndpoint(host: string, port: number, opts: ProbeOptions): Promise<ProbeResult> {
  const endpoint = `${host}:${port}`;
  const decision = await opts.guard.check(host, port);
  if (!decision.allowed) return blocked(endpoint, decision.reason);
  const address = decision.addresses[0]!;
  const timeoutMs = opts.timeoutMs ?? 1500;
  const [plaintext, tlsA] = await Promise.all([
    plaintextAttempt(address, port, timeoutMs),
    tlsAttempt(address, port, decision.host, timeoutMs, opts.ca),
  ]);
  const speaks = speaksFrom(plaintext, tlsA);
  const result: ProbeResult = { endpoint, plaintext, tls: tlsA, speaks, address };
  const respMs = opts.respTimeoutMs ?? 800;
  if (respMs > 0 && (speaks === 'plaintext' || speaks === 'tls' || speaks === 'both')) {
    result.resp = await respCheck(address, port, decision.host, speaks === 'plaintext' ? 'plaintext' : 'tls', respMs, opts.ca);
  }
  return result;
}
