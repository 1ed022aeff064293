import type Database from "better-sqlite3";
import type { Spender } from "./ledger.js";
import type { HoldRow } from "./ledger-rows.js";
import { currentUsage, LIMITS_OF_SPENDER, type SpendLimitRow, spenderParams } from "./spend-limit-rows.js";
import { currentPeriodStarts } from "./spend-periods.js";

/**
 * Spend limits inside the SQLite ledger's batch transaction: each limit is read once per batch (and the limits of
 * each spender looked up once), counted in memory, and written back once when the batch ends — nothing else changes
 * them while the batch holds the write lock. Call `clear` when the batch ends, committed or not.
 */
export class SqliteLimitCounters {
  private readonly s;
  private readonly rows = new Map<string, SpendLimitRow & { dirty?: boolean }>();
  private readonly bySpender = new Map<string, string[]>();
  private starts?: { now: number; starts: ReturnType<typeof currentPeriodStarts> };

  constructor(db: Database.Database) {
    this.s = {
      limitsOf: db.prepare(LIMITS_OF_SPENDER),
      limit: db.prepare("SELECT * FROM spend_limits WHERE id = ? AND account_id = ?"),
      setLimit: db.prepare("UPDATE spend_limits SET period_start = ?, spent_mc = ?, held_mc = ? WHERE id = ?"),
    };
  }

  /** The limits binding a spend of `amountMc` (to count it against), or the first one it would exceed. */
  binding(
    accountId: string,
    spender: Spender | undefined,
    amountMc: number,
    now: number,
  ): { rows: SpendLimitRow[]; refused?: SpendLimitRow } {
    const key = `${accountId}/${spender?.siteId ?? ""}/${spender?.keyId ?? ""}`;
    let ids = this.bySpender.get(key);
    if (!ids) {
      const found = this.s.limitsOf.all(...spenderParams(accountId, spender)) as SpendLimitRow[];
      for (const row of found) if (!this.rows.has(row.id)) this.rows.set(row.id, row);
      ids = found.map((r) => r.id);
      this.bySpender.set(key, ids);
    }
    const rows = ids.map((id) => this.rows.get(id)!);
    const starts = this.periodStarts(now);
    const refused = rows.find(
      (row) => currentUsage(row, starts).spentMc + Number(row.held_mc) + amountMc > Number(row.limit_mc),
    );
    return { rows, refused };
  }

  /** Counts a movement against limits (the period rolls first if it ended). */
  countAgainst(rows: SpendLimitRow[], now: number, delta: { heldMc: number; spentMc: number }): void {
    const starts = this.periodStarts(now);
    for (const row of rows) {
      // Rows here are this batch's own copies: changed in place, written back at the end.
      const { start, spentMc } = currentUsage(row, starts);
      const cached = row as SpendLimitRow & { dirty?: boolean };
      cached.period_start = start;
      cached.spent_mc = spentMc + delta.spentMc;
      cached.held_mc = Number(row.held_mc) + delta.heldMc;
      cached.dirty = true;
    }
  }

  /** The limits a hold was counted against when it was made (those since deleted are gone). */
  ofHold(hold: HoldRow): SpendLimitRow[] {
    if (!hold.limit_ids) return [];
    const rows: SpendLimitRow[] = [];
    for (const id of JSON.parse(hold.limit_ids) as string[]) {
      let limit = this.rows.get(id);
      if (!limit) {
        limit = this.s.limit.get(id, hold.account_id) as SpendLimitRow | undefined;
        if (limit) this.rows.set(id, limit);
      }
      if (limit) rows.push(limit);
    }
    return rows;
  }

  writeBack(): void {
    for (const row of this.rows.values())
      if (row.dirty) this.s.setLimit.run(row.period_start, row.spent_mc, row.held_mc, row.id);
  }

  clear(): void {
    this.rows.clear();
    this.bySpender.clear();
  }

  private periodStarts(now: number) {
    if (this.starts?.now !== now) this.starts = { now, starts: currentPeriodStarts(now) };
    return this.starts.starts;
  }
}
