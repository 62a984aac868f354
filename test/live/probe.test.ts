// The probe against real redis-server processes (plaintext-only, TLS-only, password, cluster) and the
// ElastiCache-style responder (plaintext endpoint answering a ClientHello; TransitEncryptionMode=preferred).
// The operator's move in every test: list the loopback address (and the test ports) in the guard.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeGuard } from '../../src/live/guard.js';
import { probeEndpoint } from '../../src/live/probe.js';
import { startElastiCacheResponder, type ResponderHandle } from '../helpers/elasticache-responder.js';
import { closedPort, startRedisServer, type RedisHandle } from '../helpers/redis-server.js';

let plain: RedisHandle;
let tlsOnly: RedisHandle;
let password: RedisHandle;
let elasticachePlain: ResponderHandle;
let preferred: ResponderHandle;
let refusedPort: number;
let guard: ProbeGuard;
const T = { timeoutMs: 600, respTimeoutMs: 600 };

beforeAll(async () => {
  [plain, tlsOnly, password] = await Promise.all([
    startRedisServer({ mode: 'plaintext' }),
    startRedisServer({ mode: 'tls' }),
    startRedisServer({ mode: 'password' }),
  ]);
  [elasticachePlain, preferred] = await Promise.all([
    startElastiCacheResponder({ mode: 'plaintext-only', upstreamPort: plain.port }),
    startElastiCacheResponder({ mode: 'preferred', upstreamPort: plain.port, certs: tlsOnly.certs! }),
  ]);
  refusedPort = await closedPort();
  const ports = [plain.port, tlsOnly.port, password.port, elasticachePlain.port, preferred.port, refusedPort];
  guard = new ProbeGuard({
    allowedHosts: ['127.0.0.1', 'localhost'],
    extraPorts: ports,
    // 'localhost' resolves through this table, never through the system resolver.
    lookup: async (host) => (host === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : []),
  });
});

afterAll(async () => {
  await Promise.all([elasticachePlain?.stop(), preferred?.stop()]);
  await Promise.all([plain?.stop(), tlsOnly?.stop(), password?.stop()]);
});

describe('what the endpoint speaks', () => {
  it('a plaintext-only redis-server: PONG in plaintext, silence on the ClientHello', async () => {
    const r = await probeEndpoint('127.0.0.1', plain.port, { guard, ...T });
    expect(r.speaks).toBe('plaintext');
    expect(r.plaintext).toMatchObject({ status: 'ok' });
    expect(r.plaintext.detail).toMatch(/PONG over plaintext/);
    expect(r.tls.status).toBe('timeout');
    expect(r.tls.detail).toMatch(/TCP connected, but no answer to the TLS ClientHello/);
    expect(r.resp).toMatchObject({ transport: 'plaintext', authRequired: false, clusterEnabled: false });
    expect(r.resp?.serverVersion).toMatch(/^\d+\.\d+/);
  });

  it('a TLS-only redis-server: the plaintext PING is reset, the handshake completes', async () => {
    const r = await probeEndpoint('127.0.0.1', tlsOnly.port, { guard, ...T });
    expect(r.speaks).toBe('tls');
    expect(r.plaintext.status).toBe('reset');
    expect(r.tls.status).toBe('ok');
    expect(r.tls.detail).toMatch(/TLS handshake completed .*PING answered PONG/);
    // The bot does not know the test CA: still a TLS endpoint, with the certificate judged beside it.
    expect(r.tls.certificate).toMatchObject({ trusted: false, chainTrusted: false, hostnameMatches: false });
    expect(r.tls.certificate?.reason).toMatch(/self-signed certificate in certificate chain|unable to get local issuer certificate/);
    expect(r.resp).toMatchObject({ transport: 'tls', authRequired: false });
  });

  it('tells the certificate trust and the name check apart', async () => {
    const ca = readFileSync(tlsOnly.certs!.caFile);
    const byIp = await probeEndpoint('127.0.0.1', tlsOnly.port, { guard, ...T, ca });
    expect(byIp.tls.certificate).toMatchObject({ chainTrusted: true, hostnameMatches: false, trusted: false });
    expect(byIp.tls.certificate?.reason).toMatch(/Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1/);
    const byName = await probeEndpoint('localhost', tlsOnly.port, { guard, ...T, ca });
    expect(byName.tls.status).toBe('ok');
    expect(byName.tls.certificate).toEqual({ trusted: true, chainTrusted: true, hostnameMatches: true });
    expect(byName.address).toBe('127.0.0.1');
  });

  it('an ElastiCache-style plaintext endpoint: the handshake fails with OpenSSL\'s reason', async () => {
    const r = await probeEndpoint('127.0.0.1', elasticachePlain.port, { guard, ...T });
    expect(r.speaks).toBe('plaintext');
    expect(r.tls).toMatchObject({ status: 'handshake-failed', detail: 'wrong version number' });
    expect(r.plaintext.status).toBe('ok');
  });

  it('TransitEncryptionMode=preferred: both transports answer', async () => {
    const r = await probeEndpoint('127.0.0.1', preferred.port, { guard, ...T });
    expect(r.speaks).toBe('both');
    expect(r.plaintext.status).toBe('ok');
    expect(r.tls.status).toBe('ok');
    expect(preferred.stats.tls).toBeGreaterThan(0);
    expect(preferred.stats.plaintext).toBeGreaterThan(0);
  });

  it('a password-protected server: auth-required, and the RESP check says clients must send AUTH', async () => {
    const r = await probeEndpoint('127.0.0.1', password.port, { guard, ...T });
    expect(r.plaintext.status).toBe('auth-required');
    expect(r.plaintext.detail).toMatch(/NOAUTH/);
    expect(r.speaks).toBe('plaintext');
    expect(r.resp).toMatchObject({ authRequired: true });
    // Never a password in the result: the probe has none and sends none.
    expect(JSON.stringify(r)).not.toContain(password.password!);
  });

  it('nothing listening: refused on both, speaks nothing', async () => {
    const r = await probeEndpoint('127.0.0.1', refusedPort, { guard, ...T });
    expect(r).toMatchObject({ speaks: 'nothing', plaintext: { status: 'refused' }, tls: { status: 'refused' } });
    expect(r.resp).toBeUndefined();
  });

  it('a silent server: both attempts end at the deadline, the probe does not hang', async () => {
    const silent = net.createServer((s) => { s.on('error', () => {}); s.resume(); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const g = new ProbeGuard({ allowedHosts: ['127.0.0.1'], extraPorts: [port] });
      const started = Date.now();
      const r = await probeEndpoint('127.0.0.1', port, { guard: g, timeoutMs: 400, respTimeoutMs: 400 });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.plaintext).toMatchObject({ status: 'timeout' });
      expect(r.plaintext.detail).toMatch(/no answer to PING/);
      expect(r.tls.detail).toMatch(/no answer to the TLS ClientHello/);
      expect(r.speaks).toBe('nothing');
    } finally {
      silent.close();
    }
  });

  it('a cluster-mode server: the RESP check reads cluster_enabled', async () => {
    const cluster = await startRedisServer({ mode: 'cluster' });
    try {
      const node = cluster.nodes[0]!;
      const g = new ProbeGuard({ allowedHosts: ['127.0.0.1'], extraPorts: [node.port] });
      const r = await probeEndpoint('127.0.0.1', node.port, { guard: g, ...T });
      expect(r.speaks).toBe('plaintext');
      expect(r.resp).toMatchObject({ clusterEnabled: true });
    } finally {
      await cluster.stop();
    }
  });
});
