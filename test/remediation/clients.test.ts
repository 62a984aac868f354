// Client snippets: each one parses in its language, none turns verification off, and the ones whose libraries
// are on this machine really connect over TLS, with verification on, to a real TLS-only redis-server.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientChange, KNOWN_CLIENTS, type SnippetOptions } from '../../src/remediation/clients.js';
import { FIXTURE_PASSWORD, startRedisServer, type RedisHandle } from '../helpers/redis-server.js';

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST = 'master.prd-redis.abc123.apne1.cache.amazonaws.com';

const variants: SnippetOptions[] = [
  { host: HOST, port: 6379, tls: true, cluster: false, auth: 'token', caBundle: false },
  { host: HOST, port: 6379, tls: true, cluster: true, auth: 'rbac', caBundle: true },
  { host: HOST, port: 6379, tls: false, cluster: false, auth: 'none', caBundle: false },
];

let scratch: string;
beforeAll(async () => { scratch = await mkdtemp(path.join(tmpdir(), 'rd-snippets-')); });
afterAll(async () => { await rm(scratch, { recursive: true, force: true }); });

async function check(cmd: string, args: string[], file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await execFileP(cmd, [...args, file], { timeout: 20_000 });
}

const SYNTAX: Record<string, (file: string, snippet: string) => Promise<void>> = {
  python: (f, s) => check('/usr/bin/python3', ['-m', 'py_compile'], `${f}.py`, s),
  javascript: (f, s) => (s.includes('require(') ? check('node', ['--check'], `${f}.cjs`, s) : check('node', ['--check'], `${f}.mjs`, s)),
  ruby: (f, s) => check('ruby', ['-c'], `${f}.rb`, s),
  php: (f, s) => check('php', ['-l'], `${f}.php`, `<?php\n${s}\n`),
  go: (f, s) => check('gofmt', ['-e', '-l'], `${f}.go`, `package main\n\nfunc main() {\n${s}\n}\n`),
  shell: (f, s) => check('bash', ['-n'], `${f}.sh`, s),
};

describe('every snippet', () => {
  for (const client of KNOWN_CLIENTS) {
    it(`${client}: parses in its language and never turns verification off`, async () => {
      for (const [i, o] of variants.entries()) {
        const c = clientChange(client, o, 'test');
        expect(c.snippet).not.toMatch(/CERT_NONE|rejectUnauthorized:\s*false|InsecureSkipVerify:\s*true|VERIFY_NONE|'verify_peer'\s*=>\s*false|#insecure"|ssl_cert_reqs=none/i);
        if (o.tls) expect(c.snippet).toMatch(/rediss:|ssl|tls|TLS|Ssl/);
        if (o.auth !== 'none') expect(c.snippet).toMatch(/REDIS_AUTH_TOKEN/);
        const syntax = SYNTAX[c.language ?? ''];
        if (syntax) await syntax(path.join(scratch, `${client}-${i}`), c.snippet);
      }
    }, 60_000);
  }
});

describe('the TLS snippets connect with verification on (real redis-server, TLS only, requirepass)', () => {
  let server: RedisHandle;
  let runDir: string;
  beforeAll(async () => {
    server = await startRedisServer({ mode: 'password', tls: true });
    // Node resolves the snippet's imports from the file's place: keep it inside the project (.tmp/ is ignored).
    await mkdir(path.join(ROOT, '.tmp'), { recursive: true });
    runDir = await mkdtemp(path.join(ROOT, '.tmp', 'snippets-'));
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    if (runDir) await rm(runDir, { recursive: true, force: true });
  });

  const opts = (): SnippetOptions => ({ host: 'localhost', port: server.port, tls: true, cluster: false, auth: 'token', caBundle: false });
  // The snippets read the system CA store; point it at the test CA the way an image's bundle would hold Amazon's.
  const env = () => ({ ...process.env, REDIS_AUTH_TOKEN: FIXTURE_PASSWORD, NODE_EXTRA_CA_CERTS: server.certs!.caFile, SSL_CERT_FILE: server.certs!.caFile });

  for (const client of ['ioredis', 'iovalkey', 'node-redis']) {
    it(`${client}`, async () => {
      const file = path.join(runDir, `${client}.mjs`);
      const { snippet } = clientChange(client, opts(), 'test');
      await writeFile(file, `${snippet}\nconst c = typeof redis !== "undefined" ? redis : client;\nconsole.log(await c.ping());\nawait (c.quit ? c.quit() : c.close());\n`);
      const { stdout } = await execFileP('node', [file], { env: env(), timeout: 20_000 });
      expect(stdout.trim()).toBe('PONG');
    }, 30_000);
  }

  it('redis-py', async () => {
    const file = path.join(runDir, 'redis_py.py');
    const { snippet } = clientChange('redis-py', opts(), 'test');
    await writeFile(file, `${snippet}\nprint(r.ping())\n`);
    const { stdout } = await execFileP('/usr/bin/python3', [file], { env: env(), timeout: 20_000 });
    expect(stdout.trim()).toBe('True');
  }, 30_000);

  it('redis-cli (with the test CA in place of the system bundle)', async () => {
    const { snippet } = clientChange('redis-cli', opts(), 'test');
    const { stdout } = await execFileP('bash', ['-c', snippet.replace('/etc/ssl/certs/ca-certificates.crt', server.certs!.caFile)], { env: env(), timeout: 20_000 });
    expect(stdout.trim()).toBe('PONG');
  }, 30_000);

  it('the same ioredis snippet is refused when the CA is not trusted (verification really is on)', async () => {
    const file = path.join(runDir, 'untrusted.mjs');
    const { snippet } = clientChange('ioredis', opts(), 'test');
    await writeFile(file, `${snippet.replace('new Redis({', 'new Redis({ maxRetriesPerRequest: 0, retryStrategy: () => null,')}\nredis.on("error", (e) => { console.log(e.code ?? e.message); process.exit(0); });\nawait redis.ping().catch(() => {});\n`);
    const { stdout } = await execFileP('node', [file], { env: { ...env(), NODE_EXTRA_CA_CERTS: '' }, timeout: 20_000 });
    expect(stdout).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to get local issuer|unable to verify/i);
  }, 30_000);
});
