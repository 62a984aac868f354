// Every fixture tree × every cause: the plan never throws, and every diff it makes applies in order with
// `git apply` and leaves files the HCL parser accepts.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAUSES } from '../../src/diagnosis/causes.js';
import { planFix } from '../../src/remediation/index.js';
import { checkout, fixture, FIXTURES, input, mainPath } from './support.js';

const IDS: Record<string, string> = {
  seed: 'prd-redis', 'module-layout': 'prd-redis', 'preferred-71': 'stg-sessions', 'plain-71': 'prd-catalog',
  valkey: 'prd-valkey', templated: 'shop-stg-cache', 'two-candidates': 'prd-redis', 'odd-formatting': 'odd-cache',
};

const trees = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('fixture × cause matrix', () => {
  it('covers every fixture tree', () => {
    expect(trees.sort()).toEqual(Object.keys(IDS).sort());
  });

  for (const tree of trees) {
    it(`${tree}: every cause plans without error and its diffs apply`, async () => {
      for (const cause of CAUSES) {
        const fix = await planFix(input(cause, { replicationGroupId: IDS[tree] }), { terraformDir: fixture(tree) });
        expect(fix.steps.length, `${tree} ${cause}`).toBeGreaterThan(0);
        expect(fix.notes?.join(' ') ?? '', `${tree} ${cause}`).not.toMatch(/could not be (built|patched)/);
        const changes = mainPath(fix.terraformChanges);
        if (changes.length === 0) continue;
        // Each cause's plan starts from the pristine tree.
        const fresh = await checkout(tree);
        try {
          for (const change of changes) await fresh.apply(change);
          for (const file of new Set(changes.flatMap((ch) => ch.files ?? [ch.file]))) {
            await expect(fresh.hcl(file), `${tree} ${cause} ${path.basename(file)}`).resolves.toBeTypeOf('object');
          }
        } finally {
          await fresh.dispose();
        }
      }
    }, 60_000);
  }
});
