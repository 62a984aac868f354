/**
 * The signature prefilter: finds every occurrence of the catalog's keywords in one left-to-right pass that
 * skips ahead, Wu-Manber style, on three-character blocks. On text with no error (chat, ordinary logs) it
 * looks at about one position in five; the work per position is bounded, so it stays linear on any input.
 * Case-insensitive without lower-casing the text.
 *
 * Keywords shorter than the window must be words that are always printed in upper case: Redis replies
 * (`MOVED `, `NOAUTH`, `WRONGPASS`) and errno codes (`ECONNRESET`, `ENOTFOUND`). They are found with the
 * engine's regex scanner in one pass over the text, upper case only (a catalog test enforces this).
 */
const FOLD = new Uint8Array(65536);
for (let c = 0; c < 128; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;
// Non-ASCII code units fold to 0, which no keyword contains.

/** Keywords at least this long are found by the skipping scan; shorter ones must be upper-case words. */
export const SCANNER_WINDOW = 14;
const HASH_BITS = 15;
/**
 * How common a character is in ordinary chat and logs (English letter frequency, with the digits and
 * punctuation that fill timestamps and key=value pairs). Unlisted characters count as rare.
 * Each keyword is found through its window of rarest characters: rarer blocks mean longer skips.
 */
const COMMON = ' e0t1a2o:i.n3s-4h5r6d7l8=9c/u_m,w"f\'g(y)p[b]v>k<j;x@q#z';
/**
 * The most frequent trigrams of English prose (with word boundaries): a keyword window that contains one
 * gives short skips on every line of chat, so windows avoid them when the keyword allows.
 */
const COMMON_TRIGRAMS = new Set([
  ' th', 'the', 'he ', 'ing', 'ng ', ' an', 'and', 'nd ', ' in', 'ion', 'tio', 'on ', 'ed ', 'er ', ' to', 'to ',
  ' of', 'of ', 'es ', 're ', 'is ', ' is', 'at ', 'ent', 'ati', ' co', 'for', ' fo', 'or ', 'ter', 'ere', 'her',
  'hat', 'tha', 'nce', 'ons', 'ver', 'all', ' re', 'in ', 'ly ', 'ts ', 'st ', 'te ', 'es,', 'al ', 'an ', 'en ',
  ' a ', ' be', ' wa', 'was', ' it', 'it ', ' on', ' we', 'we ', ' yo', 'you', 'ou ', ' ha', 'ave', 'ith', 'wit',
  ' wh', 'ted', 'ers', 'ess', 'con', 'com', 'pro', 'est', 'men', 'not', ' no', 'ate', 'ica', 'our', 'out',
]);
const commonness = (c: number) => {
  const i = COMMON.indexOf(String.fromCharCode(c));
  return i < 0 ? 0 : COMMON.length - i;
};
const HASH_MASK = (1 << HASH_BITS) - 1;
const hash3 = (a: number, b: number, c: number) => ((a << 10) ^ (b << 5) ^ c) & HASH_MASK;

export class KeywordScanner {
  readonly keywords: readonly string[];
  private readonly window: number;
  private readonly shift: Uint8Array;
  /** Flat buckets: keyword ids whose window ends with a block of hash h are ids[start[h] .. start[h+1]). */
  private readonly bucketStart: Int32Array;
  private readonly bucketIds: Int32Array;
  /** The short keywords, upper case, as one alternation: the regex engine scans for all of them in one native pass. */
  private readonly shortPattern: RegExp | undefined;
  private readonly shortIds = new Map<string, number>();
  /** Where each keyword's window starts inside the keyword. */
  private readonly offset: Int32Array;

  constructor(keywords: readonly string[], window = SCANNER_WINDOW) {
    for (const k of keywords) {
      if (k !== k.toLowerCase()) throw new Error(`keyword ${JSON.stringify(k)} is not lower case`);
      if (/[^\x00-\x7f]/.test(k)) throw new Error(`keyword ${JSON.stringify(k)} is not ASCII`);
    }
    this.keywords = keywords;
    this.window = window;
    keywords.forEach((k, i) => {
      if (k.length < window) this.shortIds.set(k.toUpperCase(), i);
    });
    const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.shortPattern = this.shortIds.size
      ? new RegExp([...this.shortIds.keys()].sort((x, y) => y.length - x.length).map(escape).join('|'), 'g')
      : undefined;
    this.shift = new Uint8Array(HASH_MASK + 1).fill(window - 2);
    const buckets: number[][] = Array.from({ length: HASH_MASK + 1 }, () => []);
    this.offset = new Int32Array(keywords.length);
    keywords.forEach((k, id) => {
      if (k.length < window) return;
      let best = 0;
      let bestScore = Infinity;
      for (let o = 0; o + window <= k.length; o++) {
        let score = 0;
        for (let j = o; j < o + window; j++) score += commonness(k.charCodeAt(j));
        for (let j = o + 2; j < o + window; j++) if (COMMON_TRIGRAMS.has(k.slice(j - 2, j + 1))) score += 60;
        if (score < bestScore) [best, bestScore] = [o, score];
      }
      this.offset[id] = best;
      const w = k.slice(best, best + window);
      for (let j = 2; j < window; j++) {
        const h = hash3(w.charCodeAt(j - 2), w.charCodeAt(j - 1), w.charCodeAt(j));
        const s = window - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
      }
      buckets[hash3(w.charCodeAt(window - 3), w.charCodeAt(window - 2), w.charCodeAt(window - 1))]!.push(id);
    });
    this.bucketStart = new Int32Array(HASH_MASK + 2);
    const ids: number[] = [];
    buckets.forEach((b, h) => {
      this.bucketStart[h] = ids.length;
      ids.push(...b);
    });
    this.bucketStart[HASH_MASK + 1] = ids.length;
    this.bucketIds = Int32Array.from(ids);
  }

  /** Calls onHit(keywordId, end) for every occurrence (end exclusive). */
  scan(text: string, onHit: (keywordId: number, end: number) => void): void {
    const { window, shift, bucketStart, bucketIds, keywords, offset } = this;
    const n = text.length;
    let pos = window - 1;
    while (pos < n) {
      const h = hash3(FOLD[text.charCodeAt(pos - 2)]!, FOLD[text.charCodeAt(pos - 1)]!, FOLD[text.charCodeAt(pos)]!);
      const s = shift[h]!;
      if (s !== 0) {
        pos += s;
        continue;
      }
      const windowStart = pos - window + 1;
      for (let b = bucketStart[h]!, e = bucketStart[h + 1]!; b < e; b++) {
        const kw = keywords[bucketIds[b]!]!;
        const len = kw.length;
        const start = windowStart - offset[bucketIds[b]!]!;
        if (start < 0 || start + len > n) continue;
        let i = 0;
        while (i < len && FOLD[text.charCodeAt(start + i)] === kw.charCodeAt(i)) i++;
        if (i === len) onHit(bucketIds[b]!, start + len);
      }
      pos++;
    }
    if (this.shortPattern) {
      const re = this.shortPattern;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) onHit(this.shortIds.get(m[0])!, m.index + m[0].length);
    }
  }
}
