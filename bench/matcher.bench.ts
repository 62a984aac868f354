/**
 * npm run bench: the matcher's throughput on three inputs, beside a naive baseline measured in the same run
 * (every catalog pattern as a JavaScript RegExp, run one after the other over the whole text).
 */
import { analyzeText } from '../src/diagnosis/analyze.js';
import { match } from '../src/diagnosis/matcher.js';
import { SIGNATURES } from '../src/diagnosis/signatures/index.js';

const MB = 1024 * 1024;
const SEED =
  '[ERROR] ConnectionError: Error 1 connecting to prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).';

const CHAT = [
  'morning all, standup in 5',
  'can someone review https://github.com/acme/api/pull/4211 when you get a chance?',
  'the deploy to staging is green :tada:',
  "I think we should cache the product catalogue, maybe in a redis cluster, let's discuss on Thursday",
  'lunch? thinking ramen',
  'PSA: the VPN certificate rotates tonight, reconnect tomorrow morning',
  'ack, looking',
  'who owns the billing dashboards these days?',
  'I pushed a fix for the flaky test in orders_spec, please re-run CI',
  'the meeting notes are in the doc, section 3 covers timeouts for the payments API',
];
const LOG = [
  '2024-05-01T10:00:00.123Z INFO  request handled path=/api/orders status=200 duration_ms=12 user=42',
  '2024-05-01T10:00:00.456Z DEBUG cache hit key=product:1234 ttl=299',
  '2024-05-01T10:00:01.001Z WARN  slow query table=orders duration_ms=812',
  '2024-05-01T10:00:01.337Z INFO  GET /healthz 200 0.4ms',
];

function fill(lines: string[], bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = lines[i % lines.length]!;
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n');
}

/** Near misses for every pattern: all keywords and most of every example, densely packed. */
function worstCase(bytes: number): string {
  const fragments = SIGNATURES.flatMap((s) => [...s.keywords, s.example.slice(0, Math.max(1, s.example.length - 3))]);
  return fill([fragments.join(' ')], bytes);
}

const naivePatterns = SIGNATURES.map((s) => new RegExp(s.pattern.source, s.pattern.flags.includes('g') ? s.pattern.flags : `${s.pattern.flags}g`));
function naive(text: string): number {
  let hits = 0;
  for (const re of naivePatterns) {
    re.lastIndex = 0;
    while (re.exec(text)) hits++;
  }
  return hits;
}

/** Median ms of each function, measured alternately so that load on the machine hits both alike. */
function timePair(a: () => unknown, b: () => unknown, minMs = 1500, minRuns = 5): [number, number] {
  a();
  b();
  const sa: number[] = [];
  const sb: number[] = [];
  const start = performance.now();
  while (sa.length < minRuns || performance.now() - start < minMs) {
    let t = performance.now();
    a();
    sa.push(performance.now() - t);
    t = performance.now();
    b();
    sb.push(performance.now() - t);
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(sa), median(sb)];
}

const inputs: [string, string, number][] = [
  ['(a) chat text, no error', fill(CHAT, MB), 20],
  ['(b) 1 MB log, one error at the end', `${fill(LOG, MB)}\n${SEED}\n`, 10],
  ['(c) worst case: near misses for every pattern', worstCase(MB), 0],
];

console.log(`catalog: ${SIGNATURES.length} signatures; node ${process.version}\n`);
console.log('input                                          | size    | matcher MB/s | naive MB/s | ratio  | goal');
console.log('-----------------------------------------------|---------|--------------|------------|--------|------');
let failed = false;
for (const [name, text, goal] of inputs) {
  const mb = text.length / MB;
  const [ours, base] = timePair(() => match(text), () => naive(text));
  const ratio = base / ours;
  const ok = goal === 0 || ratio >= goal;
  if (!ok) failed = true;
  console.log(
    `${name.padEnd(47)}| ${mb.toFixed(2).padStart(4)} MB | ${(mb / (ours / 1000)).toFixed(1).padStart(12)} | ${(mb / (base / 1000)).toFixed(1).padStart(10)} | ${ratio.toFixed(1).padStart(5)}x | ${goal ? `>= ${goal}x ${ok ? 'ok' : 'MISSED'}` : '-'}`,
  );
}
const full = `${fill(LOG, MB)}\n${SEED}\n`;
const [whole] = timePair(() => analyzeText(full), () => undefined);
console.log(`\nwhole pipeline (normalize + redact + match + extract + conclude) on (b): ${(full.length / MB / (whole / 1000)).toFixed(1)} MB/s`);
if (failed) process.exitCode = 1;
