/**
 * Why the PostgreSQL adapter computes BM25 itself: nDCG@10 of PostgreSQL's own rankers (ts_rank, ts_rank_cd, with
 * length normalisation 0 and 1) against the adapter's BM25, same candidates (the OR query), same server.
 *   npx tsx bench/lib/pg-rank-compare.ts
 */
import { COLLECTIONS, documentText, loadCollection } from "./collections.js";
import { openBenchIndex } from "./engines.js";
import { mean, ndcgAt } from "./metrics.js";

const RANKERS = {
  "ts_rank_cd (norm 0)": "ts_rank_cd(to_tsvector('english', c.text), q.query)",
  "ts_rank_cd (norm 1)": "ts_rank_cd(to_tsvector('english', c.text), q.query, 1)",
  "ts_rank (norm 1)": "ts_rank(to_tsvector('english', c.text), q.query, 1)",
};
const placeholder = Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));
const scope = { accountId: "acct_rank", knowledgeBaseId: "kb_rank" };
const table: string[] = [];
for (const name of COLLECTIONS) {
  const c = loadCollection(name);
  const { index, dispose, query } = await openBenchIndex("postgres");
  const texts = c.docs.map(documentText);
  for (let i = 0; i < texts.length; i += 500) {
    await index.addChunks(
      scope,
      texts.slice(i, i + 500).map((text, j) => ({
        id: c.docs[i + j]!.id,
        documentId: c.docs[i + j]!.id,
        position: 0,
        text,
        vector: placeholder,
      })),
    );
  }
  const scores: Record<string, number[]> = { "BM25 (adapter)": [] };
  for (const label of Object.keys(RANKERS)) scores[label] = [];
  for (const q of c.queries) {
    const rel = c.qrels.get(q.id)!;
    const bm25 = await index.search({ ...scope, text: q.text, mode: "keyword", topK: 10 });
    scores["BM25 (adapter)"]!.push(
      ndcgAt(
        10,
        bm25.map((h) => h.documentId),
        rel,
      ),
    );
    for (const [label, expr] of Object.entries(RANKERS)) {
      const rows = (await query!(
        `WITH q AS (SELECT replace(plainto_tsquery('english', $1)::text, ' & ', ' | ')::tsquery AS query)
         SELECT c.document_id FROM knowledge_chunks c, q WHERE to_tsvector('english', c.text) @@ q.query
         ORDER BY ${expr} DESC LIMIT 10`,
        [q.text.normalize("NFKD").replace(/\p{M}+/gu, "")],
      )) as { document_id: string }[];
      scores[label]!.push(
        ndcgAt(
          10,
          rows.map((r) => r.document_id),
          rel,
        ),
      );
    }
  }
  for (const [label, xs] of Object.entries(scores)) table.push(`${name}\t${label}\t${mean(xs).toFixed(3)}`);
  await dispose();
}
console.log(table.join("\n"));
