import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';
import { CAUSES } from '../../src/diagnosis/causes.js';
import { match } from '../../src/diagnosis/matcher.js';
import { SIGNATURES } from '../../src/diagnosis/signatures/index.js';

describe('signature catalog', () => {
  it('has unique ids and only taxonomy causes', () => {
    const ids = SIGNATURES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SIGNATURES) expect(CAUSES, s.id).toContain(s.cause);
  });

  it('covers every cause of the taxonomy', () => {
    const covered = new Set(SIGNATURES.map((s) => s.cause));
    for (const c of CAUSES) expect(covered.has(c), c).toBe(true);
  });

  it.each(SIGNATURES.map((s) => [s.id, s] as const))('%s: its example contains a keyword and matches its pattern', (_id, s) => {
    expect(s.keywords.some((k) => s.example.toLowerCase().includes(k))).toBe(true);
    expect(s.pattern.test(s.example)).toBe(true);
    // Through the whole matcher: the prefilter finds it and the regex confirms it.
    expect(match(s.example).findings.map((f) => f.signature)).toContain(s.id);
  });

  it.each(SIGNATURES.filter((s) => s.cause !== 'unknown' && s.weight >= 2).map((s) => [s.id, s] as const))(
    '%s: its example, in a Redis context, is diagnosed as its cause',
    (_id, s) => {
      const a = analyzeText(`redis.exceptions.ConnectionError while talking to cache:6379\n${s.example}`);
      expect(a.diagnosis.cause).toBe(s.cause);
    },
  );
});

describe('scanner keyword rules', () => {
  it('keywords shorter than the scan window are words printed in upper case (searched upper case only)', async () => {
    const { SCANNER_WINDOW } = await import('../../src/diagnosis/keyword-scanner.js');
    for (const s of SIGNATURES) {
      for (const k of s.keywords.filter((k) => k.length < SCANNER_WINDOW)) {
        // An upper-case word or code (MOVED, NOAUTH, ECONNRESET, ': EOF'), not prose that could be printed in any case.
        expect(k.toUpperCase(), `${s.id}: ${k}`).toMatch(/^[A-Z_ :]*[A-Z]{3,}[A-Z_ :]*$/);
      }
    }
  });
});

describe('every signature is backed by a real text', () => {
  it.each(SIGNATURES.map((s) => [s.id, s] as const))('%s', async (_id, s) => {
    const { existsSync, readFileSync } = await import('node:fs');
    if (s.fixture.startsWith('cited: ')) {
      expect(s.fixture.length).toBeGreaterThan(12);
      return;
    }
    const path = new URL(`../fixtures/${s.fixture}`, import.meta.url);
    expect(existsSync(path), s.fixture).toBe(true);
    const text = readFileSync(path, 'utf8');
    // Ports, pids and timestamps change each time the fixtures are regenerated: compare with numbers masked.
    const mask = (t: string) => t.replace(/\d+/g, '0');
    expect(mask(text).includes(mask(s.example)), 'the example is copied from the fixture').toBe(true);
    expect(text.split('\n').some((line) => s.pattern.test(line))).toBe(true);
  });
});
