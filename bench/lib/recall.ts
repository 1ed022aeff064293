/**
 * Recall of a vector index against exact cosine over the same unit vectors, and how close its misses are: with
 * clustered synthetic vectors in many dimensions, the exact 10th and the 11th–50th can be near-ties, and a strict
 * recall then measures the ties as much as the index.
 */
export interface ExactTop {
  /** Row numbers of the exact top `k`, best first. */
  rows: number[];
  /** Their similarities. */
  sims: number[];
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

/** The exact top `k` of `vectors` (those `within` passes) for `q` (one pass, a sorted buffer of `k`). */
export function exactTop(
  vectors: Float32Array[],
  q: Float32Array,
  k: number,
  within: (row: number) => boolean = () => true,
): ExactTop {
  const rows: number[] = [];
  const sims: number[] = [];
  for (let i = 0; i < vectors.length; i++) {
    if (!within(i)) continue;
    const s = dot(vectors[i]!, q);
    if (sims.length === k && s <= sims[k - 1]!) continue;
    let at = sims.length;
    while (at > 0 && sims[at - 1]! < s) at--;
    sims.splice(at, 0, s);
    rows.splice(at, 0, i);
    if (sims.length > k) {
      sims.pop();
      rows.pop();
    }
  }
  return { rows, sims };
}

export interface RecallReport {
  /** Share of the exact top 10 returned. */
  strict: number;
  /** Share of returned hits whose similarity is within `tie` of the exact 10th's (a near-tie counts as found). */
  withinTie: number;
  /** Mean of (exact 10th similarity − returned 10th similarity): how much worse the worst hit is. */
  gap10: number;
  /** Mean count of exact ranks 11–50 within `tie` of the exact 10th: how many near-ties a query has. */
  tiesPerQuery: number;
  /** Mean exact similarity at ranks 1, 2, 10 and 50. */
  profile: [number, number, number, number];
}

/** `returned[i]` are the row numbers an index gave for query `i`, best first; `exact[i]` its exact top 50. */
export function recallReport(
  vectors: Float32Array[],
  queries: Float32Array[],
  exact: ExactTop[],
  returned: number[][],
  tie: number,
): RecallReport {
  let found = 0;
  let near = 0;
  let gap = 0;
  let ties = 0;
  const profile: [number, number, number, number] = [0, 0, 0, 0];
  queries.forEach((q, i) => {
    const top = exact[i]!;
    const s10 = top.sims[9]!;
    const want = new Set(top.rows.slice(0, 10));
    const got = returned[i]!.slice(0, 10);
    found += got.filter((r) => want.has(r)).length;
    const sims = got.map((r) => dot(vectors[r]!, q));
    near += sims.filter((s) => s >= s10 - tie).length;
    gap += s10 - (sims.length === 10 ? sims[9]! : Number.NEGATIVE_INFINITY);
    ties += top.sims.slice(10).filter((s) => s >= s10 - tie).length;
    [0, 1, 9, 49].forEach((rank, j) => {
      profile[j] += top.sims[rank] ?? 0;
    });
  });
  const n = queries.length;
  return {
    strict: found / (10 * n),
    withinTie: near / (10 * n),
    gap10: gap / n,
    tiesPerQuery: ties / n,
    profile: profile.map((p) => p / n) as RecallReport["profile"],
  };
}
