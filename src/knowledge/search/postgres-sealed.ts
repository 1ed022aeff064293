import type { Sealer } from "../../lib/sealing.js";
import { documentKeyName, type KeyRing, keyName } from "./postgres-keys.js";
import { bytes, type PgQueryable } from "./postgres-keyword.js";
import type { IndexScope } from "./search-index.js";

/**
 * A chunk row as stored: sealed with its document's key (`document_keyed`), sealed with its knowledge base's key
 * (written before documents had keys), or (written before sealing, until `init` seals it) plain.
 */
export interface SealedRow<K = number> {
  key: K;
  document_id: string;
  document_keyed: boolean | null;
  sealed: unknown;
  text: string | null;
  heading: string | null;
}

/** The columns a `SealedRow` is read from. */
export const SEALED_COLUMNS = "document_id, document_keyed, sealed, text, heading";

/** The sealed `[text, heading]` of a chunk. */
export function sealChunk(c: { text: string; heading?: string }, sealer: Sealer): Buffer {
  return sealer.seal(JSON.stringify([c.text, c.heading ?? null]));
}

export function openChunk(r: SealedRow<unknown>, sealer: Sealer): { text: string; heading: string | null } {
  if (r.sealed === null || r.sealed === undefined) return { text: r.text ?? "", heading: r.heading };
  const [text, heading] = JSON.parse(sealer.open(bytes(r.sealed))) as [string, string | null];
  return { text, heading };
}

/** The key a row's text is sealed with. */
export function rowKeyName(scope: IndexScope, r: SealedRow<unknown>): string {
  return r.document_keyed ? documentKeyName(scope, r.document_id) : keyName(scope);
}

/**
 * Opens rows with their keys, each key looked up once; a row whose key is gone (its document or knowledge base is
 * being deleted) is left out.
 */
export async function openRows<R extends SealedRow<unknown>>(
  scope: IndexScope,
  rows: R[],
  ring: KeyRing,
): Promise<{ row: R; text: string; heading: string | null }[]> {
  const opened = await Promise.all(
    rows.map(async (row) => {
      if (row.sealed === null || row.sealed === undefined) return { row, text: row.text ?? "", heading: row.heading };
      const chunk = await ring.open(rowKeyName(scope, row), (sealer) => openChunk(row, sealer));
      return chunk && { row, ...chunk };
    }),
  );
  return opened.filter((o) => o !== undefined);
}

/**
 * Seals a knowledge base's chunks stored in plain text (an index written before sealing), a batch at a time, each
 * with its document's key (made here).
 */
export async function sealLegacyRows(
  tx: PgQueryable,
  scope: IndexScope,
  documentSealer: (documentId: string) => Promise<Sealer>,
): Promise<void> {
  for (;;) {
    const rows = (
      await tx.query(
        `SELECT pk::text AS key, document_id, text, heading FROM knowledge_chunks
         WHERE account_id = $1 AND knowledge_base_id = $2 AND sealed IS NULL ORDER BY pk LIMIT 1000`,
        [scope.accountId, scope.knowledgeBaseId],
      )
    ).rows as { key: string; document_id: string; text: string | null; heading: string | null }[];
    if (rows.length === 0) return;
    const sealed = [];
    for (const r of rows) {
      const sealer = await documentSealer(r.document_id);
      sealed.push({
        pk: r.key,
        sealed: sealChunk({ text: r.text ?? "", heading: r.heading ?? undefined }, sealer).toString("hex"),
      });
    }
    await tx.query(
      `UPDATE knowledge_chunks c SET sealed = decode(w.sealed, 'hex'), document_keyed = true, text = NULL,
         heading = NULL
       FROM jsonb_to_recordset($3::jsonb) AS w(pk BIGINT, sealed TEXT)
       WHERE c.account_id = $1 AND c.knowledge_base_id = $2 AND c.pk = w.pk`,
      [scope.accountId, scope.knowledgeBaseId, JSON.stringify(sealed)],
    );
  }
}
