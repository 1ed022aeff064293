import type { ReferenceNames } from "../credits/ledger-describe.js";
import type { Sql } from "../db/sql.js";

const PAGE = 200;

/**
 * Names of the documents and knowledge bases a ledger entry refers to, read from the live rows: a deleted one has no
 * name any more (deletion is permanent, so it is simply absent), and a site's key gets no name for another site's
 * (null: the ledger is the account's, so the entry itself is visible; what it touched is not).
 */
export function knowledgeReferenceNames(sql: Sql): ReferenceNames {
  return {
    async names(owner, ids) {
      const out = new Map<string, string | null>();
      // The scope rule of licenses/scope.ts (visibleTo), as a column: the row is the account's; its name only if visible.
      const visible = "CAST(? AS TEXT) IS NULL OR kb.site_id IS NULL OR kb.site_id = ?";
      for (let i = 0; i < ids.length; i += PAGE) {
        const batch = ids.slice(i, i + PAGE);
        const marks = batch.map(() => "?").join(", ");
        const scope = [owner.siteId, owner.siteId];
        const rows = await sql.all<{ id: string; name: string | null }>(
          `SELECT kb.id AS id, CASE WHEN ${visible} THEN kb.name END AS name FROM knowledge_bases kb
           WHERE kb.id IN (${marks}) AND kb.account_id = ?
           UNION ALL
           SELECT d.id AS id, CASE WHEN ${visible} THEN d.name END AS name
           FROM documents d JOIN knowledge_bases kb ON kb.id = d.knowledge_base_id
           WHERE d.id IN (${marks}) AND d.account_id = ? AND kb.account_id = ?`,
          [...scope, ...batch, owner.accountId, ...scope, ...batch, owner.accountId, owner.accountId],
        );
        for (const r of rows) out.set(r.id, r.name);
      }
      return out;
    },
  };
}
