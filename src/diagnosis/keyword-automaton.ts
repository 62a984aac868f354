/**
 * Aho-Corasick over lower-cased ASCII keywords, compiled to a dense DFA.
 * One pass over the text finds every keyword occurrence in linear time, whatever the input;
 * the matcher then runs a signature's regular expression only on the few lines a keyword hit.
 * (Hand-written because it is small, and a dense table is what makes a 1 MB log scan fast.)
 */
const ALPHABET = 128;

export class KeywordAutomaton {
  private readonly delta: Int32Array;
  /** For each state, the keyword ids that end there (including through failure links). */
  private readonly outputs: (number[] | undefined)[];
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const goto: number[][] = [[]];
    const out: number[][] = [[]];
    keywords.forEach((kw, id) => {
      if (kw.length === 0) throw new Error('empty keyword');
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`keyword ${JSON.stringify(kw)} is not ASCII`);
        if (kw[i] !== kw[i]!.toLowerCase()) throw new Error(`keyword ${JSON.stringify(kw)} is not lower case`);
        let next = goto[s]![c];
        if (next === undefined) {
          next = goto.length;
          goto.push([]);
          out.push([]);
          goto[s]![c] = next;
        }
        s = next;
      }
      out[s]!.push(id);
    });

    const states = goto.length;
    const delta = new Int32Array(states * ALPHABET);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = goto[0]![c];
      if (next !== undefined) {
        delta[c] = next;
        fail[next] = 0;
        queue.push(next);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let c = 0; c < ALPHABET; c++) {
        const next = goto[s]![c];
        if (next !== undefined) {
          fail[next] = delta[fail[s]! * ALPHABET + c]!;
          delta[s * ALPHABET + c] = next;
          queue.push(next);
        } else {
          delta[s * ALPHABET + c] = delta[fail[s]! * ALPHABET + c]!;
        }
      }
    }
    this.delta = delta;
    this.outputs = out.map((o) => (o.length > 0 ? [...new Set(o)] : undefined));
  }

  /**
   * Calls onHit(keywordId, endIndex) for every occurrence (endIndex is exclusive).
   * `text` must already be lower-cased; non-ASCII characters reset to the start state.
   * Return false from onHit to stop early.
   */
  scan(text: string, onHit: (keywordId: number, end: number) => boolean | void): void {
    const delta = this.delta;
    const outputs = this.outputs;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < ALPHABET ? delta[s * ALPHABET + c]! : 0;
      const hit = outputs[s];
      if (hit !== undefined) {
        for (const id of hit) if (onHit(id, i + 1) === false) return;
      }
    }
  }
}
