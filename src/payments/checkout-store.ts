import type { PurchaseCredits } from "../credits/pricing.js";
import type { Sql } from "../db/sql.js";

export interface CheckoutRow {
  id: string;
  account_id: string;
  pack_id: string | null;
  amount_cents: number;
  base_mc: number;
  bonus_mc: number;
  status: "open" | "pending" | "fulfilled" | "failed" | "expired" | "rejected";
  payment_intent: string | null;
  refunded_cents: number;
  clawback_target_mc: number;
  unrecovered_mc: number;
}

/** A session's purchase as the `checkout_sessions` row records it. */
type CheckoutPurchase = Pick<PurchaseCredits, "amountCents" | "baseMc" | "bonusMc" | "packId">;

/**
 * Checkout Sessions, and refunds that arrived before their purchase was fulfilled. Every write is one statement that
 * meets a row already there with `ON CONFLICT` (Stripe retries, and sends events in any order, so a session may be
 * first seen by any of them). Which status may follow which is decided by `Fulfilment`, not here.
 */
export class CheckoutStore {
  constructor(private readonly sql: Sql) {}

  /** The engine of the store's database (an event whose payload SQL reads as it commits). */
  get dialect(): Sql["dialect"] {
    return this.sql.dialect;
  }

  /** Runs `fn` in one transaction of the store's database (an event written with a change made here). */
  inTransaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  get(sessionId: string): Promise<CheckoutRow | undefined> {
    return this.sql.get<CheckoutRow>("SELECT * FROM checkout_sessions WHERE id = ?", [sessionId]);
  }

  fulfilledByPaymentIntent(paymentIntent: string): Promise<CheckoutRow | undefined> {
    return this.sql.get<CheckoutRow>(
      "SELECT * FROM checkout_sessions WHERE payment_intent = ? AND status = 'fulfilled'",
      [paymentIntent],
    );
  }

  /** Records a session as the checkout started it (its price fixed then); a session already known is left as is. */
  async recordOpen(sessionId: string, accountId: string, p: CheckoutPurchase): Promise<void> {
    await this.sql.run(
      `INSERT INTO checkout_sessions (id, account_id, pack_id, amount_cents, base_mc, bonus_mc, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (id) DO NOTHING`,
      [sessionId, accountId, p.packId ?? null, p.amountCents, p.baseMc, p.bonusMc, Date.now()],
    );
  }

  /** Paid by a delayed method not yet settled: an open session becomes pending. */
  async markPending(sessionId: string, accountId: string, p: CheckoutPurchase): Promise<void> {
    await this.sql.run(
      `INSERT INTO checkout_sessions (id, account_id, pack_id, amount_cents, base_mc, bonus_mc, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
       ON CONFLICT (id) DO UPDATE SET status = 'pending' WHERE checkout_sessions.status = 'open'`,
      [sessionId, accountId, p.packId ?? null, p.amountCents, p.baseMc, p.bonusMc, Date.now()],
    );
  }

  async markFulfilled(
    sessionId: string,
    accountId: string,
    p: CheckoutPurchase,
    paymentIntent: string | null,
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO checkout_sessions (id, account_id, pack_id, amount_cents, base_mc, bonus_mc, status, payment_intent, created_at, fulfilled_at)
       VALUES (?, ?, ?, ?, ?, ?, 'fulfilled', ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'fulfilled', payment_intent = excluded.payment_intent,
         fulfilled_at = COALESCE(checkout_sessions.fulfilled_at, excluded.fulfilled_at)`,
      [
        sessionId,
        accountId,
        p.packId ?? null,
        p.amountCents,
        p.baseMc,
        p.bonusMc,
        paymentIntent,
        Date.now(),
        Date.now(),
      ],
    );
  }

  /** Refused for good (wrong amount, currency or account), with the reason an operator reads. */
  async markRejected(sessionId: string, accountId: string, amountCents: number, reason: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO checkout_sessions (id, account_id, pack_id, amount_cents, base_mc, bonus_mc, status, status_reason, created_at)
       VALUES (?, ?, NULL, ?, 0, 0, 'rejected', ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'rejected', status_reason = excluded.status_reason`,
      [sessionId, accountId, amountCents, reason, Date.now()],
    );
  }

  /** A session that ended unpaid; one already paid or refused keeps its status. */
  async markUnpaid(sessionId: string, status: "failed" | "expired", reason: string): Promise<void> {
    await this.sql.run(
      "UPDATE checkout_sessions SET status = ?, status_reason = ? WHERE id = ? AND status IN ('open', 'pending')",
      [status, reason, sessionId],
    );
  }

  async recordRefund(sessionId: string, refund: { cents: number; targetMc: number; unrecoveredMc: number }) {
    await this.sql.run(
      `UPDATE checkout_sessions SET refunded_cents = ?, clawback_target_mc = ?, unrecovered_mc = unrecovered_mc + ?
       WHERE id = ?`,
      [refund.cents, refund.targetMc, refund.unrecoveredMc, sessionId],
    );
  }

  /** Keeps the largest cumulative refund seen for a payment not fulfilled yet. */
  async deferRefund(paymentIntent: string, refundedCents: number, chargeId: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO pending_refunds (payment_intent, refunded_cents, charge_id, received_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (payment_intent) DO UPDATE SET refunded_cents = excluded.refunded_cents
       WHERE pending_refunds.refunded_cents < excluded.refunded_cents`,
      [paymentIntent, refundedCents, chargeId, Date.now()],
    );
  }

  async deferredRefund(paymentIntent: string): Promise<{ refundedCents: number; chargeId: string } | undefined> {
    const row = await this.sql.get<{ refunded_cents: number; charge_id: string }>(
      "SELECT refunded_cents, charge_id FROM pending_refunds WHERE payment_intent = ?",
      [paymentIntent],
    );
    return row && { refundedCents: Number(row.refunded_cents), chargeId: row.charge_id };
  }

  async forgetDeferredRefund(chargeId: string): Promise<void> {
    await this.sql.run("DELETE FROM pending_refunds WHERE charge_id = ?", [chargeId]);
  }
}
