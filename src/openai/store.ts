import { randomBytes } from "node:crypto";
import type { DomainMigrations, Sql } from "../db/sql.js";
import type { Owner } from "../knowledge/knowledge-base-store.js";
import { visibleParams, visibleTo } from "../licenses/scope.js";

const tables = `
CREATE TABLE openai_files (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  filename TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  purpose TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX openai_files_owner ON openai_files (account_id, id);
CREATE TABLE openai_store_files (
  account_id TEXT NOT NULL,
  knowledge_base_id TEXT NOT NULL,
  file_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (knowledge_base_id, file_id)
);
CREATE INDEX openai_store_files_document ON openai_store_files (knowledge_base_id, document_id);
CREATE TABLE openai_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const batches = `
CREATE TABLE openai_file_batches (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  knowledge_base_id TEXT NOT NULL,
  file_ids TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  cancelled_at BIGINT
);
CREATE INDEX openai_file_batches_store ON openai_file_batches (account_id, knowledge_base_id);
`;

const storeMetadata = `
CREATE TABLE openai_store_metadata (
  knowledge_base_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  metadata TEXT NOT NULL
);
`;

export const openaiMigrations: DomainMigrations = {
  domain: "openai",
  migrations: [
    { version: 1, name: "files, vector store files, signing key", sqlite: tables, postgres: tables },
    { version: 2, name: "vector store file batches", sqlite: batches, postgres: batches },
    { version: 3, name: "vector store metadata", sqlite: storeMetadata, postgres: storeMetadata },
  ],
};

/** Files added to a vector store under one id; what they became is read from their documents. */
export interface FileBatch {
  id: string;
  knowledgeBaseId: string;
  fileIds: string[];
  createdAt: number;
  cancelledAt: number | null;
}

export interface OpenAiFile {
  id: string;
  accountId: string;
  siteId: string | null;
  filename: string;
  bytes: number;
  purpose: string;
  blobKey: string;
  createdAt: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a row from SQL, mapped field by field just below
type Row = Record<string, any>;
const toFile = (r: Row): OpenAiFile => ({
  id: r.id,
  accountId: r.account_id,
  siteId: r.site_id,
  filename: r.filename,
  bytes: Number(r.bytes),
  purpose: r.purpose,
  blobKey: r.blob_key,
  createdAt: Number(r.created_at),
});

/** The same rule as knowledge bases and images: a site's key sees its own site's rows, the owner all. */
// What an owner may read: the scope rule of every customer resource (licenses/scope.ts).
const OWNED = visibleTo("site_id");
const owned = visibleParams;

/**
 * Uploaded files (their bytes are blobs) and which document of a knowledge base each vector store file became.
 * Every read names its owner in the SQL.
 */
export class OpenAiStore {
  constructor(private readonly sql: Sql) {}

  async insertFile(file: OpenAiFile): Promise<void> {
    await this.sql.run(
      `INSERT INTO openai_files (id, account_id, site_id, filename, bytes, purpose, blob_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [file.id, file.accountId, file.siteId, file.filename, file.bytes, file.purpose, file.blobKey, file.createdAt],
    );
  }

  async getFile(owner: Owner, id: string): Promise<OpenAiFile | undefined> {
    const row = await this.sql.get<Row>(`SELECT * FROM openai_files WHERE id = ? AND ${OWNED}`, [id, ...owned(owner)]);
    return row && toFile(row);
  }

  async listFiles(owner: Owner, page: { limit: number; after?: string }): Promise<OpenAiFile[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM openai_files WHERE ${OWNED} AND id < ? ORDER BY id DESC LIMIT ?`,
      [...owned(owner), page.after ?? "~", page.limit],
    );
    return rows.map(toFile);
  }

  async deleteFile(accountId: string, id: string): Promise<number> {
    return this.sql.run("DELETE FROM openai_files WHERE id = ? AND account_id = ?", [id, accountId]);
  }

  /**
   * Removes the rows of every uploaded file of the account (or, with `siteId`, of that site) and their vector store
   * links; returns the files' blob keys for the caller to delete.
   */
  async purge(accountId: string, siteId?: string): Promise<string[]> {
    const site = siteId ?? null;
    const rows = await this.sql.all<{ id: string; blob_key: string }>(
      "SELECT id, blob_key FROM openai_files WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)",
      [accountId, site, site],
    );
    await this.sql.run(
      `DELETE FROM openai_store_files WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR file_id IN
         (SELECT id FROM openai_files WHERE account_id = ? AND site_id = ?))`,
      [accountId, site, accountId, site],
    );
    for (const table of ["openai_file_batches", "openai_store_metadata"])
      await this.sql.run(`DELETE FROM ${table} WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)`, [
        accountId,
        site,
        site,
      ]);
    await this.sql.run("DELETE FROM openai_files WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)", [
      accountId,
      site,
      site,
    ]);
    return rows.map((r) => r.blob_key);
  }

  /** The statement that records a vector store file, for a ledger transaction (or run alone). */
  mapStatement(accountId: string, kbId: string, fileId: string, docId: string) {
    return {
      sql: `INSERT INTO openai_store_files (account_id, knowledge_base_id, file_id, document_id, created_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (knowledge_base_id, file_id) DO NOTHING`,
      params: [accountId, kbId, fileId, docId, Date.now()],
    };
  }

  async mapFile(accountId: string, kbId: string, fileId: string, docId: string): Promise<void> {
    const s = this.mapStatement(accountId, kbId, fileId, docId);
    await this.sql.run(s.sql, s.params);
  }

  /** Vector store files of a knowledge base the caller already proved it may read. */
  async storeFiles(
    accountId: string,
    kbId: string,
  ): Promise<{ fileId: string; documentId: string; createdAt: number }[]> {
    const rows = await this.sql.all<Row>(
      "SELECT file_id, document_id, created_at FROM openai_store_files WHERE account_id = ? AND knowledge_base_id = ? ORDER BY file_id",
      [accountId, kbId],
    );
    return rows.map((r) => ({ fileId: r.file_id, documentId: r.document_id, createdAt: Number(r.created_at) }));
  }

  async unmapFile(accountId: string, kbId: string, fileId: string): Promise<number> {
    return this.sql.run(
      "DELETE FROM openai_store_files WHERE account_id = ? AND knowledge_base_id = ? AND file_id = ?",
      [accountId, kbId, fileId],
    );
  }

  /** A vector store's own `metadata` (OpenAI's key-value pairs; a knowledge base has no such field). */
  async storeMetadata(accountId: string, kbId: string): Promise<Record<string, string>> {
    const r = await this.sql.get<{ metadata: string }>(
      "SELECT metadata FROM openai_store_metadata WHERE account_id = ? AND knowledge_base_id = ?",
      [accountId, kbId],
    );
    return r ? JSON.parse(r.metadata) : {};
  }

  async setStoreMetadata(owner: Owner, kbId: string, metadata: Record<string, string>): Promise<void> {
    await this.sql.run(
      `INSERT INTO openai_store_metadata (knowledge_base_id, account_id, site_id, metadata) VALUES (?, ?, ?, ?)
       ON CONFLICT (knowledge_base_id) DO UPDATE SET metadata = excluded.metadata`,
      [kbId, owner.accountId, owner.siteId, JSON.stringify(metadata)],
    );
  }

  async unmapStore(accountId: string, kbId: string): Promise<number> {
    await this.sql.run("DELETE FROM openai_store_metadata WHERE account_id = ? AND knowledge_base_id = ?", [
      accountId,
      kbId,
    ]);
    await this.sql.run("DELETE FROM openai_file_batches WHERE account_id = ? AND knowledge_base_id = ?", [
      accountId,
      kbId,
    ]);
    return this.sql.run("DELETE FROM openai_store_files WHERE account_id = ? AND knowledge_base_id = ?", [
      accountId,
      kbId,
    ]);
  }

  async insertBatch(owner: Owner, batch: FileBatch): Promise<void> {
    await this.sql.run(
      `INSERT INTO openai_file_batches (id, account_id, site_id, knowledge_base_id, file_ids, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [batch.id, owner.accountId, owner.siteId, batch.knowledgeBaseId, JSON.stringify(batch.fileIds), batch.createdAt],
    );
  }

  /** A batch of a store the caller already proved it may read. */
  async getBatch(accountId: string, kbId: string, id: string): Promise<FileBatch | undefined> {
    const r = await this.sql.get<Row>(
      "SELECT * FROM openai_file_batches WHERE account_id = ? AND knowledge_base_id = ? AND id = ?",
      [accountId, kbId, id],
    );
    return r
      ? {
          id: r.id,
          knowledgeBaseId: r.knowledge_base_id,
          fileIds: JSON.parse(r.file_ids),
          createdAt: Number(r.created_at),
          cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
        }
      : undefined;
  }

  async cancelBatch(accountId: string, id: string): Promise<void> {
    await this.sql.run(
      "UPDATE openai_file_batches SET cancelled_at = ? WHERE account_id = ? AND id = ? AND cancelled_at IS NULL",
      [Date.now(), accountId, id],
    );
  }

  /** The key image URLs are signed with: made once, shared by every process on the database. */
  async signingKey(): Promise<Buffer> {
    await this.sql.run(
      "INSERT INTO openai_settings (name, value) VALUES ('url_signing_key', ?) ON CONFLICT (name) DO NOTHING",
      [randomBytes(32).toString("base64")],
    );
    const row = await this.sql.get<{ value: string }>(
      "SELECT value FROM openai_settings WHERE name = 'url_signing_key'",
    );
    return Buffer.from(row!.value, "base64");
  }
}

/** For the deleter: removes the account's (or one site's) uploaded files, rows and bytes. */
export function openaiFilesPurger(store: OpenAiStore, blobs: { delete(key: string): Promise<number> }) {
  return async (accountId: string, siteId?: string): Promise<{ files: number; bytes: number }> => {
    const keys = await store.purge(accountId, siteId);
    let bytes = 0;
    for (const key of keys) bytes += await blobs.delete(key);
    return { files: keys.length, bytes };
  };
}
