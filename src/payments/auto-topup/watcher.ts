import type { LedgerWatcher, WatchedMovement, WatcherStatement } from "../../credits/ledger-watchers.js";
import type { JobQueue } from "../../jobs/queue.js";
import { newId } from "../../lib/ids.js";
import { type AutoTopupStore, monthOf } from "./store.js";

export const AUTO_TOPUP_JOB = "auto_topup.charge";

/**
 * The attempt, as one conditional INSERT that commits with the spend: it happens only if the rule is on, a card is
 * saved, the settled balance (available + held: a hold is not spent, so one later released never buys a pack) is
 * below the threshold, the last failure is old enough, the month's caps allow one more, and no attempt is in flight.
 * The partial unique index on pending claims makes "no attempt in flight" hold across processes too (ON CONFLICT DO
 * NOTHING: a racing spend commits without a second claim, it is never refused for it).
 */
const CLAIM_SQL = `
INSERT INTO auto_topup_claims (id, account_id, status, month, pack_id, amount_cents, base_mc, bonus_mc, created_at)
SELECT ?, r.account_id, 'pending', ?, r.pack_id, r.amount_cents, r.base_mc, r.bonus_mc, ?
FROM auto_topup_rules r
JOIN balances b ON b.account_id = r.account_id
JOIN stripe_customers c ON c.account_id = r.account_id
WHERE r.account_id = ? AND r.enabled = 1 AND c.payment_method IS NOT NULL
  AND b.available_mc + b.reserved_mc < r.threshold_mc
  AND (r.last_failure_at IS NULL OR r.last_failure_at <= ?)
  AND NOT EXISTS (SELECT 1 FROM auto_topup_claims p WHERE p.account_id = r.account_id AND p.status = 'pending')
  AND (SELECT COUNT(*) FROM auto_topup_claims m
       WHERE m.account_id = r.account_id AND m.month = ? AND m.status <> 'failed') < r.max_per_month
  AND (r.max_cents_per_month IS NULL OR r.amount_cents + (SELECT COALESCE(SUM(m.amount_cents), 0)
       FROM auto_topup_claims m WHERE m.account_id = r.account_id AND m.month = ? AND m.status <> 'failed')
       <= r.max_cents_per_month)
ON CONFLICT DO NOTHING`;

/**
 * Starts an auto top-up when a debit or capture takes an account below its threshold: a claim row and the job that
 * charges the card, both written in the spend's transaction. Accounts without a rule switched on carry no writes:
 * which accounts have one is kept in memory (this process's changes at once, other processes' within `refreshMs`).
 */
export class AutoTopupWatcher implements LedgerWatcher {
  private enabled = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      store: AutoTopupStore;
      jobs: JobQueue;
      /** A failed attempt is retried on a later spend no sooner than this. */
      retryAfterMs: number;
      onQueued: () => void;
      refreshMs?: number;
      log: { warn(obj: object, msg: string): void };
    },
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () => this.refresh().catch((err) => this.deps.log.warn({ err }, "auto top-up rules will be re-read")),
      this.deps.refreshMs ?? 5_000,
    );
    this.timer.unref();
  }

  private pokeSoon = false;
  /** Wakes the job worker once for a burst of spends (most queued nothing: the claim's condition did not hold). */
  private readonly poke = () => {
    if (this.pokeSoon) return;
    this.pokeSoon = true;
    setTimeout(() => {
      this.pokeSoon = false;
      this.deps.onQueued();
    }, 10).unref();
  };

  stop(): void {
    clearInterval(this.timer);
  }

  /** This process changed a rule: spends see it at once. */
  ruleChanged(accountId: string, enabled: boolean): void {
    if (enabled) this.enabled.add(accountId);
    else this.enabled.delete(accountId);
  }

  private async refresh(): Promise<void> {
    this.enabled = new Set(await this.deps.store.enabledAccounts());
  }

  writesFor(movement: WatchedMovement): WatcherStatement[] {
    // A refund's claw-back is not spending: it never buys the credits it removed back.
    if (movement.kind !== "spend" || movement.type === "refund") return [];
    if (!this.enabled.has(movement.accountId)) return [];
    return this.makeWrites(movement.accountId, Date.now());
  }

  private makeWrites(accountId: string, now: number): WatcherStatement[] {
    const month = monthOf(now);
    const claimId = newId("atu");
    const jobId = `job_${claimId}`;
    return [
      // Once per ledger batch, after its movements: the check reads the balance the whole batch left.
      {
        sql: CLAIM_SQL,
        params: [claimId, month, now, accountId, now - this.deps.retryAfterMs, month, month],
        batchKey: `auto-topup-claim:${accountId}`,
      },
      {
        ...this.deps.jobs.enqueueIf(
          { kind: AUTO_TOPUP_JOB, accountId, subjectId: claimId, id: jobId },
          "EXISTS (SELECT 1 FROM auto_topup_claims WHERE id = ?) AND NOT EXISTS (SELECT 1 FROM jobs WHERE id = ?)",
          [claimId, jobId],
        ),
        onCommit: this.poke,
        batchKey: `auto-topup-job:${accountId}`,
      },
    ];
  }
}
