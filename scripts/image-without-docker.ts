// Replays the Dockerfile's stages without Docker (see scripts/build-image-without-docker.sh), then starts the
// image's ENTRYPOINT from the runtime stage against the fake Slack API on loopback and waits for /healthz.
// Proves the runtime layout works: dist + production node_modules + package files, nothing else.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { copyBuildContext, copyParts, parseDockerfile, stageEnv, type Stage } from './lib/dockerfile.js';
import { DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, DEFAULT_SIGNING_SECRET, FakeSlack } from '../test/helpers/fake-slack.js';

const repo = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const HEALTH_DEADLINE_MS = 2_000;
const started = Date.now();

function step(msg: string): void {
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);
}
function die(msg: string): never {
  process.stderr.write(`image-without-docker: FAILED: ${msg}\n`);
  process.exit(1);
}

const dockerfile = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'redis-diagnose-image-'));
const context = join(work, 'context');
const stageRoots = new Map<string, string>();
const stageDirs: string[] = [];

function cleanup(): void {
  if (keep) step(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** A path inside a stage's file system. */
function inStage(root: string, cwd: string, p: string): string {
  return isAbsolute(p) ? join(root, p) : join(cwd, p);
}

/** Stage directories already moved into a later stage (see copyInto). */
const moved = new Set<string>();

function copyInto(src: string, dest: string, destIsDir: boolean, fromStage: boolean): void {
  if (moved.has(src)) die(`COPY source ${src} was already taken by an earlier COPY; teach this script to copy it`);
  if (!existsSync(src)) die(`COPY source ${src} does not exist`);
  if (statSync(src).isDirectory()) {
    // Docker copies a directory's contents, not the directory itself. A directory from an earlier stage
    // (node_modules, dist) is moved rather than copied: the same result, without rewriting 60 MB on a slow disk.
    if (fromStage && !existsSync(dest)) {
      mkdirSync(resolve(dest, '..'), { recursive: true });
      renameSync(src, dest);
      moved.add(src);
      return;
    }
    mkdirSync(dest, { recursive: true });
    cpSync(src, dest, { recursive: true });
  } else {
    const target = destIsDir ? join(dest, basename(src)) : dest;
    mkdirSync(destIsDir ? dest : resolve(dest, '..'), { recursive: true });
    cpSync(src, target);
  }
}

function runStage(stage: Stage, index: number): { root: string; cwd: string; env: Record<string, string>; user?: string } {
  const root = join(work, 'stages', stage.name ?? String(index));
  mkdirSync(root, { recursive: true });
  stageDirs.push(root);
  let cwd = root;
  let user: string | undefined;
  const env: Record<string, string> = {};
  step(`stage ${stage.name ?? index} (FROM ${stage.from})`);
  for (const ins of stage.instructions.slice(1)) {
    switch (ins.keyword) {
      case 'WORKDIR':
        cwd = inStage(root, cwd, ins.args[0]!.trim());
        mkdirSync(cwd, { recursive: true });
        break;
      case 'ENV':
        Object.assign(env, stageEnv({ ...stage, instructions: [ins] }));
        break;
      case 'USER':
        user = ins.args[0]!.trim();
        break;
      case 'COPY': {
        const { sources, dest } = copyParts(ins);
        const from = ins.flags.from;
        const srcRoot = from ? stageRoots.get(from) : context;
        if (!srcRoot) die(`COPY --from=${from}: no such stage before this one`);
        const destPath = inStage(root, cwd, dest);
        const destIsDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
        for (const s of sources) copyInto(join(srcRoot, s), destPath, destIsDir, !!from);
        step(`  COPY ${from ? `--from=${from} ` : ''}${sources.join(' ')} ${dest}`);
        break;
      }
      case 'RUN': {
        const cmd = ins.args.join(' ');
        if (/^npm\s/.test(cmd)) {
          step(`  RUN ${cmd}`);
          // The npm cache of this machine stands in for the registry mirror a CI builder would have.
          const r = spawnSync('bash', ['-c', cmd], {
            cwd, stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ...env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
          });
          if (r.status !== 0) die(`RUN ${cmd} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
        } else if (/^apt-get\b/.test(cmd)) {
          // System packages come with the base image's OS; this machine has its own (ca-certificates included).
          step(`  RUN ${cmd.slice(0, 70)}... (skipped: a system package step of the base image)`);
        } else {
          die(`RUN ${cmd}: this script replays npm and apt-get steps only; teach it this one`);
        }
        break;
      }
      default:
        break;
    }
  }
  if (stage.name) stageRoots.set(stage.name, root);
  return { root, cwd, env, ...(user ? { user } : {}) };
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Runs as an unprivileged user when we are root, as the image does (USER node). */
function unprivileged(cmd: string[]): string[] {
  if (process.getuid?.() !== 0) return cmd;
  const setpriv = spawnSync('bash', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();
  return setpriv ? [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups', ...cmd] : cmd;
}

async function startAndCheck(label: string, runtime: { cwd: string; env: Record<string, string> }, entrypoint: string[], healthcheck: string[] | undefined, extraEnv: Record<string, string>): Promise<void> {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...runtime.env, PORT: String(port), NODE_NO_WARNINGS: '1', ...extraEnv };
  // The image's node is node:22; here it is this machine's node (the code supports both).
  const [bin, ...args] = entrypoint;
  const cmd = unprivileged([bin === 'node' ? process.execPath : bin!, ...args]);
  step(`${label}: starting ${entrypoint.join(' ')} in ${runtime.cwd} (PORT=${port}${process.getuid?.() === 0 && cmd[0]!.endsWith('setpriv') ? ', as uid 65534' : ''})`);
  const t0 = Date.now();
  const child: ChildProcess = spawn(cmd[0]!, cmd.slice(1), { cwd: runtime.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  let healthy = false;
  while (Date.now() - t0 < HEALTH_DEADLINE_MS) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
      if (res.status === 200) { healthy = true; break; }
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = Date.now() - t0;
  if (!healthy) {
    child.kill('SIGKILL');
    die(`${label}: /healthz did not answer 200 within ${HEALTH_DEADLINE_MS} ms of the start\n${output.slice(-3000)}`);
  }
  step(`${label}: /healthz answered 200 after ${ms} ms`);

  if (healthcheck) {
    const [hcBin, ...hcArgs] = healthcheck;
    const r = spawnSync(hcBin === 'node' ? process.execPath : hcBin!, hcArgs, { env: { ...env }, timeout: 10_000 });
    if (r.status !== 0) { child.kill('SIGKILL'); die(`${label}: the image's HEALTHCHECK command exited ${r.status}`); }
    step(`${label}: the image's HEALTHCHECK command exits 0`);
  }

  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) die(`${label}: exit code ${code} after SIGTERM\n${output.slice(-3000)}`);
  step(`${label}: stopped cleanly on SIGTERM (exit 0)`);
}

async function main(): Promise<void> {
  step(`work directory ${work}`);
  const files = copyBuildContext(repo, context);
  step(`build context: ${files.length} files (.dockerignore applied)`);
  if (files.some((f) => f.startsWith('node_modules/') || f.startsWith('.git/') || f.startsWith('dist/'))) die('the build context holds node_modules, .git or dist');

  let runtime: ReturnType<typeof runStage> | undefined;
  dockerfile.stages.forEach((s, i) => { runtime = runStage(s, i); });
  if (!runtime) die('the Dockerfile has no stage');
  const final = dockerfile.stages.at(-1)!;
  const entrypoint = final.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (!entrypoint?.json) die('the final stage has no exec-form ENTRYPOINT');
  const healthcheck = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);

  // The runtime layout: what the image holds besides the base OS.
  const top = readdirSync(runtime.cwd).sort();
  step(`runtime ${runtime.cwd}: ${top.join(', ')}`);
  for (const devOnly of ['typescript', 'vitest', 'tsx']) {
    if (existsSync(join(runtime.cwd, 'node_modules', devOnly))) die(`node_modules/${devOnly} is in the runtime: the dev dependencies were not pruned`);
  }
  if (top.includes('src') || top.includes('test')) die('sources or tests ended up in the runtime stage');

  // The unprivileged user must be able to read everything (mkdtemp makes the work directory private).
  for (const d of [work, join(work, 'stages'), ...stageDirs]) chmodSync(d, 0o755);

  const slack = await FakeSlack.start();
  try {
    const common = { SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN, SLACK_API_URL: slack.apiUrl, AWS_EC2_METADATA_DISABLED: 'true' };
    await startAndCheck('HTTP mode', runtime, entrypoint.args, healthcheck?.args.slice(1), { ...common, SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET });
    await slack.enableSocketMode();
    await startAndCheck('Socket Mode', runtime, entrypoint.args, healthcheck?.args.slice(1), { ...common, SLACK_APP_TOKEN: DEFAULT_APP_TOKEN });
  } finally {
    await slack.stop();
  }
  step('image-without-docker: ok');
}

main().then(cleanup, (err: unknown) => {
  cleanup();
  die(err instanceof Error ? err.stack ?? err.message : String(err));
});
process.on('exit', () => { if (!keep && existsSync(work)) rmSync(work, { recursive: true, force: true }); });
