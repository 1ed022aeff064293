/**
 * Okapi BM25 in PostgreSQL SQL. `ts_rank_cd` is not BM25 (no IDF, no length saturation), so the score is computed
 * here: a GIN-indexed `tsv @@ (w1 | w2 | …)` finds the candidates; each chunk's `tf` map (lexeme → count, heading
 * words counting twice as the heading column weight does in SQLite's FTS5) gives term frequencies — precomputed at
 * insert, because unnesting tsvectors at query time cost seconds per query; document frequency and average length
 * come from the knowledge base's own chunks, never from other owners'. A lexeme the query repeats counts once per
 * occurrence. df is exact because every chunk holding a query lexeme matches the OR query.
 */
const K1 = 1.2;
const B = 0.75;
export const HEADING_WEIGHT = 2;

/** Diacritics removed before `to_tsvector` (the `english` configuration keeps them), the same on every server. */
export function foldForIndex(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "");
}

/**
 * $1 account, $2 knowledge base, $3 folded query text, $4 document ids (JSON array or null), $5 metadata (JSON
 * object or null), $6 limit; `extra` is one more condition on `hits` (it may use $7).
 */
export function bm25Sql(extra: string): string {
  return `WITH q AS (
  SELECT u.lexeme, cardinality(u.positions) AS qtf FROM unnest(to_tsvector('english', $3)) AS u
), cand AS (
  SELECT c.pk, c.len, c.tf, c.document_id, c.metadata FROM knowledge_chunks c
  WHERE c.account_id = $1 AND c.knowledge_base_id = $2
    AND c.tsv @@ (SELECT string_agg('''' || replace(lexeme, '''', '''''') || '''', ' | ')::tsquery FROM q)
), hits AS (
  SELECT cand.pk, cand.len, cand.document_id, cand.metadata, q.lexeme, q.qtf, (cand.tf ->> q.lexeme)::float8 AS tf
  FROM cand JOIN q ON (cand.tf ->> q.lexeme) IS NOT NULL
), df AS (
  SELECT lexeme, count(*) AS n FROM hits GROUP BY lexeme
), stats AS (
  SELECT count(*) AS total, greatest(avg(len), 1)::float8 AS avgdl FROM knowledge_chunks
  WHERE account_id = $1 AND knowledge_base_id = $2
)
SELECT hits.pk::text AS key,
  sum(hits.qtf * ln(1 + (stats.total - df.n + 0.5) / (df.n + 0.5))
    * hits.tf * ${K1 + 1} / (hits.tf + ${K1} * (1 - ${B} + ${B} * hits.len / stats.avgdl)))::float8 AS score
FROM hits JOIN df USING (lexeme) CROSS JOIN stats
WHERE ($4::jsonb IS NULL OR hits.document_id IN (SELECT jsonb_array_elements_text($4::jsonb)))
  AND ($5::jsonb IS NULL OR hits.metadata @> $5::jsonb)
  AND ${extra}
GROUP BY hits.pk ORDER BY score DESC LIMIT $6`;
}
