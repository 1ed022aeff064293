import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqliteSql } from "../../../src/db/sqlite.js";
import { batchStemmer, chunkTerms, isStopword, queryWords } from "../../../src/knowledge/search/analysis.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { freshDatabase, type TestDatabase } from "../../support/db.js";

/**
 * The keyword index left FTS5 for its own postings; these tests hold its analysis and term weights to FTS5's on one
 * knowledge base (where FTS5's statistics were per table and so correct). Only the idf differs: Lucene's, see bm25.ts.
 */
const WORDS = (
  "running runner runs ran easily fairly generalization generalizations hopeful hopefulness relational " +
  "conditional rational valency digitizer conformabli radicalli differentli vileli analogousli vietnamization " +
  "predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti " +
  "triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference airliner " +
  "gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism " +
  "activate angulariti homologous effective bowdlerize probate rate cease controll roll agreed plastered bled " +
  "motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky " +
  "caresses ponies ties caress cats feed agreed disabled matting mating meeting milling messing meetings " +
  "Café naïve résumé ÉCOLE Ångström straße İstanbul 3D x86 2024 αβγ данные 東京 e-mail O'Neil"
).split(" ");

const TEXTS = Array.from({ length: 120 }, (_, i) => {
  const pick = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length]!;
  return {
    text: `The ${pick(1)} of ${pick(2)} and ${pick(3)}, ${pick(4)} ${pick(5)} ${pick(1)}; ${i % 5 === 0 ? pick(6) : "it"}.`,
    heading: i % 3 === 0 ? `${pick(7)} ${pick(8)}` : undefined,
  };
});

function fts5(): Database.Database {
  const db = new Database(":memory:");
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(text, heading, tokenize='porter unicode61 remove_diacritics 2');
           CREATE VIRTUAL TABLE v USING fts5vocab(f, instance);`);
  const insert = db.prepare("INSERT INTO f (rowid, text, heading) VALUES (?, ?, ?)");
  for (const [i, t] of TEXTS.entries()) insert.run(i + 1, t.text, t.heading ?? null);
  return db;
}

describe("keyword analysis and BM25 match SQLite FTS5 (porter unicode61 remove_diacritics 2, bm25)", () => {
  let t: TestDatabase;
  let index: SqliteSearchIndex;
  const ref = fts5();
  const scope = { accountId: "acct_parity", knowledgeBaseId: "kb_parity" };

  beforeAll(async () => {
    t = await freshDatabase("sqlite", [knowledgeIndexMigrations]);
    index = new SqliteSearchIndex(t.db.sql as SqliteSql);
    await index.addChunks(
      scope,
      TEXTS.map((x, i) => ({
        id: `chk_${i + 1}`,
        documentId: "doc",
        position: i,
        text: x.text,
        ...(x.heading ? { heading: x.heading } : {}),
        vector: Float32Array.of(1, 0),
      })),
    );
  });
  afterAll(async () => {
    ref.close();
    await t.cleanup();
  });

  it("finds the same terms in every chunk, stopwords aside", () => {
    const stem = batchStemmer();
    const instances = ref.prepare("SELECT term, doc, col FROM v").all() as { term: string; doc: number; col: string }[];
    TEXTS.forEach((x, i) => {
      const theirs = new Map<string, number>();
      for (const r of instances.filter((r) => r.doc === i + 1)) {
        theirs.set(r.term, (theirs.get(r.term) ?? 0) + (r.col === "heading" ? 2 : 1));
      }
      const stopStems = new Set(
        queryWords(`${x.text} ${x.heading ?? ""}`)
          .filter(isStopword)
          .map(stem),
      );
      for (const s of stopStems) theirs.delete(s);
      const mine = chunkTerms(x.text, x.heading, { headingWeight: 2, stem }).tf;
      for (const s of stopStems) mine.delete(s);
      expect(Object.fromEntries(mine), x.text).toEqual(Object.fromEntries(theirs));
    });
  });

  it("folds compatibility characters, which FTS5 keeps apart: a ligature from a PDF matches its letters", () => {
    const stem = batchStemmer();
    expect([...chunkTerms("ﬁnancial ｆｕｌｌｗｉｄｔｈ", undefined, { headingWeight: 2, stem }).tf.keys()]).toEqual([
      "financi",
      "fullwidth",
    ]);
  });

  it("scores every matching chunk with FTS5's bm25() term weights and Lucene's idf, repeated query words included", async () => {
    // FTS5 scores each query phrase as idf × a term-frequency part, with idf = ln((N − df + 0.5) / (df + 0.5)) floored
    // at 1e-6. The index uses Lucene's idf, ln(1 + (N − df + 0.5) / (df + 0.5)), which never reaches zero: the
    // reference takes FTS5's score of each word alone, swaps the idf, and sums over the query's words.
    const single = ref.prepare("SELECT rowid, -bm25(f, 1.0, 2.0) AS score FROM f WHERE f MATCH ?");
    const N = TEXTS.length;
    for (const query of ["running hopeful", "cafe naive resume ecole", "the operator of runs runs", "sky 2024 東京"]) {
      const expected = new Map<string, number>();
      for (const word of queryWords(query).filter((w) => !isStopword(w))) {
        const rows = single.all(`"${word}"`) as { rowid: number; score: number }[];
        const df = rows.length;
        const ftsIdf = Math.max(Math.log((N - df + 0.5) / (df + 0.5)), 1e-6);
        const luceneIdf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        for (const r of rows) {
          const key = `chk_${r.rowid}`;
          expected.set(key, (expected.get(key) ?? 0) + (r.score / ftsIdf) * luceneIdf);
        }
      }
      const hits = await index.search({ ...scope, text: query, mode: "keyword", topK: 500 });
      expect(hits.length, query).toBe(expected.size);
      expect(expected.size, query).toBeGreaterThan(0);
      for (const h of hits) expect(h.score, `${query}: ${h.chunkId}`).toBeCloseTo(expected.get(h.chunkId)!, 9);
    }
  });
});
