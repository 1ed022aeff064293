import { prepared, type Sql, type TransactionalWrite } from "../db/sql.js";
import type { Owner } from "./knowledge-base-store.js";

export type DocumentStatus = "queued" | "processing" | "ready" | "failed";
export type DocumentSource = "file" | "text" | "url";

export interface KnowledgeDocument {
  id: string;
  accountId: string;
  knowledgeBaseId: string;
  name: string;
  source: DocumentSource;
  sourceUrl: string | null;
  mimeType: string | null;
  sourceHash: string;
  contentHash: string | null;
  status: DocumentStatus;
  progress: number;
  bytes: number;
  pages: number | null;
  pageUrls: { page: number; url: string; title?: string }[] | null;
  tokens: number | null;
  chunks: number | null;
  chargedMc: number;
  holdId: string | null;
  duplicateOf: string | null;
  metadata: Record<string, string | number | boolean>;
  errorCode: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a row from SQL, mapped field by field just below
type Row = Record<string, any>;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toDoc = (r: Row): KnowledgeDocument => ({
  id: r.id,
  accountId: r.account_id,
  knowledgeBaseId: r.knowledge_base_id,
  name: r.name,
  source: r.source,
  sourceUrl: r.source_url,
  mimeType: r.mime_type,
  sourceHash: r.source_hash,
  contentHash: r.content_hash,
  status: r.status,
  progress: Number(r.progress),
  bytes: Number(r.bytes),
  pages: num(r.pages),
  pageUrls: r.page_urls ? JSON.parse(r.page_urls) : null,
  tokens: num(r.tokens),
  chunks: num(r.chunks),
  chargedMc: Number(r.charged_mc),
  holdId: r.hold_id,
  duplicateOf: r.duplicate_of,
  metadata: JSON.parse(r.metadata ?? "{}"),
  errorCode: r.error_code,
  error: r.error,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/**
 * What a search result says of its documents, for a JSON array of ids (one text whatever their number, so that it
 * is prepared once): every search reads it.
 */
const labels = (ids: string) =>
  prepared(`SELECT d.id, d.name, d.source_url, d.page_urls FROM documents d
    JOIN knowledge_bases kb ON kb.id = d.knowledge_base_id
    WHERE d.id IN (${ids}) AND d.knowledge_base_id = ? AND d.account_id = ?
      AND kb.account_id = ? AND (CAST(? AS TEXT) IS NULL OR kb.site_id IS NULL OR kb.site_id = ?)`);
const LABELS_POSTGRES = labels("SELECT jsonb_array_elements_text(CAST(? AS jsonb))");
const LABELS_SQLITE = labels("SELECT value FROM json_each(?)");

/** The fields of a document that change after it is created. */
export type DocumentPatch = Partial<
  Pick<
    KnowledgeDocument,
    | "status"
    | "progress"
    | "pages"
    | "pageUrls"
    | "tokens"
    | "chunks"
    | "chargedMc"
    | "holdId"
    | "contentHash"
    | "duplicateOf"
    | "errorCode"
    | "error"
    | "mimeType"
  >
>;

/** Documents' metadata (status, charge, hashes). Their texts and vectors live in the search index. */
export class DocumentStore {
  constructor(private readonly sql: Sql) {}

  /** Runs `fn` in one transaction, with this store on it (and the transaction, for other stores' statements). */
  transaction<T>(fn: (documents: DocumentStore, tx: Sql) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => fn(new DocumentStore(tx), tx));
  }

  async insertDocument(doc: Omit<KnowledgeDocument, "createdAt" | "updatedAt">): Promise<KnowledgeDocument> {
    const now = Date.now();
    await this.sql.run(
      `INSERT INTO documents (id, account_id, knowledge_base_id, name, source, source_url, mime_type, source_hash,
         content_hash, status, progress, bytes, pages, page_urls, tokens, chunks, charged_mc, hold_id, duplicate_of,
         metadata, error_code, error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        doc.id,
        doc.accountId,
        doc.knowledgeBaseId,
        doc.name,
        doc.source,
        doc.sourceUrl,
        doc.mimeType,
        doc.sourceHash,
        doc.contentHash,
        doc.status,
        doc.progress,
        doc.bytes,
        doc.pages,
        doc.pageUrls ? JSON.stringify(doc.pageUrls) : null,
        doc.tokens,
        doc.chunks,
        doc.chargedMc,
        doc.holdId,
        doc.duplicateOf,
        JSON.stringify(doc.metadata),
        doc.errorCode,
        doc.error,
        now,
        now,
      ],
    );
    return { ...doc, createdAt: now, updatedAt: now };
  }

  /** Updates columns of a document (only if it still exists: a deletion always wins over a running job). */
  async updateDocument(accountId: string, docId: string, patch: DocumentPatch): Promise<boolean> {
    const write = this.documentUpdate(accountId, docId, patch);
    return (await this.sql.run(write.sql, write.params)) > 0;
  }

  /** The update as a statement, to commit with something else (a charge and its event). */
  documentUpdate(accountId: string, docId: string, patch: DocumentPatch): TransactionalWrite {
    const columns: Record<string, string> = {
      status: "status",
      progress: "progress",
      pages: "pages",
      pageUrls: "page_urls",
      tokens: "tokens",
      chunks: "chunks",
      chargedMc: "charged_mc",
      holdId: "hold_id",
      contentHash: "content_hash",
      duplicateOf: "duplicate_of",
      errorCode: "error_code",
      error: "error",
      mimeType: "mime_type",
    };
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(patch)) {
      sets.push(`${columns[key]} = ?`);
      params.push(key === "pageUrls" && value ? JSON.stringify(value) : (value as string | number | null));
    }
    sets.push("updated_at = ?");
    params.push(Date.now());
    return {
      sql: `UPDATE documents SET ${sets.join(", ")} WHERE id = ? AND account_id = ?`,
      params: [...params, docId, accountId],
    };
  }

  async getDocument(owner: Owner, kbId: string, docId: string): Promise<KnowledgeDocument | undefined> {
    const row = await this.sql.get<Row>(
      `SELECT d.* FROM documents d JOIN knowledge_bases kb ON kb.id = d.knowledge_base_id
       WHERE d.id = ? AND d.knowledge_base_id = ? AND d.account_id = ? AND kb.account_id = ?
         AND (CAST(? AS TEXT) IS NULL OR kb.site_id IS NULL OR kb.site_id = ?)`,
      [docId, kbId, owner.accountId, owner.accountId, owner.siteId, owner.siteId],
    );
    return row ? toDoc(row) : undefined;
  }

  /**
   * What a search result says of its documents (name, source URL, page URLs), for the given ids of one knowledge
   * base the owner may read, in one statement. Ids not found are absent.
   */
  async documentLabels(
    owner: Owner,
    kbId: string,
    docIds: string[],
  ): Promise<Map<string, Pick<KnowledgeDocument, "name" | "sourceUrl" | "pageUrls">>> {
    if (docIds.length === 0) return new Map();
    const rows = await this.sql.all<Row>(this.sql.dialect === "postgres" ? LABELS_POSTGRES : LABELS_SQLITE, [
      JSON.stringify(docIds),
      kbId,
      owner.accountId,
      owner.accountId,
      owner.siteId,
      owner.siteId,
    ]);
    return new Map(
      rows.map((r) => [
        r.id as string,
        { name: r.name, sourceUrl: r.source_url, pageUrls: r.page_urls ? JSON.parse(r.page_urls) : null },
      ]),
    );
  }

  /** For background jobs, which act for the account that queued them. */
  async getDocumentById(accountId: string, docId: string): Promise<KnowledgeDocument | undefined> {
    const row = await this.sql.get<Row>("SELECT * FROM documents WHERE id = ? AND account_id = ?", [docId, accountId]);
    return row ? toDoc(row) : undefined;
  }

  async listDocuments(
    owner: Owner,
    kbId: string,
    input: { limit: number; before?: string },
  ): Promise<KnowledgeDocument[]> {
    const rows = await this.sql.all<Row>(
      `SELECT d.* FROM documents d JOIN knowledge_bases kb ON kb.id = d.knowledge_base_id
       WHERE d.knowledge_base_id = ? AND d.account_id = ? AND kb.account_id = ?
         AND (CAST(? AS TEXT) IS NULL OR kb.site_id IS NULL OR kb.site_id = ?) AND d.id < ?
       ORDER BY d.id DESC LIMIT ?`,
      [kbId, owner.accountId, owner.accountId, owner.siteId, owner.siteId, input.before ?? "~", input.limit],
    );
    return rows.map(toDoc);
  }

  /** A live (not failed) document of the knowledge base with this source or content hash. */
  async findByHash(kbId: string, column: "source_hash" | "content_hash", hash: string, exceptId?: string) {
    const row = await this.sql.get<Row>(
      `SELECT * FROM documents WHERE knowledge_base_id = ? AND ${column} = ? AND status <> 'failed' AND id <> ?
       ORDER BY created_at LIMIT 1`,
      [kbId, hash, exceptId ?? ""],
    );
    return row ? toDoc(row) : undefined;
  }

  async documentIds(accountId: string, kbId?: string): Promise<{ id: string; knowledgeBaseId: string }[]> {
    const rows = await this.sql.all<{ id: string; knowledge_base_id: string }>(
      `SELECT id, knowledge_base_id FROM documents WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR knowledge_base_id = ?)`,
      [accountId, kbId ?? null, kbId ?? null],
    );
    return rows.map((r) => ({ id: r.id, knowledgeBaseId: r.knowledge_base_id }));
  }

  async deleteDocumentRow(accountId: string, docId: string): Promise<number> {
    return this.sql.run("DELETE FROM documents WHERE id = ? AND account_id = ?", [docId, accountId]);
  }
}
