// Runs the bot as a real process (the entrypoint, src/main.ts through tsx, or dist/src/main.js) and reads its
// JSON log lines, so tests see what an operator sees: exit codes, stderr, logs, HTTP answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface LogLine { level: number; msg: string; event?: string; [k: string]: unknown }

export interface BotProcess {
  child: ChildProcess;
  logs: LogLine[];
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or -1 when killed by a signal). */
  exited: Promise<number>;
  /** Ms since epoch when the process exited. */
  exitedAt: () => number | undefined;
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** The port from the `started` log line. */
  port(): Promise<number>;
  kill(): void;
}

/** A clean environment: only what the test gives, plus PATH/HOME (no developer AWS or Slack variables leak in). */
export function startBotProcess(env: Record<string, string>, opts: { entry?: string; cwd?: string; node?: string[] } = {}): BotProcess {
  const entry = opts.entry ?? resolve(ROOT, 'src/main.ts');
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, [...(opts.node ?? []), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  let exitedAt: number | undefined;
  const logs: LogLine[] = [];
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    partial += b.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try { logs.push(JSON.parse(l) as LogLine); } catch { /* not a log line */ }
    }
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<number>((res) => child.on('exit', (code) => { exitedAt = Date.now(); for (const w of [...waiters]) w(); res(code ?? -1); }));

  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs = 10_000, what = 'a log line') =>
    new Promise<LogLine>((res, rej) => {
      const check = () => {
        const hit = logs.find(pred);
        if (hit) { done(); res(hit); return; }
        if (exitedAt) { done(); rej(new Error(`bot exited before ${what}; stderr: ${err.slice(0, 2000)}; stdout: ${out.slice(-2000)}`)); }
      };
      const timer = setTimeout(() => { done(); rej(new Error(`no ${what} within ${timeoutMs} ms; stderr: ${err.slice(0, 2000)}; stdout: ${out.slice(-2000)}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); const i = waiters.indexOf(check); if (i >= 0) waiters.splice(i, 1); };
      waiters.push(check);
      check();
    });

  return {
    child,
    logs,
    stdout: () => out,
    stderr: () => err,
    exited,
    exitedAt: () => exitedAt,
    waitForLog,
    port: async () => Number((await waitForLog((l) => l.event === 'started', 15_000, 'the started line')).port),
    kill: () => { if (exitedAt === undefined) child.kill('SIGKILL'); },
  };
}
