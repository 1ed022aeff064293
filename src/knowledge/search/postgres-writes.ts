import { setImmediate as nextTurn } from "node:timers/promises";
import type { Sealer } from "../../lib/sealing.js";
import { Inversion } from "./keyword-blocks.js";
import { type ArrayEncoding, byteaParam, vectorsParam } from "./postgres-arrays.js";
import { type KeyedPostings, keyedTerms, type PgQueryable } from "./postgres-keyword.js";
import { vectorTable } from "./postgres-schema.js";
import { sealChunk } from "./postgres-sealed.js";
import type { PostgresVectorIndex, VectorKind } from "./postgres-vectors.js";
import type { IndexedChunk, IndexScope } from "./search-index.js";

/** Chunks analysed between two turns of the event loop while the rows' INSERT is on its way to the server. */
const SLICE = 100;

export interface ChunkRows {
  scope: IndexScope;
  /** The chunks, distinct ids, in the order their keys are given. */
  chunks: IndexedChunk[];
  /** Each vector size's table kind (its table exists). */
  kinds: Map<number, VectorKind>;
  vectors: PostgresVectorIndex;
  arrays: ArrayEncoding;
  documentSealers: Map<string, Sealer>;
  /** The knowledge base's sealer, which keys the terms. */
  sealer: Sealer;
  /** Keys a term with `sealer` (a bulk load's remembers them across batches); by default `sealer.term`. */
  keyTerm?: (term: string) => string;
  headingWeight: number;
}

/**
 * Inserts chunk rows and their vectors — one statement per vector size, the vectors and sealed texts as array
 * parameters (postgres-arrays.ts) — and meanwhile analyses the chunks' text and keys their terms, a slice at a time so
 * the statement's bytes keep flowing to the server: the process's work and the server's overlap on two cores. The
 * postings are made under each chunk's position in `chunks` and moved to its row key once the rows are in.
 */
export async function insertChunks(tx: PgQueryable, rows: ChunkRows): Promise<KeyedPostings> {
  const { chunks } = rows;
  const inserted = insertRows(tx, rows);
  // The statement's failure is the caller's, when it awaits it below; until then it must not count as unhandled.
  inserted.catch(() => {});
  const inversion = new Inversion(rows.headingWeight);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    inversion.add({ key: i, text: c.text, heading: c.heading ?? null });
    if (i % SLICE === SLICE - 1) await nextTurn();
  }
  const keyTerm = rows.keyTerm;
  const byTerm = keyTerm
    ? new Map([...inversion.byTerm].map(([term, postings]) => [keyTerm(term), postings]))
    : keyedTerms(inversion.byTerm, rows.sealer);
  const keys = await inserted;
  const keyOf = chunks.map((c) => keys.get(c.id)!);
  // Keys are handed out in the rows' order; should they not be, each term's postings are sorted again.
  const ordered = keyOf.every((k, i) => i === 0 || k > keyOf[i - 1]!);
  for (const postings of byTerm.values()) {
    for (const p of postings) p.key = keyOf[p.key]!;
    if (!ordered) postings.sort((a, b) => a.key - b.key);
  }
  return {
    chunks: chunks.length,
    tokens: inversion.tokens,
    byTerm,
    keys: ordered ? keyOf : keyOf.sort((a, b) => a - b),
  };
}

/** The rows, by vector size; their keys by chunk id. */
async function insertRows(tx: PgQueryable, rows: ChunkRows): Promise<Map<string, number>> {
  const { scope, vectors } = rows;
  const keys = new Map<string, number>();
  const bySize = new Map<number, IndexedChunk[]>();
  for (const c of rows.chunks) {
    const group = bySize.get(c.vector.length) ?? [];
    if (group.length === 0) bySize.set(c.vector.length, group);
    group.push(c);
  }
  for (const [dimensions, group] of bySize) {
    const kind = rows.kinds.get(dimensions)!;
    const input = group.map((c, i) => ({
      i,
      chunk_id: c.id,
      document_id: c.documentId,
      position: c.position,
      page: c.page ?? null,
      metadata: c.metadata ?? null,
    }));
    const sealed = group.map((c) => sealChunk(c, rows.documentSealers.get(c.documentId)!));
    const result = (
      await tx.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($3::jsonb) AS t(i INTEGER, chunk_id TEXT, document_id TEXT,
             position INTEGER, page INTEGER, metadata JSONB)
         ), inserted AS (
           INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, chunk_id, position, page,
             metadata, sealed, document_keyed, dimensions)
           SELECT $1, $2, document_id, chunk_id, position, page, metadata, ($5::bytea[])[i + 1], true, $4
           FROM input ORDER BY i
           RETURNING pk, chunk_id
         ), vectors AS (
           INSERT INTO ${vectorTable(dimensions)} (pk, account_id, knowledge_base_id, embedding)
           SELECT inserted.pk, $1, $2,
             ($6::real[])[input.i * $4 + 1 : input.i * $4 + $4]::${vectors.columnType(kind, dimensions)}
           FROM inserted JOIN input USING (chunk_id)
         )
         SELECT pk::float8 AS key, chunk_id FROM inserted`,
        [
          scope.accountId,
          scope.knowledgeBaseId,
          JSON.stringify(input),
          dimensions,
          byteaParam(sealed, rows.arrays),
          vectorsParam(
            group.map((c) => c.vector),
            rows.arrays,
          ),
        ],
      )
    ).rows as { key: number; chunk_id: string }[];
    for (const r of result) keys.set(r.chunk_id, r.key);
  }
  return keys;
}
