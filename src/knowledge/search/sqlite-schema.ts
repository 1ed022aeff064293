import type { DomainMigrations } from "../../db/sql.js";

/**
 * The SQLite knowledge index. Chunk rows own the text; `knowledge_fts` indexes it as an external-content table (the
 * text is stored once) with FTS5 `secure-delete`, so a delete command — given the row's original text — erases its
 * terms from the index pages. (A contentless table cannot do that: it only records tombstones and the terms stay
 * on disk until a merge, which the erasure test caught.) Vectors live in one
 * vec0 table per dimension, created on first use (`knowledge_vec_<n>`), partitioned by account and knowledge base.
 * PostgreSQL tables are created by `PostgresSearchIndex.init()`, which must first probe for pgvector.
 */
export const knowledgeIndexMigrations: DomainMigrations = {
  domain: "knowledge-index",
  migrations: [
    {
      version: 1,
      name: "chunks, keyword index",
      sqlite: `
CREATE TABLE knowledge_chunks (
  pk INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  chunk_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  page INTEGER,
  heading TEXT,
  metadata TEXT,
  text TEXT NOT NULL,
  dimensions INTEGER NOT NULL
);
CREATE UNIQUE INDEX knowledge_chunks_id ON knowledge_chunks (account_id, knowledge_base_id, chunk_id);
CREATE INDEX knowledge_chunks_document ON knowledge_chunks (account_id, knowledge_base_id, document_id);
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
  text, heading, content='knowledge_chunks', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO knowledge_fts (knowledge_fts, rank) VALUES ('secure-delete', 1);`,
      postgres: "SELECT 1",
    },
  ],
};

/** The vec0 table for one vector size; the name is built from a validated integer only. */
export function vectorTableName(dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) {
    throw new Error(`unsupported vector size ${dimensions}`);
  }
  return `knowledge_vec_${dimensions}`;
}

// chunk_size: vec0 preallocates one block of chunk_size vectors per partition (per knowledge base), so the
// default 1024 would reserve 2 MiB of disk for a three-chunk knowledge base of 512-d vectors.
export const vectorTableSql = (dimensions: number) => `CREATE VIRTUAL TABLE IF NOT EXISTS ${vectorTableName(dimensions)}
USING vec0(
  account_id TEXT PARTITION KEY,
  knowledge_base_id TEXT PARTITION KEY,
  embedding FLOAT[${dimensions}] distance_metric=cosine,
  chunk_size=128
)`;
