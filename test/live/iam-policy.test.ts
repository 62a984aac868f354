// deploy/iam-policy.json lists exactly the ElastiCache actions the code calls: no more, no fewer.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

describe('deploy/iam-policy.json', () => {
  it('allows exactly the elasticache:* actions that src/live sends, all read-only', () => {
    const policy = JSON.parse(readFileSync(new URL('deploy/iam-policy.json', root), 'utf8')) as {
      Statement: { Effect: string; Action: string[] }[];
    };
    const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action).sort();
    const used = new Set<string>();
    for (const file of readdirSync(new URL('src/live/', root))) {
      const code = readFileSync(new URL(`src/live/${file}`, root), 'utf8');
      for (const m of code.matchAll(/new (\w+)Command\(/g)) used.add(`elasticache:${m[1]}`);
    }
    expect(used.size).toBeGreaterThan(0);
    expect(allowed).toEqual([...used].sort());
    expect(allowed.every((a) => /^elasticache:(Describe|List)/.test(a))).toBe(true);
  });
});
