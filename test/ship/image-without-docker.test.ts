// Runs scripts/build-image-without-docker.sh: the Dockerfile's stages replayed in a clean directory, then the
// image's entrypoint started from the runtime layout. Slow (two npm ci runs and a TypeScript build: about a minute).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './bot-process.js';

it('the image builds without Docker, and its entrypoint answers /healthz within 2 s in both Slack modes', async () => {
  const child = spawn('bash', [join(ROOT, 'scripts/build-image-without-docker.sh')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, out).toBe(0);
  expect(out).toMatch(/RUN npm ci --ignore-scripts/);
  expect(out).toMatch(/RUN npm run build/);
  expect(out).toMatch(/RUN npm ci --omit=dev/);
  expect(out).toMatch(/runtime .*: dist, manifest\.yml, node_modules, package-lock\.json, package\.json, policy\.example\.yml$/m);
  for (const mode of ['HTTP mode', 'Socket Mode']) {
    const ms = Number(new RegExp(`${mode}: /healthz answered 200 after (\\d+) ms`).exec(out)?.[1]);
    expect(ms, `${mode} health line in:\n${out}`).toBeLessThanOrEqual(2_000);
    expect(out).toContain(`${mode}: the image's HEALTHCHECK command exits 0`);
    expect(out).toContain(`${mode}: stopped cleanly on SIGTERM (exit 0)`);
  }
  expect(out).toMatch(/image-without-docker: ok/);
}, 300_000);
