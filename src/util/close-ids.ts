/** "Did you mean": ids or words within a small edit distance of the one asked for, closest first (AWS group ids, policy keys). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function closeIds(wanted: string, candidates: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  return candidates
    .map((c) => {
      const l = c.toLowerCase();
      const d = editDistance(w, l);
      const contains = w.length >= 3 && (l.includes(w) || w.includes(l));
      return { c, score: contains ? Math.min(d, 1) : d };
    })
    .filter((x) => x.score <= limit && x.c.toLowerCase() !== w)
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}
