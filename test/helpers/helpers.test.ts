// Self-test of the shared helpers: each mode starts, answers as a real server would, and stops cleanly.
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCerts, type CertFiles } from './certs.js';
import { startElastiCacheResponder, unknownCommandReply } from './elasticache-responder.js';
import { FIXTURE_PASSWORD, closedPort, rawCommand, startRedisServer, type RedisHandle } from './redis-server.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the error a TLS client gets (or 'ok' once the handshake completes). */
function tlsOutcome(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ...opts });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, 3000);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve('ok');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve(e.code ?? e.message);
    });
  });
}

let dir: string;
let certs: CertFiles;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helpers-test-'));
  certs = await generateCerts(join(dir, 'certs'), {
    names: ['master.prd-redis.abc123.apne1.cache.amazonaws.com', 'localhost'],
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startRedisServer', () => {
  it('plaintext: answers PING, and after stop() the process is gone and the port refuses', async () => {
    const r = await startRedisServer({ mode: 'plaintext' });
    expect(await rawCommand(r.port, 'PING')).toBe('+PONG');
    await r.stop();
    expect(alive(r.pid)).toBe(false);
    await expect(rawCommand(r.port, 'PING')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('tls: a verified TLS client gets PONG; a plaintext client gets no reply', async () => {
    const r = await startRedisServer({ mode: 'tls', certs });
    try {
      expect(await rawCommand(r.port, 'PING', { tls: { caFile: certs.caFile, servername: 'localhost' } })).toBe('+PONG');
      await expect(rawCommand(r.port, 'PING', { timeoutMs: 1500 })).rejects.toThrow();
      // The server logs the plaintext client's failed handshake (a fixture source).
      await new Promise((res) => setTimeout(res, 200));
      expect(await r.readLog()).toMatch(/Error accepting a client connection/);
    } finally {
      await r.stop();
    }
  });

  it('tls certificates: the right CA and name verify; an IP, a foreign CA and a self-signed cert do not', async () => {
    const r = await startRedisServer({ mode: 'tls', certs });
    try {
      const ca = readFileSync(certs.caFile);
      expect(await tlsOutcome(r.port, { ca, servername: 'master.prd-redis.abc123.apne1.cache.amazonaws.com' })).toBe('ok');
      expect(await tlsOutcome(r.port, { ca })).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      // redis-server sends its CA along with the leaf, so a client without that CA sees it "in the chain".
      expect(await tlsOutcome(r.port, { servername: 'localhost' })).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    } finally {
      await r.stop();
    }
    const foreign = await startRedisServer({ mode: 'tls', certs: { ...certs, ...certs.untrusted } });
    try {
      expect(await tlsOutcome(foreign.port, { ca: readFileSync(certs.caFile), servername: 'localhost' })).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    } finally {
      await foreign.stop();
    }
    const other = await startRedisServer({ mode: 'tls', certs: { ...certs, ...certs.selfSigned } });
    try {
      expect(await tlsOutcome(other.port, { ca: readFileSync(certs.caFile), servername: 'localhost' })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await other.stop();
    }
  });

  it('password: PING without AUTH gets NOAUTH; the fixture password works', async () => {
    const r = await startRedisServer({ mode: 'password' });
    try {
      expect(r.password).toBe(FIXTURE_PASSWORD);
      expect(await rawCommand(r.port, 'PING')).toMatch(/^-NOAUTH/);
      expect(await rawCommand(r.port, `AUTH ${FIXTURE_PASSWORD}`)).toBe('+OK');
    } finally {
      await r.stop();
    }
  });

  it('replica: a write to the replica gets READONLY', async () => {
    const r = await startRedisServer({ mode: 'replica' });
    try {
      expect(r.replica).toBeDefined();
      expect(await rawCommand(r.replica!.port, 'SET helpers-test:k v')).toMatch(/^-READONLY/);
    } finally {
      await r.stop();
    }
  });

  it('cluster: three masters; a key on another node gets MOVED, two slots get CROSSSLOT', async () => {
    const r: RedisHandle = await startRedisServer({ mode: 'cluster' });
    try {
      expect(r.nodes).toHaveLength(3);
      const replies = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => rawCommand(r.port, `SET ${k} 1`)));
      expect(replies.some((x) => /^-MOVED \d+ 127\.0\.0\.1:\d+$/.test(x))).toBe(true);
      // "a" and "b" hash to slots on different masters; the answer is CROSSSLOT or MOVED
      // depending on which node owns the first key, so ask every node.
      const cross = await Promise.all(r.nodes.map((n) => rawCommand(n.port, 'MSET a 1 b 2')));
      expect(cross.some((x) => x.startsWith('-CROSSSLOT'))).toBe(true);
    } finally {
      await r.stop();
    }
    for (const n of r.nodes) expect(alive(n.pid)).toBe(false);
  });
});

describe('startElastiCacheResponder', () => {
  let upstream: RedisHandle;
  beforeAll(async () => {
    upstream = await startRedisServer({ mode: 'plaintext' });
  });
  afterAll(async () => {
    await upstream.stop();
  });

  it('renders a binary first command the way redis does: raw bytes up to the first NUL', () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]);
    expect(unknownCommandReply(hello)).toEqual(
      Buffer.concat([Buffer.from("-ERR unknown command '"), Buffer.from([0x16, 0x03, 0x01, 0x02]), Buffer.from("', with args beginning with: \r\n")]),
    );
  });

  it('plaintext-only: a TLS client fails at once with wrong version number; plaintext passes through', async () => {
    const resp = await startElastiCacheResponder({ mode: 'plaintext-only', upstreamPort: upstream.port });
    try {
      expect(await tlsOutcome(resp.port, { servername: 'localhost', rejectUnauthorized: false })).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
      expect(await rawCommand(resp.port, 'PING')).toBe('+PONG');
      expect(resp.stats).toMatchObject({ tls: 1, plaintext: 1 });
    } finally {
      await resp.stop();
    }
  });

  it('preferred: TLS and plaintext both reach the same redis on one port', async () => {
    const resp = await startElastiCacheResponder({ mode: 'preferred', upstreamPort: upstream.port, certs });
    try {
      expect(await rawCommand(resp.port, 'SET helpers-test:pref yes')).toBe('+OK');
      expect(await rawCommand(resp.port, 'GET helpers-test:pref', { tls: { caFile: certs.caFile } })).toBe('$3');
    } finally {
      await resp.stop();
    }
  });

  it('stop() closes the port', async () => {
    const resp = await startElastiCacheResponder({ mode: 'plaintext-only', upstreamPort: upstream.port });
    await resp.stop();
    await expect(rawCommand(resp.port, 'PING')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('closedPort', () => {
  it('gives a loopback port where nothing listens', async () => {
    const port = await closedPort();
    const code = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve('connected'));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
    });
    expect(code).toBe('ECONNREFUSED');
  });
});
