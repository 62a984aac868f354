/**
 * Every committed error fixture (printed by a real client library, or quoted from a cited public source)
 * gives its labelled cause. Non-Redis errors (curl, urllib, Node https, psql, Java) give unknown or low.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';

interface Entry {
  file: string;
  client: string;
  expectedCause: string;
  alsoFits?: string[];
  decidableFromText?: boolean;
  redisContext?: boolean;
  source: string;
}

const ROOT = join(import.meta.dirname, '..', 'fixtures');
const sets = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'manifest.json')));
const STRONG = (labels: string[]) => labels.filter((l) => l !== 'the word Redis or Valkey').length > 0;

describe.each(sets)('fixtures: %s', (set) => {
  const entries = JSON.parse(readFileSync(join(ROOT, set, 'manifest.json'), 'utf8')) as Entry[];
  const negative = (e: Entry) => set === 'non-redis' || e.redisContext === false;

  it.each(entries.map((e) => [e.file, e] as const))('%s', (_file, e) => {
    const text = readFileSync(join(ROOT, set, e.file), 'utf8');
    let a = analyzeText(text);
    if (negative(e)) {
      expect(a.diagnosis.cause === 'unknown' || a.diagnosis.confidence === 'low', `${a.diagnosis.cause}/${a.diagnosis.confidence}`).toBe(true);
      return;
    }
    const accept = [e.expectedCause, ...(e.alsoFits ?? [])];
    if (e.decidableFromText === false) {
      const ok = accept.includes(a.diagnosis.cause) || a.diagnosis.cause === 'unknown' || a.diagnosis.confidence === 'low';
      expect(ok, `${a.diagnosis.cause}/${a.diagnosis.confidence}`).toBe(true);
      return;
    }
    if (!STRONG(a.context.redisContext)) {
      // A quoted line with no Redis in it (cited threads quote just the error): by the Redis-context rule it
      // stays unknown or low on its own, and gives its cause once the paste shows it is Redis.
      expect(a.diagnosis.cause === 'unknown' || a.diagnosis.confidence !== 'high').toBe(true);
      a = analyzeText(`[${e.client}] cache.internal:6379\n${text}`);
    }
    expect(accept, `${a.diagnosis.cause}/${a.diagnosis.confidence}: ${a.findings.map((f) => f.signature).join(',')}`).toContain(a.diagnosis.cause);
  });
});

describe('fixture sets', () => {
  it('cover real clients and the negatives', () => {
    expect(sets).toEqual(expect.arrayContaining(['clients', 'cited', 'non-redis']));
    const all = sets.flatMap((s) => JSON.parse(readFileSync(join(ROOT, s, 'manifest.json'), 'utf8')) as Entry[]);
    expect(all.length).toBeGreaterThan(250);
  });
});
