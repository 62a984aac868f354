import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyParts, dockerignoreMatcher, parseDockerfile, stageEnv, type Stage } from '../../scripts/lib/dockerfile.js';

const root = resolve(import.meta.dirname, '../..');
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const ignoreText = readFileSync(join(root, '.dockerignore'), 'utf8');
const ignored = dockerignoreMatcher(ignoreText);
const final = dockerfile.stages.at(-1)!;
const byName = (name: string) => dockerfile.stages.find((s) => s.name === name);
const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args.join(' '));
const last = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword).at(-1);

describe('the parser itself', () => {
  it('joins continuations, reads flags, exec forms and ENV pairs', () => {
    const df = parseDockerfile([
      'ARG BASE=node:22-bookworm-slim',
      'FROM ${BASE} AS one',
      '# a comment',
      'ENV A=1 \\',
      '    B="two words"',
      'RUN echo a \\',
      '  && echo b',
      'COPY --from=zero /x ./y',
      'HEALTHCHECK --interval=5s CMD ["node", "-e", "1"]',
      'ENTRYPOINT ["node", "x.js"]',
    ].join('\n'));
    const s = df.stages[0]!;
    expect(s.from).toBe('node:22-bookworm-slim');
    expect(s.name).toBe('one');
    expect(stageEnv(s)).toEqual({ A: '1', B: 'two words' });
    expect(runs(s)).toEqual(['echo a && echo b']);
    expect(last(s, 'COPY')!.flags).toEqual({ from: 'zero' });
    expect(last(s, 'HEALTHCHECK')!.args).toEqual(['CMD', 'node', '-e', '1']);
    expect(last(s, 'HEALTHCHECK')!.flags.interval).toBe('5s');
    expect(last(s, 'ENTRYPOINT')!.json).toBe(true);
  });

  it('dockerignore: last match wins, ! re-includes, ** spans directories', () => {
    const m = dockerignoreMatcher('*.log\n!keep.log\nnode_modules\n**/secret.txt\n');
    expect(m('a.log')).toBe(true);
    expect(m('keep.log')).toBe(false);
    expect(m('node_modules/x/index.js')).toBe(true);
    expect(m('deep/dir/secret.txt')).toBe(true);
    expect(m('src/main.ts')).toBe(false);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage: builds with npm ci + npm run build, prunes with npm ci --omit=dev in a clean stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    const build = dockerfile.stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)))!;
    expect(build, 'a stage that runs npm run build').toBeDefined();
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    const prune = dockerfile.stages.find((s) => runs(s).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))!;
    expect(prune, 'a stage that runs npm ci --omit=dev').toBeDefined();
    expect(prune).not.toBe(build);
    // The prune stage starts from the base image and sees only the package files, not the build's node_modules.
    expect(prune.instructions.some((i) => i.keyword === 'COPY' && i.flags.from)).toBe(false);
    expect(prune.instructions.filter((i) => i.keyword === 'COPY').flatMap((i) => copyParts(i).sources)).toEqual(['package.json', 'package-lock.json']);

    // The runtime stage takes node_modules from the prune stage and dist from the build stage: nothing else of either.
    const fromStages = final.instructions.filter((i) => i.keyword === 'COPY' && i.flags.from);
    const took = Object.fromEntries(fromStages.map((i) => [copyParts(i).sources[0], i.flags.from]));
    expect(took).toEqual({ '/app/node_modules': prune.name, '/app/dist': build.name });
    expect(runs(final).join(' ')).not.toMatch(/npm (ci|install)/);
  });

  it('runs on a supported Node LTS slim image (22 or later, even major)', () => {
    const m = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(final.from);
    expect(m, `runtime base ${final.from}`).not.toBeNull();
    const major = Number(m![1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major % 2).toBe(0);
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = last(final, 'USER')?.args[0]?.trim();
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    const userIndex = final.instructions.findIndex((i) => i.keyword === 'USER');
    // Nothing runs as root after the switch.
    expect(final.instructions.slice(userIndex).some((i) => i.keyword === 'USER' && /^(root|0)\b/.test(i.args[0] ?? ''))).toBe(false);
    expect(stageEnv(final).NODE_ENV).toBe('production');
  });

  it('has the CA bundle for TLS to ElastiCache', () => {
    expect(runs(final).some((r) => /apt-get install\b.*\bca-certificates\b/.test(r))).toBe(true);
  });

  it('starts the bot: ENTRYPOINT node dist/src/main.js, which the build produces from src/main.ts', () => {
    const ep = last(final, 'ENTRYPOINT')!;
    expect(ep.json).toBe(true);
    expect(ep.args).toEqual(['node', 'dist/src/main.js']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; type: string };
    expect(pkg.scripts.start).toBe('node dist/src/main.js');
    expect(pkg.type).toBe('module');
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { outDir: string; rootDir: string } };
    expect([tsconfig.compilerOptions.outDir, tsconfig.compilerOptions.rootDir]).toEqual(['dist', '.']);
    expect(existsSync(join(root, 'src/main.ts'))).toBe(true);
    // package.json must ship beside dist/ ("type": "module" makes dist/*.js ES modules).
    expect(final.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from).flatMap((i) => copyParts(i).sources)).toContain('package.json');
  });

  it('copies manifest.yml and policy.example.yml, which exist and are not ignored by .dockerignore', () => {
    const copied = final.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from).flatMap((i) => copyParts(i).sources);
    expect(copied).toEqual(expect.arrayContaining(['manifest.yml', 'policy.example.yml']));
    for (const f of copied) {
      expect(existsSync(join(root, f)), `${f} exists in the repository`).toBe(true);
      expect(ignored(f), `${f} is not excluded by .dockerignore`).toBe(false);
    }
  });

  it('bakes in no secrets', () => {
    const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/xox[abpr]-|xapp-|AKIA[A-Z0-9]{16}|-----BEGIN/);
    for (const s of dockerfile.stages) {
      for (const name of Object.keys(stageEnv(s))) expect(name).not.toMatch(/TOKEN|SECRET|PASSWORD|KEY|REDIS_URL/);
      for (const i of s.instructions.filter((x) => x.keyword === 'ARG')) expect(i.args[0]).not.toMatch(/TOKEN|SECRET|PASSWORD|KEY/);
    }
    for (const name of Object.keys(dockerfile.args)) expect(name).not.toMatch(/TOKEN|SECRET|PASSWORD|KEY/);
  });

  it('.dockerignore keeps secrets, git, local node_modules and build output out of the context', () => {
    for (const p of ['.env', '.env.production', '.git/config', 'node_modules/zod/package.json', 'dist/src/main.js', 'key.pem', '.npmrc', '.aws/credentials', 'test/helpers/certs.ts']) {
      expect(ignored(p), p).toBe(true);
    }
    for (const p of ['src/main.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'manifest.yml', 'policy.example.yml']) expect(ignored(p), p).toBe(false);
  });

  describe('HEALTHCHECK', () => {
    const hc = last(final, 'HEALTHCHECK')!;

    it('is an exec-form node command against /healthz on PORT, with bounds', () => {
      expect(hc.json).toBe(true);
      expect(hc.args.slice(0, 2)).toEqual(['CMD', 'node']);
      expect(hc.args.join(' ')).toMatch(/\/healthz/);
      expect(hc.args.join(' ')).toMatch(/process\.env\.PORT/);
      expect(hc.flags.timeout).toBeDefined();
      expect(hc.flags.interval).toBeDefined();
    });

    async function serve(status: number): Promise<{ server: Server; port: number; hits: string[] }> {
      const hits: string[] = [];
      const server = createServer((req, res) => { hits.push(req.url ?? ''); res.writeHead(req.url === '/healthz' ? status : 404); res.end(); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return { server, port: (server.address() as AddressInfo).port, hits };
    }
    const runCheck = (port: number) => new Promise<number>((resolvePromise) => {
      const child = spawn(hc.args[1]!, hc.args.slice(2), { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
      child.on('exit', (code) => resolvePromise(code ?? -1));
    });

    it('the command itself exits 0 on a 200 from /healthz and 1 on a 503 or when nothing listens', async () => {
      const up = await serve(200);
      const draining = await serve(503);
      try {
        expect(await runCheck(up.port)).toBe(0);
        expect(up.hits).toEqual(['/healthz']);
        expect(await runCheck(draining.port)).toBe(1);
      } finally {
        up.server.close();
        draining.server.close();
      }
      const closed = spawnSync(hc.args[1]!, hc.args.slice(2), { env: { ...process.env, PORT: String(up.port) }, timeout: 10_000 });
      expect(closed.status).toBe(1);
    });
  });
});
