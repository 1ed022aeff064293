import { type Sql, StaleWriteError, type TransactionalWrite } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { Batcher } from "../lib/batcher.js";
import { newId } from "../lib/ids.js";
import {
  type Balance,
  type DebitResult,
  type EntryType,
  type Hold,
  type Ledger,
  type LedgerEntry,
  type LedgerOp,
  type LimitHit,
  type OpResult,
  type Refusal,
  type ReserveResult,
  type SpenderUsageRow,
  throwForResult,
  type UsageRow,
} from "./ledger.js";
import { entries, sumOfEntries, usage, usageBySpender } from "./ledger-reads.js";
import { type HoldRow, toHold } from "./ledger-rows.js";
import { type LedgerWatcher, type WatcherWrite, watcherWrites } from "./ledger-watchers.js";

function assertAmount(amountMc: number, allowZero = false): void {
  if (!Number.isSafeInteger(amountMc) || amountMc < 0 || (!allowZero && amountMc === 0))
    throw new ApiError(
      "VALIDATION_FAILED",
      `amount must be a ${allowZero ? "non-negative" : "positive"} integer of millicredits`,
    );
}

function refusal(neededMc: number, result: Extract<OpResult, { status: "insufficient" | "limit_reached" }>): Refusal {
  return result.status === "limit_reached"
    ? { ok: false, neededMc, availableMc: result.availableMc, limit: result.limit }
    : { ok: false, neededMc, availableMc: result.availableMc };
}

/** Whether a fence that stops `op` releases its hold: a capture's, unless the fence keeps it (`keepsHold`). */
export function fenceReleases(op: LedgerOp): boolean {
  return op.kind === "capture" && !op.writes?.some((w) => w.fence && w.keepsHold);
}

/** What a fenced operation does instead: a capture releases its hold (via `release`), anything else nothing. */
export function fencedResult(op: LedgerOp, release: (op: LedgerOp) => OpResult): OpResult {
  if (op.kind !== "capture") return { status: "fenced" };
  if (!fenceReleases(op)) return { status: "fenced", holdKept: true };
  const released = release({
    kind: "release",
    accountId: op.accountId,
    holdId: op.holdId,
    reason: "a retry of the request took it over",
  });
  return { status: "fenced", entry: released.status === "ok" ? released.entry : undefined };
}

/** What a ledger batch did: one result per operation, and the rows each watcher's statement changed. */
export interface AppliedBatch {
  results: OpResult[];
  written: number[];
}

/** Whether a watcher's statement runs: one of the operations it was asked about happened. */
export function happened(w: WatcherWrite, results: readonly OpResult[]): boolean {
  return w.on.some((i) => results[i]?.status === "ok");
}

/** What an adapter may be given where the app is wired. */
export interface LedgerOptions {
  /** The time movements are made at (tests move it to see a spend limit's period end). */
  clock?: () => number;
  /**
   * A write that reports a spend limit's first refusal in a period (the `spend_limit.reached` event). It commits
   * with the claim that marks the limit reached for that period, so it is written once per limit and period.
   */
  limitReached?: (hit: LimitHit) => TransactionalWrite;
  /**
   * Features that act on balance movements (alerts, auto top-up): asked once per batch, their statements commit
   * with it (see LedgerWatcher). The array is read at each batch, so features may add themselves after wiring.
   */
  watchers?: readonly LedgerWatcher[];
}

/**
 * The Ledger port over a store that applies a batch of operations in one transaction. Adapters supply
 * `applyBatch` (which must apply the operations in order and return one result each) and the reads.
 */
export abstract class BatchedLedger implements Ledger {
  private readonly batcher: Batcher<LedgerOp, OpResult>;
  private readonly balanceReads: Batcher<string, Balance>;

  protected readonly clock: () => number;
  private readonly limitReached?: (hit: LimitHit) => TransactionalWrite;
  private readonly watchers: readonly LedgerWatcher[];

  protected constructor(
    protected readonly sql: Sql,
    options: { maxBatch: number; maxConcurrent: number } & LedgerOptions,
  ) {
    const clock = options.clock ?? Date.now;
    this.clock = clock;
    this.limitReached = options.limitReached;
    this.watchers = options.watchers ?? [];
    this.batcher = new Batcher((ops) => this.runBatch(ops, clock()), {
      maxBatch: options.maxBatch,
      maxConcurrent: options.maxConcurrent,
    });
    // Never a read in flight to wait for: each turn's reads go at once, however many are still running.
    this.balanceReads = new Batcher((accountIds) => this.readBalances(accountIds), {
      maxBatch: 100,
      maxConcurrent: Number.POSITIVE_INFINITY,
    });
  }

  /**
   * Applies the operations in order, in one transaction, and returns one result each; then, in that transaction,
   * each of the watchers' statements at least one of whose operations happened (status "ok"), and says how many
   * rows each of those changed (`written`, by the statement's position in `watched`; 0 for one that did not run).
   */
  protected abstract applyBatch(ops: LedgerOp[], now: number, watched: WatcherWrite[]): Promise<AppliedBatch>;

  private async runBatch(ops: LedgerOp[], now: number): Promise<OpResult[]> {
    const watched = watcherWrites(this.watchers, ops);
    const { results, written } = await this.applyBatch(ops, now, watched);
    // A watcher's statement is mostly a condition that does not hold (no alert, no top-up): nothing to wake then.
    watched.forEach((w, k) => {
      if ((written[k] ?? 0) > 0) w.write.onCommit?.();
    });
    return results;
  }
  /** SQL for the UTC day (YYYY-MM-DD) of `created_at` in this engine's dialect. */
  protected abstract readonly daySql: string;

  async getHold(accountId: string, holdId: string): Promise<Hold | undefined> {
    const row = await this.sql.get<HoldRow>("SELECT * FROM holds WHERE id = ? AND account_id = ?", [holdId, accountId]);
    return row ? toHold(row) : undefined;
  }

  async extendHold(holdId: string, expiresAt: number): Promise<boolean> {
    return (
      (await this.sql.run("UPDATE holds SET expires_at = ? WHERE id = ? AND status = 'open'", [expiresAt, holdId])) > 0
    );
  }

  protected async staleHolds(input: { now: number; deadOwners: string[]; limit: number }) {
    const owners = input.deadOwners.length ? `OR owner IN (${input.deadOwners.map(() => "?").join(",")})` : "";
    const rows = await this.sql.all<{ id: string; account_id: string; expires_at: number }>(
      `SELECT id, account_id, expires_at FROM holds WHERE status = 'open' AND (expires_at <= ? ${owners}) LIMIT ?`,
      [input.now, ...input.deadOwners, input.limit],
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, expired: Number(r.expires_at) <= input.now }));
  }

  /**
   * Balances asked for in the same turn of the event loop are read together, by one statement, once that turn's
   * I/O has been handled (no timer; nothing waits for a write batch or for another read). Alone, each read costs a
   * statement — on SQLite its own read transaction (a lock on the WAL index and a check of the file: three system
   * calls, twice the lookup), on PostgreSQL a round trip — and several requests for one account share one row. A
   * read is never answered by a statement that began before it was asked for: it shows every movement
   * acknowledged by then.
   */
  balance(accountId: string): Promise<Balance> {
    return this.balanceReads.push(accountId);
  }

  private async readBalances(accountIds: string[]): Promise<Balance[]> {
    const unique = [...new Set(accountIds)];
    const rows = await this.sql.all<{ account_id: string; available_mc: number; reserved_mc: number }>(
      `SELECT account_id, available_mc, reserved_mc FROM balances WHERE account_id IN (${unique.map(() => "?").join(",")})`,
      unique,
    );
    const byAccount = new Map(rows.map((r) => [r.account_id, r]));
    return accountIds.map((id) => {
      const row = byAccount.get(id);
      return { availableMc: Number(row?.available_mc ?? 0), reservedMc: Number(row?.reserved_mc ?? 0) };
    });
  }

  entries(accountId: string, input: { limit: number; before?: string; types?: EntryType[] }): Promise<LedgerEntry[]> {
    return entries(this.sql, accountId, input);
  }

  usage(accountId: string | null, input: { from: number; to: number }): Promise<UsageRow[]> {
    return usage(this.sql, this.daySql, accountId, input);
  }

  usageBySpender(accountId: string, input: { from: number; to: number }): Promise<SpenderUsageRow[]> {
    return usageBySpender(this.sql, accountId, input);
  }

  sumOfEntries(accountId: string) {
    return sumOfEntries(this.sql, accountId);
  }

  protected async apply(op: LedgerOp): Promise<OpResult> {
    const result = await this.batcher.push(op);
    if (result.status === "ok") for (const w of op.writes ?? []) w.onCommit?.();
    // A report that cannot be written now (the database went away) is written by the next refusal: the claim
    // below did not commit either. The refusal itself stands.
    if (result.status === "limit_reached" && result.limit.firstInPeriod)
      await this.reportLimitReached(result.limit).catch(() => {});
    return result;
  }

  /**
   * Marks the limit reached for its period and writes the report, in one transaction: the claim lets one refusal
   * per period through, whatever the concurrency or number of processes. The refusal itself moved nothing, so a
   * crash before this commits loses nothing: the next refusal reports instead.
   */
  private async reportLimitReached(hit: LimitHit): Promise<void> {
    const report = this.limitReached?.(hit);
    let claimed = false;
    await this.sql.transaction(async (tx) => {
      claimed =
        (await tx.run(
          `UPDATE spend_limits SET reached_period_start = ? WHERE id = ? AND account_id = ?
           AND (reached_period_start IS NULL OR reached_period_start <> ?)`,
          [hit.periodStart, hit.limitId, hit.accountId, hit.periodStart],
        )) > 0;
      if (claimed && report) await tx.run(report.sql, report.params);
    });
    if (claimed) report?.onCommit?.();
  }

  async credit(input: Omit<Extract<LedgerOp, { kind: "credit" }>, "kind">) {
    assertAmount(input.amountMc);
    const result = await this.apply({ kind: "credit", ...input });
    if (result.status === "ok" || result.status === "replayed")
      return { entry: result.entry, replayed: result.status === "replayed" };
    throwForResult(result);
  }

  /** Spending refused for lack of credits (a spend limit's refusal is not the balance's: it may be ample). */
  private refused(accountId: string): void {
    for (const w of this.watchers) w.refused?.(accountId);
  }

  async debit(input: Omit<Extract<LedgerOp, { kind: "debit" }>, "kind">): Promise<DebitResult> {
    assertAmount(input.amountMc);
    const result = await this.apply({ kind: "debit", ...input });
    if (result.status === "ok" || result.status === "replayed")
      return { ok: true, entry: result.entry, replayed: result.status === "replayed" };
    if (result.status === "insufficient") this.refused(input.accountId);
    if (result.status === "insufficient" || result.status === "limit_reached") return refusal(input.amountMc, result);
    throwForResult(result);
  }

  async reserve(input: Parameters<Ledger["reserve"]>[0]): Promise<ReserveResult> {
    assertAmount(input.amountMc, true);
    const { ttlMs, ...rest } = input;
    const result = await this.apply({
      kind: "reserve",
      ...rest,
      holdId: newId("hold"),
      expiresAt: this.clock() + ttlMs,
    });
    if ((result.status === "ok" || result.status === "replayed") && result.hold)
      return { ok: true, hold: result.hold, entry: result.entry, replayed: result.status === "replayed" };
    if (result.status === "insufficient") this.refused(input.accountId);
    if (result.status === "insufficient" || result.status === "limit_reached") return refusal(input.amountMc, result);
    throwForResult(result);
  }

  async capture(input: Omit<Extract<LedgerOp, { kind: "capture" }>, "kind">) {
    assertAmount(input.amountMc, true);
    const result = await this.apply({ kind: "capture", ...input });
    if (result.status === "ok" || result.status === "replayed") return result.entry;
    throwForResult(result, input.holdId);
  }

  async release(input: Omit<Extract<LedgerOp, { kind: "release" }>, "kind">) {
    const result = await this.apply({ kind: "release", ...input });
    if (result.status === "ok") return result.entry;
    if (result.status === "fenced") throw new StaleWriteError("this attempt was taken over; the hold is not its own");
    if (result.status === "replayed" || result.status === "conflict") return null;
    throwForResult(result, input.holdId);
  }

  async releaseStaleHolds(input: { now: number; deadOwners?: string[]; limit?: number }): Promise<number> {
    const stale = await this.staleHolds({
      now: input.now,
      deadOwners: input.deadOwners ?? [],
      limit: input.limit ?? 500,
    });
    const results = await Promise.all(
      stale.map((h) =>
        this.apply({
          kind: "release",
          accountId: h.accountId,
          holdId: h.id,
          reason: h.expired ? "hold expired" : "the process that held it stopped",
        }),
      ),
    );
    return results.filter((r) => r.status === "ok").length;
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.balanceReads.drain();
  }
}
