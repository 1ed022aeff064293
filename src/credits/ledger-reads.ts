import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import type { EntryType, LedgerEntry, SpenderUsageRow, UsageRow } from "./ledger.js";
import { type EntryRow, toEntry } from "./ledger-rows.js";

/** The ledger's reads, the same SQL on both engines (`daySql`: the UTC day of `created_at` in the engine's dialect). */

export async function entries(
  sql: Sql,
  accountId: string,
  input: { limit: number; before?: string; types?: EntryType[] },
): Promise<LedgerEntry[]> {
  const beforeSeq = input.before === undefined ? Number.MAX_SAFE_INTEGER : await seqOf(sql, accountId, input.before);
  const types = input.types?.length ? `AND type IN (${input.types.map(() => "?").join(",")})` : "";
  const rows = await sql.all<EntryRow>(
    `SELECT * FROM ledger_entries WHERE account_id = ? AND seq < ? ${types} ORDER BY seq DESC LIMIT ?`,
    [accountId, beforeSeq, ...(input.types ?? []), input.limit],
  );
  return rows.map(toEntry);
}

/** The hidden position of one of the account's entries: pages continue from it without showing it. */
async function seqOf(sql: Sql, accountId: string, entryId: string): Promise<number> {
  const row = await sql.get<{ seq: number }>("SELECT seq FROM ledger_entries WHERE id = ? AND account_id = ?", [
    entryId,
    accountId,
  ]);
  if (row) return Number(row.seq);
  // Entries written before ids were opaque were shown (and paged) as `led_<seq>`.
  const legacy = /^led_(\d{1,15})$/.exec(entryId);
  if (legacy) return Number(legacy[1]);
  throw new ApiError("VALIDATION_FAILED", "cursor is not a ledger cursor", { field: "cursor" });
}

export async function usage(
  sql: Sql,
  daySql: string,
  accountId: string | null,
  input: { from: number; to: number },
): Promise<UsageRow[]> {
  const rows = await sql.all<{ day: string; operation: string; count: number; mc: number }>(
    `SELECT ${daySql} AS day, COALESCE(operation, 'other') AS operation, COUNT(*) AS count, -SUM(amount_mc) AS mc
     FROM ledger_entries
     WHERE (CAST(? AS TEXT) IS NULL OR account_id = ?) AND type = 'usage' AND created_at >= ? AND created_at < ?
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [accountId, accountId, input.from, input.to],
  );
  return rows.map((r) => ({ day: r.day, operation: r.operation, count: Number(r.count), mc: Number(r.mc) }));
}

export async function usageBySpender(
  sql: Sql,
  accountId: string,
  input: { from: number; to: number },
): Promise<SpenderUsageRow[]> {
  const rows = await sql.all<{ site_id: string | null; key_id: string | null; count: number; mc: number }>(
    `SELECT site_id, key_id, COUNT(*) AS count, -SUM(amount_mc) AS mc FROM ledger_entries
     WHERE account_id = ? AND type = 'usage' AND created_at >= ? AND created_at < ?
     GROUP BY site_id, key_id`,
    [accountId, input.from, input.to],
  );
  // Sorted here: the engines order NULLs differently (the owner's own spending comes first).
  const order = (r: { site_id: string | null; key_id: string | null }) => `${r.site_id ?? ""}/${r.key_id ?? ""}`;
  return rows
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
    .map((r) => ({ siteId: r.site_id, keyId: r.key_id, count: Number(r.count), mc: Number(r.mc) }));
}

export async function sumOfEntries(sql: Sql, accountId: string) {
  const row = await sql.get<{ a: number | null; r: number | null }>(
    "SELECT SUM(amount_mc) AS a, SUM(reserved_delta_mc) AS r FROM ledger_entries WHERE account_id = ?",
    [accountId],
  );
  return { amountMc: Number(row?.a ?? 0), reservedDeltaMc: Number(row?.r ?? 0) };
}
