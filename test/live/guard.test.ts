// The probe's target guard: what may be dialed, and proof that a refused target is never dialed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeGuard, addressRange, type Lookup } from '../../src/live/guard.js';
import { probeEndpoint } from '../../src/live/probe.js';

/** A resolver that answers from a table and records what it was asked: no real DNS in tests. */
function table(entries: Record<string, string[]>): Lookup & { asked: string[] } {
  const asked: string[] = [];
  const fn = (async (host: string) => {
    asked.push(host);
    const a = entries[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  }) as Lookup & { asked: string[] };
  fn.asked = asked;
  return fn;
}

describe('ProbeGuard', () => {
  const lookup = table({
    'master.prd-redis.abc123.apne1.cache.amazonaws.com': ['10.0.1.23'],
    'evil.cache.amazonaws.com': ['127.0.0.1'],
    'meta.cache.amazonaws.com': ['169.254.169.254'],
    'v6meta.cache.amazonaws.com': ['fd00:ec2::254'],
    'mapped.cache.amazonaws.com': ['::ffff:127.0.0.1'],
    'mixed.cache.amazonaws.com': ['10.0.1.5', '169.254.10.1'],
    'redis.test': ['127.0.0.1'],
  });
  const guard = new ProbeGuard({ lookup });

  it('allows an ElastiCache name that resolves into the VPC, and hands back the address to dial', async () => {
    const d = await guard.check('master.prd-redis.abc123.apne1.cache.amazonaws.com', 6379);
    expect(d).toEqual({ allowed: true, host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379, addresses: ['10.0.1.23'], servername: 'master.prd-redis.abc123.apne1.cache.amazonaws.com' });
  });

  it.each([
    ['example.com', 6379, /not in PROBE_ALLOWED_HOSTS/],
    ['cache.amazonaws.com.evil.io', 6379, /not in PROBE_ALLOWED_HOSTS/],
    ['notcache.amazonaws.com', 6379, /not in PROBE_ALLOWED_HOSTS/],
    ['localhost', 6379, /local machine/],
    ['127.0.0.1', 6379, /loopback/],
    ['10.0.0.5', 6379, /private/],
    ['169.254.169.254', 6379, /metadata/],
    ['[fd00:ec2::254]', 6379, /metadata/],
    ['::1', 6379, /loopback/],
    ['master.prd-redis.abc123.apne1.cache.amazonaws.com', 22, /port 22 is not a Redis port/],
    ['master.prd-redis.abc123.apne1.cache.amazonaws.com', 0, /not a valid port/],
    ['bad host!.cache.amazonaws.com', 6379, /not a valid host name/],
    ['', 6379, /no host/],
  ])('refuses %s:%s and says why', async (host, port, why) => {
    const d = await guard.check(host, port);
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toMatch(why);
  });

  it.each([
    ['evil.cache.amazonaws.com', /resolves to 127\.0\.0\.1, a loopback address/],
    ['meta.cache.amazonaws.com', /resolves to 169\.254\.169\.254, the cloud metadata service/],
    ['v6meta.cache.amazonaws.com', /the cloud metadata service/],
    ['mapped.cache.amazonaws.com', /a loopback address/],
    ['mixed.cache.amazonaws.com', /169\.254\.10\.1, a link-local address/],
  ])('resolves %s first and refuses a forbidden answer', async (host, why) => {
    const d = await guard.check(host, 6379);
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toMatch(why);
  });

  it('an exact name still needs its loopback address listed; with both listed it passes', async () => {
    const nameOnly = await new ProbeGuard({ allowedHosts: ['redis.test'], lookup }).check('redis.test', 6379);
    expect(nameOnly.allowed).toBe(false);
    const both = await new ProbeGuard({ allowedHosts: ['redis.test', '127.0.0.1'], lookup }).check('redis.test', 6379);
    expect(both).toMatchObject({ allowed: true, addresses: ['127.0.0.1'] });
  });

  it('suffix entries match on a label boundary; operator ports are honoured', async () => {
    const g = new ProbeGuard({ allowedHosts: ['*.redis.internal'], extraPorts: [7000], lookup: table({ 'a.redis.internal': ['10.1.1.1'], 'xredis.internal': ['10.1.1.2'] }) });
    expect((await g.check('a.redis.internal', 7000)).allowed).toBe(true);
    expect((await g.check('xredis.internal', 7000)).allowed).toBe(false);
    expect((await g.check('a.redis.internal', 7001)).allowed).toBe(false);
  });

  it('a name that does not resolve is refused with the resolver error', async () => {
    const d = await guard.check('gone.abc123.ng.0001.apne1.cache.amazonaws.com', 6379);
    expect(d).toEqual({ allowed: false, reason: 'gone.abc123.ng.0001.apne1.cache.amazonaws.com does not resolve from the bot (ENOTFOUND)' });
  });

  it('classifies address ranges', () => {
    expect(addressRange('172.16.0.1')).toBe('private');
    expect(addressRange('172.32.0.1')).toBe('public');
    expect(addressRange('100.64.0.1')).toBe('private');
    expect(addressRange('fe80::1')).toBe('link-local');
    expect(addressRange('fd12:3456::1')).toBe('private');
    expect(addressRange('0.0.0.0')).toBe('unspecified');
    expect(addressRange('2600:1f18::1')).toBe('public');
  });
});

describe('a refused target is never dialed', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = net.createServer((s) => {
      connections++;
      s.on('error', () => {});
      s.resume(); // read to EOF, so the socket closes when the client does
      s.end('+PONG\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('localhost, an unlisted loopback IP and an allowed name resolving to loopback are refused without a connection', async () => {
    const lookup = table({ 'evil.cache.amazonaws.com': ['127.0.0.1'] });
    const guard = new ProbeGuard({ extraPorts: [port], lookup });
    for (const host of ['localhost', '127.0.0.1', 'evil.cache.amazonaws.com']) {
      const r = await probeEndpoint(host, port, { guard, timeoutMs: 500 });
      expect(r.plaintext.status).toBe('blocked');
      expect(r.tls.status).toBe('blocked');
      expect(r.speaks).toBe('unknown');
      expect(r.plaintext.detail).toMatch(/^not dialed: /);
    }
    expect(connections).toBe(0);
    // The refusal came from the guard, not from a resolver: localhost and the IP literal were never looked up.
    expect(lookup.asked).toEqual(['evil.cache.amazonaws.com']);
  });

  it('the same server is dialed once the operator lists its address exactly (the counter works)', async () => {
    const guard = new ProbeGuard({ allowedHosts: ['127.0.0.1'], extraPorts: [port] });
    const r = await probeEndpoint('127.0.0.1', port, { guard, timeoutMs: 500, respTimeoutMs: 0 });
    expect(r.plaintext.status).toBe('ok');
    expect(connections).toBeGreaterThan(0);
  });
});
