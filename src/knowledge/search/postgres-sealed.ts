import type { Sealer } from "../../lib/sealing.js";
import { bytes, type PgQueryable } from "./postgres-keyword.js";
import type { IndexScope } from "./search-index.js";

/** Ids the service makes (`acct_…`, `kb_…`) name their key as they are; any other id is hex-encoded, unambiguously. */
const SAFE = /^[A-Za-z0-9_-]{1,100}$/;
const segment = (id: string) => (SAFE.test(id) && !id.startsWith("h-") ? id : `h-${Buffer.from(id).toString("hex")}`);

/** The name of a knowledge base's key in the `KeyStore`: `<account>/<knowledge base>`. */
export function keyName(scope: IndexScope): string {
  return `${segment(scope.accountId)}/${segment(scope.knowledgeBaseId)}`;
}

/** A chunk row as stored: sealed, or (written before sealing, until `init` seals it) plain. */
export interface SealedRow<K = number> {
  key: K;
  sealed: unknown;
  text: string | null;
  heading: string | null;
}

/** Hex of the sealed `[text, heading]` of a chunk, for a JSON parameter. */
export function sealChunk(c: { text: string; heading?: string }, sealer: Sealer): string {
  return sealer.seal(JSON.stringify([c.text, c.heading ?? null])).toString("hex");
}

export function openChunk(r: SealedRow<unknown>, sealer: Sealer): { text: string; heading: string | null } {
  if (r.sealed === null || r.sealed === undefined) return { text: r.text ?? "", heading: r.heading };
  const [text, heading] = JSON.parse(sealer.open(bytes(r.sealed))) as [string, string | null];
  return { text, heading };
}

/** Seals a knowledge base's chunks stored in plain text (an index written before sealing), a batch at a time. */
export async function sealLegacyRows(tx: PgQueryable, scope: IndexScope, sealer: Sealer): Promise<void> {
  for (;;) {
    const rows = (
      await tx.query(
        `SELECT pk::text AS key, text, heading FROM knowledge_chunks
         WHERE account_id = $1 AND knowledge_base_id = $2 AND sealed IS NULL ORDER BY pk LIMIT 1000`,
        [scope.accountId, scope.knowledgeBaseId],
      )
    ).rows as { key: string; text: string | null; heading: string | null }[];
    if (rows.length === 0) return;
    const sealed = rows.map((r) => ({
      pk: r.key,
      sealed: sealChunk({ text: r.text ?? "", heading: r.heading ?? undefined }, sealer),
    }));
    await tx.query(
      `UPDATE knowledge_chunks c SET sealed = decode(w.sealed, 'hex'), text = NULL, heading = NULL
       FROM jsonb_to_recordset($3::jsonb) AS w(pk BIGINT, sealed TEXT)
       WHERE c.account_id = $1 AND c.knowledge_base_id = $2 AND c.pk = w.pk`,
      [scope.accountId, scope.knowledgeBaseId, JSON.stringify(sealed)],
    );
  }
}
