import type { DomainMigrations } from "../../db/sql.js";

/**
 * The SQLite knowledge index. Chunk rows own the text; everything else is kept per knowledge base
 * (`knowledge_index_bases`: an internal id and BM25's totals). Keyword search is BM25 over postings this index
 * stores (`knowledge_postings`, see sqlite-keyword.ts) with the knowledge base's own statistics: FTS5's bm25() took
 * document frequencies from the whole table, so one tenant's scores moved with another tenant's text, and it scored
 * every match (210 ms at 100,000 chunks). Vectors are float32 rows (`knowledge_vectors`) with sign-bit sketches in
 * blocks (`knowledge_sketches`, see sqlite-vectors.ts): vec0 took 115 ms for an exact search of 100,000 vectors and
 * ~0.15 ms per vector fetched by rowid. `secure_delete` (set on every connection) zeroes what a delete or a
 * rewritten block leaves behind. PostgreSQL tables are created by `PostgresSearchIndex.init()`.
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
      // Superseded by version 3 (it shipped mid-change); kept so databases that applied it go on from where they are.
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
    {
      version: 3,
      name: "postings, vectors and sketches per knowledge base",
      // What version 2 built is dropped and, like everything indexed before, rebuilt from the stored chunks when
      // SqliteSearchIndex opens (sqlite-upgrade.ts): the knowledge bases to rebuild are listed here.
      sqlite: `
DROP TABLE knowledge_postings;
DROP TABLE knowledge_keyword_bases;
CREATE TABLE knowledge_index_bases (
  kb INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  chunks INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  fresh_segments INTEGER NOT NULL DEFAULT 0,
  fresh_chunks INTEGER NOT NULL DEFAULT 0,
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
CREATE TABLE knowledge_fresh_postings (
  kb INTEGER NOT NULL,
  segment INTEGER NOT NULL,
  term TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (kb, segment, term)
) WITHOUT ROWID;
CREATE TABLE knowledge_vectors (
  pk INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  embedding BLOB NOT NULL
);
CREATE TABLE knowledge_sketches (
  kb INTEGER NOT NULL,
  dimensions INTEGER NOT NULL,
  first_key INTEGER NOT NULL,
  n INTEGER NOT NULL,
  keys BLOB NOT NULL,
  bits BLOB NOT NULL,
  PRIMARY KEY (kb, dimensions, first_key)
) WITHOUT ROWID;
CREATE TABLE knowledge_index_upgrade AS SELECT DISTINCT account_id, knowledge_base_id FROM knowledge_chunks;`,
      postgres: "SELECT 1",
    },
  ],
};
