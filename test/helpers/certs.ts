// Test PKI made with the real `openssl` CLI, so TLS errors come from real verification.
// EC P-256 keys: generation takes milliseconds, and every client here accepts them.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  certFile: string;
  keyFile: string;
}

export interface CertFiles extends KeyPair {
  dir: string;
  /** The CA that signed certFile: give it to clients that should trust the server. */
  caFile: string;
  /** DNS names in the server certificate's SAN. */
  names: string[];
  /** Same names, signed by a second CA that no client is told about ("unable to get local issuer certificate"). */
  untrusted: KeyPair & { caFile: string };
  /** Same names, self-signed ("self-signed certificate"). */
  selfSigned: KeyPair;
}

export interface CertOptions {
  /** DNS names for the server certificate, e.g. master.prd-redis.abc123.apne1.cache.amazonaws.com, localhost. */
  names: string[];
  /** IP SANs. Empty by default, so dialing 127.0.0.1 produces a hostname mismatch. */
  ips?: string[];
}

/** Default names: an ElastiCache-style TLS endpoint plus localhost. */
export const DEFAULT_CERT_NAMES = [
  'master.prd-redis.abc123.apne1.cache.amazonaws.com',
  '*.prd-redis.abc123.apne1.cache.amazonaws.com',
  'localhost',
];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`);
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, base: string, cn: string): Promise<KeyPair> {
  const pair = { certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
  await openssl(
    [
      'req', '-x509', ...EC, '-keyout', pair.keyFile, '-out', pair.certFile, '-days', '3650', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-addext', 'subjectKeyIdentifier=hash',
    ],
    dir,
  );
  return pair;
}

function sanLine(names: string[], ips: string[]): string {
  return [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
}

async function makeLeaf(dir: string, base: string, ca: KeyPair, names: string[], ips: string[]): Promise<KeyPair> {
  const pair = { certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
  const csr = join(dir, `${base}.csr`);
  const ext = join(dir, `${base}.ext`);
  // Python 3.13+ verifies strictly (VERIFY_X509_STRICT): leaf needs AKI and a sane keyUsage.
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      `subjectAltName=${sanLine(names, ips)}`,
      '',
    ].join('\n'),
  );
  await openssl(['req', '-new', ...EC, '-keyout', pair.keyFile, '-out', csr, '-subj', `/CN=${names[0] ?? 'redis'}`], dir);
  await openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', pair.certFile,
      '-days', '825', '-sha256', '-extfile', ext],
    dir,
  );
  return pair;
}

async function makeSelfSigned(dir: string, base: string, names: string[], ips: string[]): Promise<KeyPair> {
  const pair = { certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
  await openssl(
    ['req', '-x509', ...EC, '-keyout', pair.keyFile, '-out', pair.certFile, '-days', '825', '-subj', `/CN=${names[0] ?? 'redis'}`,
      '-addext', `subjectAltName=${sanLine(names, ips)}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'extendedKeyUsage=serverAuth'],
    dir,
  );
  return pair;
}

/**
 * Writes a CA and a server certificate for `names` into `dir` (created if missing),
 * plus an untrusted-CA variant and a self-signed variant for the same names.
 */
export async function generateCerts(dir: string, opts: CertOptions = { names: DEFAULT_CERT_NAMES }): Promise<CertFiles> {
  const names = opts.names.length > 0 ? opts.names : DEFAULT_CERT_NAMES;
  const ips = opts.ips ?? [];
  await mkdir(dir, { recursive: true });
  const ca = await makeCa(dir, 'ca', 'redis-diagnose test CA');
  const otherCa = await makeCa(dir, 'other-ca', 'redis-diagnose untrusted CA');
  const [server, untrusted, selfSigned] = await Promise.all([
    makeLeaf(dir, 'server', ca, names, ips),
    makeLeaf(dir, 'untrusted-server', otherCa, names, ips),
    makeSelfSigned(dir, 'self-signed', names, ips),
  ]);
  return {
    dir,
    caFile: ca.certFile,
    certFile: server.certFile,
    keyFile: server.keyFile,
    names,
    untrusted: { ...untrusted, caFile: otherCa.certFile },
    selfSigned,
  };
}
