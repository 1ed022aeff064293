import type { Sql, TransactionalWrite } from "../db/sql.js";
import { newId } from "../lib/ids.js";
import type { LimitHit } from "./ledger.js";
import { mcToCredits } from "./pricing.js";
import { limitState, type SpendLimitRow } from "./spend-limit-rows.js";
import { periodStart, type SpendPeriod } from "./spend-periods.js";

/** A cap on what a site, an API key or (neither) the whole account may spend per period. */
export interface SpendLimit {
  id: string;
  accountId: string;
  siteId: string | null;
  keyId: string | null;
  limitMc: number;
  period: SpendPeriod;
  /** Spent in the current period plus what open holds set aside. */
  usedMc: number;
  periodStart: number;
  resetsAt: number | null;
  createdAt: number;
}

function present(row: SpendLimitRow, now: number): SpendLimit {
  const state = limitState(row, now);
  return {
    id: row.id,
    accountId: row.account_id,
    siteId: row.site_id,
    keyId: row.key_id,
    limitMc: Number(row.limit_mc),
    period: row.period,
    usedMc: state.usedMc,
    periodStart: state.periodStart,
    resetsAt: state.resetsAt,
    createdAt: Number(row.created_at),
  };
}

/**
 * The spend limits of accounts. Only their definition lives here: the ledger checks and counts them in the same
 * atomic step as every hold and debit (ledger-sqlite.ts, ledger-postgres.sql.ts), so reads here show its counters.
 */
export class SpendLimitStore {
  constructor(
    private readonly sql: Sql,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(input: {
    accountId: string;
    siteId?: string | null;
    keyId?: string | null;
    limitMc: number;
    period: SpendPeriod;
  }): Promise<SpendLimit> {
    const now = this.clock();
    const row = await this.sql.get<SpendLimitRow>(
      `INSERT INTO spend_limits (id, account_id, site_id, key_id, limit_mc, period, period_start, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        newId("lim"),
        input.accountId,
        input.siteId ?? null,
        input.keyId ?? null,
        input.limitMc,
        input.period,
        periodStart(input.period, now, now),
        now,
      ],
    );
    return present(row!, now);
  }

  async list(accountId: string): Promise<SpendLimit[]> {
    const rows = await this.sql.all<SpendLimitRow>(
      "SELECT * FROM spend_limits WHERE account_id = ? ORDER BY created_at, id",
      [accountId],
    );
    const now = this.clock();
    return rows.map((r) => present(r, now));
  }

  async get(accountId: string, id: string): Promise<SpendLimit | undefined> {
    const row = await this.sql.get<SpendLimitRow>("SELECT * FROM spend_limits WHERE id = ? AND account_id = ?", [
      id,
      accountId,
    ]);
    return row ? present(row, this.clock()) : undefined;
  }

  /**
   * Changes how many credits a limit allows, keeping what its period has used (a raised limit lets the next spend
   * through at once). `record` gives the write that records the change (the audit trail), run in the same transaction.
   * Undefined when the account has no such limit.
   */
  async setLimitMc(
    accountId: string,
    id: string,
    limitMc: number,
    record: (before: SpendLimit) => TransactionalWrite,
  ): Promise<{ before: SpendLimit; after: SpendLimit } | undefined> {
    return this.sql.transaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
      const row = await tx.get<SpendLimitRow>(`SELECT * FROM spend_limits WHERE id = ? AND account_id = ?${lock}`, [
        id,
        accountId,
      ]);
      if (!row) return undefined;
      const now = this.clock();
      const before = present(row, now);
      const updated = await tx.get<SpendLimitRow>(
        "UPDATE spend_limits SET limit_mc = ? WHERE id = ? AND account_id = ? RETURNING *",
        [limitMc, id, accountId],
      );
      const write = record(before);
      await tx.run(write.sql, write.params);
      return { before, after: present(updated!, now) };
    });
  }

  /** Open holds counted against a deleted limit simply stop being counted (the ledger finds no row). */
  async delete(accountId: string, id: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM spend_limits WHERE id = ? AND account_id = ?", [id, accountId])) > 0;
  }
}

/** The `spend_limit.reached` event of a limit's first refusal in a period (customer-facing fields, credits). */
export function spendLimitReachedEvent(hit: LimitHit) {
  return {
    accountId: hit.accountId,
    type: "spend_limit.reached" as const,
    data: {
      limitId: hit.limitId,
      siteId: hit.siteId,
      keyId: hit.keyId,
      period: hit.period,
      credits: mcToCredits(hit.limitMc),
      usedCredits: mcToCredits(hit.usedMc),
      periodStart: new Date(hit.periodStart).toISOString(),
      resetsAt: hit.resetsAt === null ? null : new Date(hit.resetsAt).toISOString(),
    },
  };
}
