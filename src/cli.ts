#!/usr/bin/env node
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCli, UsageError, USAGE, type CliOptions } from './cli-args.js';
import { diagnose } from './engine.js';
import { renderJson } from './render/json.js';
import { renderText } from './render/text.js';

/** Reading more than this from a file or stdin is pointless: the engine analyses 2 MB at most. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads stdin to the end. With `idleMs`, an open pipe that sends nothing at all in that time counts as empty:
 * `redis-diagnose --group x` from a script whose stdin is an idle pipe must not hang.
 */
function readStdin(idleMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      clearTimeout(idle);
      process.stdin.pause();
      process.stdin.removeAllListeners('data');
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const idle = idleMs === undefined ? undefined : setTimeout(() => chunks.length === 0 && finish(), idleMs);
    process.stdin.on('data', (chunk: Buffer) => {
      clearTimeout(idle);
      size += chunk.length;
      if (size <= MAX_INPUT_BYTES) chunks.push(chunk);
    });
    process.stdin.once('end', finish);
    process.stdin.once('error', reject);
  });
}

function readInputFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`--file ${path}: no such file`);
  const st = statSync(path);
  if (st.isDirectory()) throw new UsageError(`--file ${path}: is a directory`);
  // A huge log: keep its tail, where the error usually is (the engine cuts to 2 MB anyway).
  const data = readFileSync(path);
  return (st.size > MAX_INPUT_BYTES ? data.subarray(st.size - MAX_INPUT_BYTES) : data).toString('utf8');
}

/** --live defaults to on when the AWS SDK would find credentials. */
export function awsCredentialsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  const home = env.HOME ?? homedir();
  return existsSync(join(home, '.aws', 'credentials')) || existsSync(join(home, '.aws', 'config'));
}

async function readText(opts: CliOptions): Promise<string> {
  if (opts.text !== undefined) return opts.text;
  if (opts.file !== undefined && opts.file !== '-') return readInputFile(opts.file);
  const target = Boolean(opts.group || opts.endpoint);
  if (opts.file === undefined && process.stdin.isTTY) {
    if (target) return '';
    process.stderr.write('Paste the error text, then press Ctrl-D (see --help for other ways).\n');
  }
  return readStdin(target && opts.file === undefined ? 300 : undefined);
}

export async function runCli(argv: string[]): Promise<number> {
  // The SDK warns on every run that releases after January 2027 need Node 22: the image ships 22 (see Dockerfile).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (argv[0] === 'doctor') {
    const { runDoctor } = await import('./doctor.js');
    return runDoctor(argv.slice(1), process.env);
  }
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`redis-diagnose: ${err.message}\nRun redis-diagnose --help for usage.\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }

  let text: string;
  try {
    text = await readText(opts);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`redis-diagnose: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const live = opts.live ?? awsCredentialsConfigured();
  const { buildLiveDeps } = await import('./cli-live.js');
  const report = await diagnose(
    {
      text,
      hints: { ...(opts.group ? { group: opts.group } : {}), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(opts.region ? { region: opts.region } : {}) },
      live,
      probe: opts.probe,
      ...(opts.terraformDir ? { terraformDir: opts.terraformDir } : {}),
    },
    { live: live || opts.probe ? buildLiveDeps(process.env) : undefined },
  );
  process.stdout.write(opts.json ? `${renderJson(report)}\n` : renderText(report));
  return 0;
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`redis-diagnose: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
