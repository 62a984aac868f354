// Real redis-server processes on free loopback ports, for tests and fixture scripts.
// Every process is killed and its temp dir removed on stop(), on normal exit of this
// process, and (through a tiny watchdog reading our stdin pipe) even if we are SIGKILLed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { generateCerts, type CertFiles } from './certs.js';

const execFileP = promisify(execFile);

export const LOOPBACK = '127.0.0.1';
export const FIXTURE_PASSWORD = 's3cr3t-fixture-pass';

export type RedisMode = 'plaintext' | 'tls' | 'password' | 'cluster' | 'replica';

export interface StartRedisOptions {
  mode: RedisMode;
  /** TLS-only listeners. Default: true for mode 'tls', false otherwise (cluster/replica/password may add it). */
  tls?: boolean;
  /** requirepass. Default: FIXTURE_PASSWORD for mode 'password', none otherwise. */
  password?: string;
  /** Certificates to serve; generated into the temp dir when absent. */
  certs?: CertFiles;
  /** DNS names for generated certificates (see certs.ts DEFAULT_CERT_NAMES). */
  certNames?: string[];
  /** Extra redis-server arguments for every node, e.g. ['--loglevel', 'verbose']. */
  extraArgs?: string[];
  /** How long to wait for readiness. Default 15 s (cluster formation included). */
  readyTimeoutMs?: number;
}

export interface RedisNode {
  host: string;
  port: number;
  pid: number;
  logFile: string;
  /** The server's log so far (e.g. `Error accepting a client connection: ...`). */
  readLog(): Promise<string>;
}

export interface RedisHandle extends RedisNode {
  mode: RedisMode;
  tls: boolean;
  password?: string;
  /** Present when tls is true (or certs were passed). */
  certs?: CertFiles;
  dir: string;
  /** All nodes: [primary] for plaintext/tls/password, [primary, replica] for replica, 3 masters for cluster. */
  nodes: RedisNode[];
  /** mode 'replica': the replica node (write to it for READONLY). */
  replica?: RedisNode;
  stop(): Promise<void>;
}

interface Tracked {
  child: ChildProcess;
  watchdog: ChildProcess;
  dir?: string;
}

const live = new Set<Tracked>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) {
      try {
        t.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      if (t.dir) rmSync(t.dir, { recursive: true, force: true });
    }
  });
}

/** A port that was free a moment ago: bind port 0 on loopback, read it, close. */
export function freePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A loopback port with nothing listening (for connection-refused). */
export const closedPort = freePort;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends one inline command over a raw (optionally TLS) socket and returns the first reply line. */
export function rawCommand(
  port: number,
  line: string,
  opts: { tls?: { caFile?: string; servername?: string; verify?: boolean }; host?: string; timeoutMs?: number } = {},
): Promise<string> {
  const host = opts.host ?? LOOPBACK;
  return new Promise((resolve, reject) => {
    const sock: net.Socket = opts.tls
      ? tls.connect({
          host,
          port,
          servername: opts.tls.servername ?? 'localhost',
          ...(opts.tls.caFile ? { ca: readFileSync(opts.tls.caFile) } : {}),
          rejectUnauthorized: opts.tls.verify ?? true,
        })
      : net.connect({ host, port });
    let buf = '';
    const done = (err: Error | null, value?: string) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const timer = setTimeout(() => done(new Error(`no reply from ${host}:${port} within ${opts.timeoutMs ?? 2000} ms`)), opts.timeoutMs ?? 2000);
    sock.once(opts.tls ? 'secureConnect' : 'connect', () => sock.write(`${line}\r\n`));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) done(null, buf.slice(0, nl));
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error(`connection to ${host}:${port} closed without a reply`)));
  });
}

interface NodeSpec {
  port: number;
  dir: string;
  args: string[];
  /** Removed by the watchdog if this process dies without stop(). */
  cleanupDir: string;
}

async function spawnNode(spec: NodeSpec, tracked: Tracked[]): Promise<RedisNode> {
  const logFile = join(spec.dir, 'redis.log');
  const args = [
    '--port', String(spec.port),
    '--bind', LOOPBACK,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--dir', spec.dir,
    '--logfile', logFile,
    ...spec.args,
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  const pid = child.pid!;
  // Watchdog: dies with our stdin pipe, i.e. when this process dies for any reason, and takes redis with it.
  const watchdog = spawn('sh', ['-c', 'cat >/dev/null; kill -KILL "$1" 2>/dev/null; rm -rf "$2"', 'redis-watchdog', String(pid), spec.cleanupDir], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  child.unref();
  const t: Tracked = { child, watchdog };
  live.add(t);
  tracked.push(t);
  return {
    host: LOOPBACK,
    port: spec.port,
    pid,
    logFile,
    readLog: () => readFile(logFile, 'utf8').catch(() => ''),
  };
}

async function stopTracked(t: Tracked): Promise<void> {
  // Disarm the watchdog first so it can never signal a reused pid.
  t.watchdog.kill('SIGKILL');
  t.watchdog.stdin?.destroy();
  const { child } = t;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  live.delete(t);
}

async function waitReady(
  node: RedisNode,
  tracked: Tracked,
  probe: () => Promise<boolean>,
  deadline: number,
): Promise<void> {
  let lastErr = 'no answer yet';
  while (Date.now() < deadline) {
    if (tracked.child.exitCode !== null || tracked.child.signalCode !== null) {
      throw new Error(`redis-server on port ${node.port} exited early:\n${(await node.readLog()).slice(-2000)}`);
    }
    try {
      if (await probe()) return;
    } catch (e) {
      lastErr = (e as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`redis-server on port ${node.port} not ready: ${lastErr}\n${(await node.readLog()).slice(-2000)}`);
}

function tlsArgs(certs: CertFiles, cluster: boolean, replication: boolean): string[] {
  return [
    '--tls-cert-file', certs.certFile,
    '--tls-key-file', certs.keyFile,
    '--tls-ca-cert-file', certs.caFile,
    '--tls-auth-clients', 'no',
    ...(cluster ? ['--tls-cluster', 'yes'] : []),
    ...(replication ? ['--tls-replication', 'yes'] : []),
  ];
}

function cliTlsArgs(certs: CertFiles | undefined): string[] {
  return certs ? ['--tls', '--cacert', certs.caFile, '--sni', 'localhost'] : [];
}

async function redisCli(args: string[], opts: { certs?: CertFiles; password?: string }): Promise<string> {
  const env = { ...process.env, ...(opts.password ? { REDISCLI_AUTH: opts.password } : {}) };
  const { stdout } = await execFileP('redis-cli', [...cliTlsArgs(opts.certs), ...args], { env, timeout: 10_000 });
  return stdout;
}

/**
 * Starts redis-server in one of the modes. Ready means: answers PING (or NOAUTH),
 * the replica's link is up, or the cluster reports cluster_state:ok.
 */
export async function startRedisServer(opts: StartRedisOptions): Promise<RedisHandle> {
  installExitHook();
  const useTls = opts.tls ?? opts.mode === 'tls';
  const password = opts.password ?? (opts.mode === 'password' ? FIXTURE_PASSWORD : undefined);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  const dir = await mkdtemp(join(tmpdir(), `redis-diagnose-${opts.mode}-`));
  const tracked: Tracked[] = [];
  const cleanup = async () => {
    await Promise.all(tracked.map(stopTracked));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const certs = opts.certs ?? (useTls ? await generateCerts(join(dir, 'certs'), { names: opts.certNames ?? [] }) : undefined);
    const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
    const listen = (port: number, cluster: boolean, replication: boolean): { port: number; args: string[] } =>
      useTls && certs
        ? { port: 0, args: ['--tls-port', String(port), ...tlsArgs(certs, cluster, replication)] }
        : { port, args: [] };

    const ping = (port: number) => async () => {
      const reply = await rawCommand(port, 'PING', useTls && certs ? { tls: { verify: false } } : {});
      return reply === '+PONG' || reply.startsWith('-NOAUTH');
    };

    const startOnce = async (name: string, cluster: boolean, replication: boolean, extra: string[]) => {
      const port = await freePort();
      const nodeDir = join(dir, name);
      await mkdir(nodeDir, { recursive: true });
      const l = listen(port, cluster, replication);
      const node = await spawnNode({ port: l.port, dir: nodeDir, cleanupDir: dir, args: [...l.args, ...auth, ...extra, ...(opts.extraArgs ?? [])] }, tracked);
      const t = tracked[tracked.length - 1]!;
      if (tracked.length === 1) t.dir = dir;
      const real = { ...node, port };
      try {
        await waitReady(real, t, ping(port), deadline);
      } catch (e) {
        await stopTracked(t);
        tracked.splice(tracked.indexOf(t), 1);
        throw e;
      }
      return real;
    };
    // freePort() can race with another process taking the port; try a fresh one.
    const startOne = async (name: string, cluster: boolean, replication: boolean, extra: string[]) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await startOnce(name, cluster, replication, extra);
        } catch (e) {
          if (attempt >= 3 || !/Address already in use/.test((e as Error).message)) throw e;
        }
      }
    };

    let nodes: RedisNode[];
    let replica: RedisNode | undefined;
    if (opts.mode === 'cluster') {
      const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'];
      nodes = [];
      for (const n of ['node1', 'node2', 'node3']) nodes.push(await startOne(n, true, false, clusterArgs));
      await redisCli(
        ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
        { certs: useTls ? certs : undefined, password },
      );
      const first = nodes[0]!;
      await waitReady(first, tracked[0]!, async () => {
        for (const n of nodes) {
          const info = await redisCli(['-h', n.host, '-p', String(n.port), 'CLUSTER', 'INFO'], { certs: useTls ? certs : undefined, password });
          if (!info.includes('cluster_state:ok')) return false;
        }
        return true;
      }, deadline);
    } else if (opts.mode === 'replica') {
      // Default diskless-sync delay is 5 s; the replica should link at once.
      const primary = await startOne('primary', false, true, ['--repl-diskless-sync-delay', '0']);
      replica = await startOne('replica', false, true, ['--replicaof', LOOPBACK, String(primary.port)]);
      nodes = [primary, replica];
      const r = replica;
      await waitReady(r, tracked[1]!, async () => {
        const info = await redisCli(['-h', r.host, '-p', String(r.port), 'INFO', 'replication'], { certs: useTls ? certs : undefined, password });
        return info.includes('master_link_status:up');
      }, deadline);
    } else {
      nodes = [await startOne('server', false, false, [])];
    }

    const primary = nodes[0]!;
    let stopped: Promise<void> | undefined;
    return {
      ...primary,
      mode: opts.mode,
      tls: useTls,
      ...(password ? { password } : {}),
      ...(certs ? { certs } : {}),
      dir,
      nodes,
      ...(replica ? { replica } : {}),
      stop: () => (stopped ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
