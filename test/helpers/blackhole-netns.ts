// An address on this machine whose port silently drops TCP SYNs, for network-timeout
// (what a security group or a wrong route looks like from the client). Built from a network
// namespace made here: a veth pair on TEST-NET-2 (198.51.100.0/30; TEST-NET-1 is not used because
// some sandboxes put their own uplink on 192.0.2.0/24), and an nftables DROP inside the namespace.
// Nothing leaves the veth: setup checks that the kernel routes the far address over our veth
// before handing it out. Needs root, `ip` (iproute2) and `nft` (nftables).
// Teardown on stop(), on normal exit, and (a watchdog reading our stdin pipe) on SIGKILL too.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BlackholeHandle {
  /** The far end: SYNs to `host:port` are dropped without an answer. */
  host: string;
  port: number;
  /** Our end of the veth pair (the client's source address). */
  localAddress: string;
  netns: string;
  veth: string;
  stop(): Promise<void>;
}

export interface BlackholeOptions {
  /** Default 6379. */
  port?: number;
  /** Namespace name; default `rdfx-<pid>`. The veth is named after it (max 15 chars). */
  name?: string;
}

const NEAR = '198.51.100.1';
const FAR = '198.51.100.2';
const PREFIX = 30;

/** Why a black hole cannot be made here, or null when it can. */
export async function blackholeUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, nft)';
  for (const tool of ['ip', 'nft']) {
    try {
      await run(tool, [tool === 'ip' ? '-V' : '--version']);
    } catch {
      return `\`${tool}\` not found (${tool === 'nft' ? 'apt-get install nftables' : 'iproute2'})`;
    }
  }
  return null;
}

function teardownArgs(netns: string, veth: string): string {
  // Deleting the namespace destroys its veth end asynchronously; delete our end explicitly too.
  return `ip netns del '${netns}' 2>/dev/null; ip link del '${veth}' 2>/dev/null; true`;
}

export async function startBlackhole(opts: BlackholeOptions = {}): Promise<BlackholeHandle> {
  const port = opts.port ?? 6379;
  const netns = opts.name ?? `rdfx-${process.pid}`;
  const veth = netns.replace(/[^a-z0-9]/gi, '').slice(0, 13) + 'a';
  const peer = veth.slice(0, -1) + 'b';
  if (!/^[a-z0-9-]{1,20}$/i.test(netns)) throw new Error(`bad namespace name ${netns}`);
  const sh = (cmd: string) => run('sh', ['-c', cmd]);
  const ip = (...args: string[]) => run('ip', args);
  const nsNft = (...args: string[]) => run('ip', ['netns', 'exec', netns, 'nft', ...args]);

  // Refuse to shadow a route that already exists for these addresses (someone else's network).
  const before = (await ip('-4', 'route', 'show', 'match', FAR)).stdout.split('\n').filter((l) => l && !l.startsWith('default'));
  if (before.length > 0) throw new Error(`${FAR} is already routed here (${before.join('; ')}); not making a black hole over it`);

  let watchdog: ChildProcess | undefined;
  const teardown = teardownArgs(netns, veth);
  const onExit = () => {
    try {
      execFileSync('sh', ['-c', teardown], { stdio: 'ignore' });
    } catch {
      /* best effort */
    }
  };
  const stop = async () => {
    process.off('exit', onExit);
    await sh(teardown);
    watchdog?.kill('SIGKILL');
    watchdog?.stdin?.destroy();
  };
  try {
    await ip('netns', 'add', netns);
    process.on('exit', onExit);
    // Runs the teardown when our stdin pipe closes, i.e. whenever this process dies.
    watchdog = spawn('sh', ['-c', `cat >/dev/null; ${teardown}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();

    await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', peer);
    // No IPv6 on the pair: no router solicitations or DAD chatter, only the SYNs we cause.
    await sh(`sysctl -qw net.ipv6.conf.${veth}.disable_ipv6=1 2>/dev/null; true`);
    await ip('link', 'set', peer, 'netns', netns);
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    await run('ip', ['netns', 'exec', netns, 'sh', '-c', `sysctl -qw net.ipv6.conf.${peer}.disable_ipv6=1 2>/dev/null; true`]);
    await ip('addr', 'add', `${NEAR}/${PREFIX}`, 'dev', veth);
    await ip('-n', netns, 'addr', 'add', `${FAR}/${PREFIX}`, 'dev', peer);
    await ip('link', 'set', veth, 'up');
    await ip('-n', netns, 'link', 'set', peer, 'up');
    await nsNft('add', 'table', 'inet', 'blackhole');
    await nsNft('add', 'chain', 'inet', 'blackhole', 'input', '{ type filter hook input priority 0; policy accept; }');
    await nsNft('add', 'rule', 'inet', 'blackhole', 'input', 'tcp', 'dport', String(port), 'counter', 'drop');

    const route = (await ip('-4', 'route', 'get', FAR)).stdout;
    if (!new RegExp(`\\bdev ${veth}\\b`).test(route)) throw new Error(`${FAR} is not routed over ${veth}: ${route.trim()}`);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { host: FAR, port, localAddress: NEAR, netns, veth, stop };
}

/** SYNs the namespace dropped so far (the nft rule's counter), to show traffic reached only the veth. */
export async function droppedSyns(h: Pick<BlackholeHandle, 'netns'>): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', h.netns, 'nft', 'list', 'table', 'inet', 'blackhole']);
  return Number(/counter packets (\d+)/.exec(stdout)?.[1] ?? NaN);
}
