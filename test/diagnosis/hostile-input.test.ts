import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';
import { match } from '../../src/diagnosis/matcher.js';
import { SIGNATURE_FAMILIES, SIGNATURES } from '../../src/diagnosis/signatures/index.js';

const SEED =
  '[ERROR] ConnectionError: Error 1 connecting to prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).';
const LOG_LINE = '2024-05-01T10:00:00.123Z INFO  request handled path=/api/orders status=200 duration_ms=12 user=42\n';

function log(bytes: number, tail = ''): string {
  return LOG_LINE.repeat(Math.ceil(bytes / LOG_LINE.length)).slice(0, bytes) + tail;
}

describe('hostile and odd input', () => {
  it('a 5 MB log with the error at the end: diagnosed, and says the text was cut', () => {
    const a = analyzeText(log(5 * 1024 * 1024, `\n${SEED}\n`));
    expect(a.diagnosis.cause).toBe('tls-to-plaintext');
    expect(a.normalized.truncated).toBe(true);
    expect(a.normalized.notes.join(' ')).toMatch(/only the first .* and the last .* were analysed/);
  });

  it('a 5 MB log through the CLI (stdin): exit 0 with a diagnosis', () => {
    const r = spawnSync('node', ['dist/src/cli.js', '--json', '--no-live'], { input: log(5 * 1024 * 1024, `\n${SEED}\n`), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.input.truncated).toBe(true);
  });

  it('empty and blank input: a clear message, not a crash', () => {
    for (const text of ['', '   \n\t  ', '```\n```']) {
      const a = analyzeText(text);
      expect(a.inputKind).toBe('empty');
      expect(a.diagnosis.summary).toMatch(/Nothing to diagnose/);
    }
    const r = spawnSync('node', ['dist/src/cli.js', '--no-live'], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Nothing to diagnose/);
  });

  it('binary junk: unknown, with a note that it looked binary', () => {
    const junk = randomBytes(200_000).toString('latin1');
    const a = analyzeText(junk);
    expect(a.diagnosis.cause).toBe('unknown');
    expect(a.normalized.notes.join(' ')).toMatch(/binary/);
    const r = spawnSync('node', ['dist/src/cli.js', '--json', '--no-live'], { input: randomBytes(300_000), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cause).toBe('unknown');
  });

  it('a 100k-character single line, with the error in the middle', () => {
    const line = 'x'.repeat(50_000) + ` ${SEED} ` + 'y'.repeat(50_000);
    const a = analyzeText(line);
    expect(a.diagnosis.cause).toBe('tls-to-plaintext');
    expect(a.findings[0]!.evidence.length).toBeLessThanOrEqual(302);
  });

  it('ordinary chat gets no cause', () => {
    for (const text of ['can someone review my PR?', 'we should move sessions to redis next sprint', 'lunch at 12?', 'the deploy is green :tada:']) {
      expect(analyzeText(text).diagnosis.cause, text).toBe('unknown');
    }
  });
});

describe('linear time: adversarial input of 100 KB per pattern family', () => {
  // Near misses: every keyword of the family followed by most of each example, repeated on one line,
  // so every pattern runs on every window and none of them can finish early.
  for (const [family, sigs] of Object.entries(SIGNATURE_FAMILIES)) {
    it(`${family}: finishes, with a bounded number of regex evaluations`, () => {
      const fragments = sigs.flatMap((s) => [...s.keywords, s.example.slice(0, Math.max(1, s.example.length - 3))]);
      let text = '';
      while (text.length < 100_000) text += fragments.join(' ') + ' ';
      const variants = [text, text.replace(/ /g, ''), text.replace(/ /g, '\n'), `${text}\n`.repeat(1)];
      for (const v of variants) {
        const started = performance.now();
        const m = match(v);
        const elapsed = performance.now() - started;
        expect(m.evaluations).toBeLessThanOrEqual(SIGNATURES.length * 200);
        // Not a speed goal (see npm run bench): only "does not hang". A catastrophic pattern takes minutes here.
        expect(elapsed).toBeLessThan(10_000);
      }
    });
  }

  it('every catalog pattern is free of nested quantifiers (the shape that backtracks catastrophically)', () => {
    const nested = /\((?:[^()\\]|\\.)*(?:[*+]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[*+]|\{\d+,\d*\})/;
    for (const s of SIGNATURES) expect(nested.test(s.pattern.source), s.id).toBe(false);
  });
});
