import type { DomainMigrations } from "../../db/sql.js";

/**
 * The SQLite knowledge index. Chunk rows own the text. Keyword search is BM25 over postings this index stores itself
 * (see sqlite-keyword.ts), with each knowledge base's own statistics: FTS5's bm25() took document frequencies from
 * the whole table, so one tenant's scores moved with another tenant's text, and it scored every match (210 ms at
 * 100,000 chunks). Vectors live in one vec0 table per dimension (`knowledge_vec_<n>`, partitioned by account and
 * knowledge base) with a sign-bit copy beside it for fast candidate search, both created on first use.
 * `secure_delete` (set on every connection) zeroes what a delete or a rewritten postings block leaves behind.
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
    {
      version: 2,
      name: "keyword postings per knowledge base",
      // Knowledge bases indexed before this version get their postings from their stored chunks on first use.
      sqlite: `
CREATE TABLE knowledge_keyword_bases (
  kb INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  chunks INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  UNIQUE (account_id, knowledge_base_id)
);
CREATE TABLE knowledge_postings (
  kb INTEGER NOT NULL,
  term TEXT NOT NULL,
  first_key INTEGER NOT NULL,
  last_key INTEGER NOT NULL,
  n INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (kb, term, first_key)
) WITHOUT ROWID;
DROP TABLE knowledge_fts;`,
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

/** Whether vectors of this size also get a sign-bit copy (vec0 `bit[n]` needs a multiple of 8). */
export const hasBitTable = (dimensions: number) => dimensions % 8 === 0;

/** The sign-bit vec0 table for one vector size (Hamming distance), searched first and re-ranked exactly. */
export function bitTableName(dimensions: number): string {
  vectorTableName(dimensions);
  return `knowledge_vbit_${dimensions}`;
}

export const bitTableSql = (dimensions: number) => `CREATE VIRTUAL TABLE IF NOT EXISTS ${bitTableName(dimensions)}
USING vec0(
  account_id TEXT PARTITION KEY,
  knowledge_base_id TEXT PARTITION KEY,
  embedding BIT[${dimensions}],
  chunk_size=128
)`;
