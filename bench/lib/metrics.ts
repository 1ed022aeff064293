/** IR metrics as BEIR / trec_eval compute them: linear graded gain, log2 discount, ideal ranking from the judgments. */
export function ndcgAt(k: number, ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const gain = relevant.get(ranked[i]!) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(k: number, ranked: string[], relevant: Map<string, number>): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) found++;
  return found / relevant.size;
}

export interface Scores {
  ndcg10: number;
  recall10: number;
  recall100: number;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function scoreRun(runs: { ranked: string[]; relevant: Map<string, number> }[]): Scores {
  return {
    ndcg10: mean(runs.map((r) => ndcgAt(10, r.ranked, r.relevant))),
    recall10: mean(runs.map((r) => recallAt(10, r.ranked, r.relevant))),
    recall100: mean(runs.map((r) => recallAt(100, r.ranked, r.relevant))),
  };
}
