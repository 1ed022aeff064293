import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE knowledge_bases (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  name TEXT NOT NULL,
  description TEXT,
  embedding_model TEXT NOT NULL,
  chunk_tokens INTEGER NOT NULL,
  overlap_tokens INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX knowledge_bases_account ON knowledge_bases (account_id, id);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL REFERENCES knowledge_bases (id),
  name TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('file', 'text', 'url')),
  source_url TEXT,
  mime_type TEXT,
  source_hash TEXT NOT NULL,
  content_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
  progress REAL NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  pages INTEGER,
  page_urls TEXT,
  tokens BIGINT,
  chunks INTEGER,
  charged_mc BIGINT NOT NULL DEFAULT 0,
  hold_id TEXT,
  duplicate_of TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  error_code TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX documents_kb ON documents (account_id, knowledge_base_id, id);
CREATE INDEX documents_source_hash ON documents (knowledge_base_id, source_hash);
CREATE INDEX documents_content_hash ON documents (knowledge_base_id, content_hash);
`;

export const knowledgeMigrations: DomainMigrations = {
  domain: "knowledge",
  migrations: [{ version: 1, name: "knowledge bases and documents", sqlite: sql, postgres: sql }],
};
