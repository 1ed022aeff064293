import type { Sql } from "../db/sql.js";
import { visibleParams, visibleTo } from "../licenses/scope.js";

export interface StoredImage {
  id: string;
  accountId: string;
  siteId: string | null;
  operation: "generate" | "edit" | "upscale";
  provider: string;
  model: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  blobKey: string;
  prompt: string | null;
  params: Record<string, unknown>;
  sourceImageId: string | null;
  chargedMc: number;
  requestId: string | null;
  createdAt: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a row from SQL, mapped field by field just below
type Row = Record<string, any>;
const toImage = (r: Row): StoredImage => ({
  id: r.id,
  accountId: r.account_id,
  siteId: r.site_id,
  operation: r.operation,
  provider: r.provider,
  model: r.model,
  mimeType: r.mime_type,
  width: Number(r.width),
  height: Number(r.height),
  bytes: Number(r.bytes),
  blobKey: r.blob_key,
  prompt: r.prompt,
  params: JSON.parse(r.params ?? "{}"),
  sourceImageId: r.source_image_id,
  chargedMc: Number(r.charged_mc),
  requestId: r.request_id,
  createdAt: Number(r.created_at),
});

/** Who asks, with the same scope rules as knowledge bases (see knowledge/knowledge-base-store.ts `Owner`). */
export interface ImageOwner {
  accountId: string;
  siteId: string | null;
}

// What an owner may read: the scope rule of every customer resource (licenses/scope.ts).
const OWNED = visibleTo("site_id");
const owned = visibleParams;

/** Metadata of stored images; their bytes are in the blob store. Every read is scoped to its owner. */
export class ImageStore {
  constructor(private readonly sql: Sql) {}

  async insert(image: StoredImage): Promise<void> {
    await this.sql.run(
      `INSERT INTO images (id, account_id, site_id, operation, provider, model, mime_type, width, height, bytes, blob_key,
         prompt, params, source_image_id, charged_mc, request_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        image.id,
        image.accountId,
        image.siteId,
        image.operation,
        image.provider,
        image.model,
        image.mimeType,
        image.width,
        image.height,
        image.bytes,
        image.blobKey,
        image.prompt,
        JSON.stringify(image.params),
        image.sourceImageId,
        image.chargedMc,
        image.requestId,
        image.createdAt,
      ],
    );
  }

  async setCharged(id: string, chargedMc: number): Promise<void> {
    await this.sql.run("UPDATE images SET charged_mc = ? WHERE id = ?", [chargedMc, id]);
  }

  async get(owner: ImageOwner, id: string): Promise<StoredImage | undefined> {
    const row = await this.sql.get<Row>(`SELECT * FROM images WHERE id = ? AND ${OWNED}`, [id, ...owned(owner)]);
    return row ? toImage(row) : undefined;
  }

  async list(owner: ImageOwner, page: { limit: number; before?: string }): Promise<StoredImage[]> {
    const rows = await this.sql.all<Row>(`SELECT * FROM images WHERE ${OWNED} AND id < ? ORDER BY id DESC LIMIT ?`, [
      ...owned(owner),
      page.before ?? "~",
      page.limit,
    ]);
    return rows.map(toImage);
  }

  async delete(accountId: string, id: string): Promise<number> {
    return this.sql.run("DELETE FROM images WHERE id = ? AND account_id = ?", [id, accountId]);
  }

  /** Moves an image to another scope (a site of the account, or null for every site). */
  async setSite(accountId: string, id: string, siteId: string | null): Promise<boolean> {
    return (
      (await this.sql.run("UPDATE images SET site_id = ? WHERE id = ? AND account_id = ?", [siteId, id, accountId])) > 0
    );
  }

  /** The account's images; with `siteId`, only that site's. */
  async idsOfAccount(accountId: string, siteId?: string): Promise<{ id: string; blobKey: string }[]> {
    const rows = await this.sql.all<{ id: string; blob_key: string }>(
      "SELECT id, blob_key FROM images WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)",
      [accountId, siteId ?? null, siteId ?? null],
    );
    return rows.map((r) => ({ id: r.id, blobKey: r.blob_key }));
  }
}
