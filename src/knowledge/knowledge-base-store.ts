import { prepared, type Sql } from "../db/sql.js";
import { newId } from "../lib/ids.js";
import { visibleParams, visibleTo } from "../licenses/scope.js";

/**
 * Who asks: an account, and for a site's key, that site (null: the account owner — licence key or owner session).
 * Scope: a knowledge base with no site belongs to the whole account and every site of it may read it; one with a site
 * is that site's. The owner sees everything; a site's key sees the account's shared ones and its own site's, never
 * another site's — and changes only its own site's (see `requireWritable` in `access.ts`). Every query names it.
 */
export interface Owner {
  accountId: string;
  siteId: string | null;
}

export interface KnowledgeBase {
  id: string;
  accountId: string;
  siteId: string | null;
  name: string;
  description: string | null;
  embeddingModel: string;
  chunkTokens: number;
  overlapTokens: number;
  createdAt: number;
  updatedAt: number;
  documentCount: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a row from SQL, mapped field by field just below
type Row = Record<string, any>;

const toKb = (r: Row): KnowledgeBase => ({
  id: r.id,
  accountId: r.account_id,
  siteId: r.site_id,
  name: r.name,
  description: r.description,
  embeddingModel: r.embedding_model,
  chunkTokens: Number(r.chunk_tokens),
  overlapTokens: Number(r.overlap_tokens),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  documentCount: Number(r.document_count ?? 0),
});

// What an owner may read: the scope rule of every customer resource (licenses/scope.ts).
const OWNED_KB = visibleTo("kb.site_id");
const ownerParams = visibleParams;

/** A knowledge base's columns by name (a prepared `kb.*` would fail once a migration changes the table). */
const KB_COLUMNS =
  "kb.id, kb.account_id, kb.site_id, kb.name, kb.description, kb.embedding_model, kb.chunk_tokens, " +
  "kb.overlap_tokens, kb.created_at, kb.updated_at";
const KB_BY_ID = (count: string) =>
  prepared(`SELECT ${KB_COLUMNS}, ${count} AS document_count FROM knowledge_bases kb WHERE kb.id = ? AND ${OWNED_KB}`);
/** Every search reads its knowledge base: prepared, without counting its documents. */
const KB_BY_ID_COUNTED = KB_BY_ID("(SELECT COUNT(*) FROM documents d WHERE d.knowledge_base_id = kb.id)");
const KB_BY_ID_UNCOUNTED = KB_BY_ID("0");

/** Knowledge bases' rows: scope, name, chunking, embedding model. Their documents: `document-store.ts`. */
export class KnowledgeBaseStore {
  constructor(private readonly sql: Sql) {}

  /** `siteId` is the knowledge base's scope: a site of the account, or null for every site of it. */
  async createKnowledgeBase(
    owner: Owner,
    input: {
      name: string;
      description?: string;
      embeddingModel: string;
      chunkTokens: number;
      overlapTokens: number;
      siteId: string | null;
    },
  ): Promise<KnowledgeBase> {
    const now = Date.now();
    const id = newId("kb");
    await this.sql.run(
      `INSERT INTO knowledge_bases (id, account_id, site_id, name, description, embedding_model, chunk_tokens,
         overlap_tokens, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        owner.accountId,
        input.siteId,
        input.name,
        input.description ?? null,
        input.embeddingModel,
        input.chunkTokens,
        input.overlapTokens,
        now,
        now,
      ],
    );
    return (await this.getKnowledgeBase(owner, id))!;
  }

  /**
   * The knowledge base if the owner may read it. With `counts: false` its `documentCount` is left at 0 rather than
   * counted (a search, on every request, has no use for it).
   */
  async getKnowledgeBase(owner: Owner, id: string, options = { counts: true }): Promise<KnowledgeBase | undefined> {
    const row = await this.sql.get<Row>(options.counts ? KB_BY_ID_COUNTED : KB_BY_ID_UNCOUNTED, [
      id,
      ...ownerParams(owner),
    ]);
    return row ? toKb(row) : undefined;
  }

  async listKnowledgeBases(owner: Owner): Promise<KnowledgeBase[]> {
    const rows = await this.sql.all<Row>(
      `SELECT kb.*, (SELECT COUNT(*) FROM documents d WHERE d.knowledge_base_id = kb.id) AS document_count
       FROM knowledge_bases kb WHERE ${OWNED_KB}
       ORDER BY kb.id DESC LIMIT 1000`,
      ownerParams(owner),
    );
    return rows.map(toKb);
  }

  /** Renames a knowledge base or moves it to another scope (the account owner's decision). */
  async updateKnowledgeBase(
    accountId: string,
    kbId: string,
    input: { name?: string; siteId?: string | null },
  ): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE knowledge_bases SET name = COALESCE(CAST(? AS TEXT), name),
         site_id = CASE WHEN ? = 1 THEN CAST(? AS TEXT) ELSE site_id END, updated_at = ?
       WHERE id = ? AND account_id = ?`,
      [input.name ?? null, input.siteId !== undefined ? 1 : 0, input.siteId ?? null, Date.now(), kbId, accountId],
    );
    return changed > 0;
  }

  async setEmbeddingModel(kbId: string, model: string): Promise<void> {
    await this.sql.run("UPDATE knowledge_bases SET embedding_model = ?, updated_at = ? WHERE id = ?", [
      model,
      Date.now(),
      kbId,
    ]);
  }

  async knowledgeBasesWithModelOtherThan(model: string): Promise<{ id: string; accountId: string }[]> {
    const rows = await this.sql.all<{ id: string; account_id: string }>(
      "SELECT id, account_id FROM knowledge_bases WHERE embedding_model <> ?",
      [model],
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
  }

  async deleteKnowledgeBaseRow(accountId: string, kbId: string): Promise<void> {
    await this.sql.run("DELETE FROM knowledge_bases WHERE id = ? AND account_id = ?", [kbId, accountId]);
  }

  /** The account's knowledge bases; with `siteId`, only those restricted to that site. */
  async knowledgeBaseIds(accountId: string, siteId?: string): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM knowledge_bases WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)",
      [accountId, siteId ?? null, siteId ?? null],
    );
    return rows.map((r) => r.id);
  }
}
