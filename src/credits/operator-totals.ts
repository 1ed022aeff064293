import type { Sql } from "../db/sql.js";

/** What the operator owes and gave: figures of the whole ledger for the revenue page. */
export interface OperatorTotals {
  /** Credits held by every account (available + reserved): service still owed, whether sold or granted. */
  outstandingMc: number;
  /** Of which held by operations in flight. */
  reservedMc: number;
  /** Credits the operator granted in the period, and how many grants. */
  grantedMc: number;
  grants: number;
  /** Credits the operator took back (downward adjustments, a positive number) in the period. */
  adjustedMc: number;
}

/** Reads the outstanding liability from the balances and the operator's grants in `[from, to)` from the ledger. */
export async function operatorTotals(sql: Sql, input: { from: number; to: number }): Promise<OperatorTotals> {
  const held = await sql.get<{ available: number | null; reserved: number | null }>(
    "SELECT SUM(available_mc) AS available, SUM(reserved_mc) AS reserved FROM balances",
  );
  const given = await sql.all<{ type: string; mc: number | null; n: number }>(
    `SELECT type, SUM(amount_mc) AS mc, COUNT(*) AS n FROM ledger_entries
     WHERE type IN ('grant', 'adjustment') AND created_at >= ? AND created_at < ? GROUP BY type`,
    [input.from, input.to],
  );
  const of = (type: string) => given.find((g) => g.type === type);
  const available = Number(held?.available ?? 0);
  const reserved = Number(held?.reserved ?? 0);
  return {
    outstandingMc: available + reserved,
    reservedMc: reserved,
    grantedMc: Number(of("grant")?.mc ?? 0),
    grants: Number(of("grant")?.n ?? 0),
    adjustedMc: -Number(of("adjustment")?.mc ?? 0),
  };
}
