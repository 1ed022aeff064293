import type { LimitHit, Spender } from "./ledger.js";
import { type currentPeriodStarts, periodEnd, periodStart, type SpendPeriod } from "./spend-periods.js";

/** A spend limit as SQL returns it (or PostgreSQL's to_jsonb). */
export interface SpendLimitRow {
  id: string;
  account_id: string;
  site_id: string | null;
  key_id: string | null;
  limit_mc: number;
  period: SpendPeriod;
  period_start: number;
  spent_mc: number;
  held_mc: number;
  reached_period_start: number | null;
  created_at: number;
}

/** The limits that bind a spender: the account's own (no site, no key), its site's and its key's. */
export const LIMITS_OF_SPENDER = `SELECT * FROM spend_limits WHERE account_id = ?
  AND ((site_id IS NULL AND key_id IS NULL) OR site_id = ? OR key_id = ?) ORDER BY id`;

export const spenderParams = (accountId: string, spender: Spender | undefined) => [
  accountId,
  spender?.siteId ?? null,
  spender?.keyId ?? null,
];

export interface LimitState {
  periodStart: number;
  spentMc: number;
  heldMc: number;
  usedMc: number;
  resetsAt: number | null;
}

/** The limit at `now`: once its period has ended, nothing is spent in the new one yet (open holds still count). */
export function limitState(row: SpendLimitRow, now: number): LimitState {
  const current = periodStart(row.period, now, Number(row.created_at));
  const stored = Number(row.period_start);
  const start = Math.max(stored, current);
  const spentMc = stored < current ? 0 : Number(row.spent_mc);
  const heldMc = Number(row.held_mc);
  return { periodStart: start, spentMc, heldMc, usedMc: spentMc + heldMc, resetsAt: periodEnd(row.period, start) };
}

/**
 * The hot path's view of a limit, given the batch's period starts (computed once per batch): where its current
 * period began and what it has spent in it (nothing yet once its stored period has ended).
 */
export function currentUsage(
  row: SpendLimitRow,
  starts: ReturnType<typeof currentPeriodStarts>,
): { start: number; spentMc: number } {
  const current = row.period === "total" ? Number(row.created_at) : starts[row.period];
  const stored = Number(row.period_start);
  return stored < current ? { start: current, spentMc: 0 } : { start: stored, spentMc: Number(row.spent_mc) };
}

export function toLimitHit(row: SpendLimitRow, now: number): LimitHit {
  const state = limitState(row, now);
  return {
    limitId: row.id,
    accountId: row.account_id,
    siteId: row.site_id,
    keyId: row.key_id,
    period: row.period,
    limitMc: Number(row.limit_mc),
    usedMc: state.usedMc,
    periodStart: state.periodStart,
    resetsAt: state.resetsAt,
    firstInPeriod: row.reached_period_start === null || Number(row.reached_period_start) !== state.periodStart,
  };
}
