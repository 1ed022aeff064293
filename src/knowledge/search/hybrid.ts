import { type FusionOptions, fuseScores } from "./fusion.js";
import type { SearchHit, SearchQuery } from "./search-index.js";

/** A row key private to one adapter (a SQLite rowid, a PostgreSQL bigint as text). */
export type RowKey = number | string;

export interface ScoredKey {
  key: RowKey;
  score: number;
}

/**
 * The primitives an adapter provides; `runSearch` composes them into the three modes so SQLite and PostgreSQL rank
 * identically. Every primitive applies the query's owner and filters inside its own SQL.
 */
export interface RetrievalBackend {
  /** Best BM25 first, at most `limit`. */
  keywordTop(query: SearchQuery, limit: number): Promise<ScoredKey[]>;
  /** Highest cosine similarity first, at most `limit`. */
  semanticTop(query: SearchQuery, vector: Float32Array, limit: number): Promise<ScoredKey[]>;
  /** BM25 of the given rows (rows without a query word are absent). */
  keywordScores(query: SearchQuery, keys: RowKey[]): Promise<Map<RowKey, number>>;
  /** Cosine similarity of the given rows. */
  semanticScores(query: SearchQuery, vector: Float32Array, keys: RowKey[]): Promise<Map<RowKey, number>>;
  /** The stored chunks of the given rows. */
  load(query: SearchQuery, keys: RowKey[]): Promise<Map<RowKey, Omit<SearchHit, "score">>>;
}

export interface HybridConfig {
  fusion: FusionOptions;
  /** How many candidates each signal contributes before fusion (at least topK). */
  candidates: number;
}

export const DEFAULT_HYBRID: HybridConfig = { fusion: { semanticWeight: 0.3 }, candidates: 100 };

export function unitVector(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n === 0 || Math.abs(n - 1) < 1e-6) return v;
  const inv = 1 / Math.sqrt(n);
  return Float32Array.from(v, (x) => x * inv);
}

async function ranked(backend: RetrievalBackend, query: SearchQuery, config: HybridConfig): Promise<ScoredKey[]> {
  if (query.mode === "keyword") return backend.keywordTop(query, query.topK);
  if (!query.vector) throw new Error(`a ${query.mode} search needs the query vector`);
  const vector = unitVector(query.vector);
  if (query.mode === "semantic") return backend.semanticTop(query, vector, query.topK);

  const depth = Math.max(config.candidates, query.topK);
  const [kw, se] = await Promise.all([backend.keywordTop(query, depth), backend.semanticTop(query, vector, depth)]);
  const keyword = new Map(kw.map((h) => [h.key, h.score]));
  const semantic = new Map(se.map((h) => [h.key, h.score]));
  const needKeyword = se.filter((h) => !keyword.has(h.key)).map((h) => h.key);
  const needSemantic = kw.filter((h) => !semantic.has(h.key)).map((h) => h.key);
  const [moreKeyword, moreSemantic] = await Promise.all([
    needKeyword.length ? backend.keywordScores(query, needKeyword) : new Map<RowKey, number>(),
    needSemantic.length ? backend.semanticScores(query, vector, needSemantic) : new Map<RowKey, number>(),
  ]);
  const keys = [...new Set([...keyword.keys(), ...semantic.keys()])];
  const fused = fuseScores(
    keys.map((key) => ({
      key,
      keyword: keyword.get(key) ?? moreKeyword.get(key) ?? 0,
      semantic: semantic.get(key) ?? moreSemantic.get(key) ?? 0,
    })),
    config.fusion,
  );
  return fused.slice(0, query.topK);
}

/** Runs one search in its mode and returns the hits, best first. */
export async function runSearch(
  backend: RetrievalBackend,
  query: SearchQuery,
  config: HybridConfig,
): Promise<SearchHit[]> {
  if (query.topK <= 0) return [];
  const order = await ranked(backend, query, config);
  if (order.length === 0) return [];
  const rows = await backend.load(
    query,
    order.map((h) => h.key),
  );
  const hits: SearchHit[] = [];
  for (const { key, score } of order) {
    const row = rows.get(key);
    if (row) hits.push({ ...row, score });
  }
  return hits;
}
