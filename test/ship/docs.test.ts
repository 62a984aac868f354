// The operator docs stay true: every variable the bot reads and every metric it exports has its row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { ROOT } from './bot-process.js';

const ops = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');

it('docs/operations.md has a configuration row for every variable, and no row for an unknown one', () => {
  const rows = [...ops.matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]].filter(Boolean));
  expect([...new Set(rows)].sort()).toEqual([...CONFIG_VARIABLES].sort());
});

it('docs/operations.md lists every redis_diagnose_* metric the bot exports', async () => {
  const metrics = createMetrics(new Registry());
  const exported = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('redis_diagnose_'));
  const documented = [...ops.matchAll(/^\| `(redis_diagnose_[a-z_]+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(exported.sort());
});

it('CHANGELOG.md follows Keep a Changelog with 0.1.0 unreleased', () => {
  const log = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  expect(log).toMatch(/^# Changelog/);
  expect(log).toContain('keepachangelog.com');
  expect(log).toMatch(/^## \[0\.1\.0\] - Unreleased$/m);
  expect(log).toMatch(/^### Added$/m);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(pkg.version).toBe('0.1.0');
});
