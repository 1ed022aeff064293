import type Stripe from "stripe";
import type { Ledger } from "../credits/ledger.js";
import { mcToCredits } from "../credits/pricing.js";
import type { NamedLocks } from "../db/locks.js";
import type { Outbox } from "../events/outbox.js";
import type { CheckoutStore } from "./checkout-store.js";
import { type EventOutcome, idOf, type Logger, type PurchaseSource } from "./purchases.js";

/**
 * Stripe refunds of purchases: the credits they paid for are clawed back once per cumulative refunded amount, as far
 * as they are unspent, with `purchase.refunded`. A refund that arrives before its purchase is fulfilled waits in the
 * checkout store until fulfilment applies it.
 */
export class Refunds {
  constructor(
    private readonly deps: {
      checkouts: CheckoutStore;
      ledger: Ledger;
      locks: NamedLocks;
      log: Logger;
      outbox?: Outbox;
    },
  ) {}

  /** A `charge.refunded` event: claws back now, or remembers the refund until its purchase is fulfilled. */
  async onRefund(charge: Stripe.Charge): Promise<EventOutcome> {
    const paymentIntent = idOf(charge.payment_intent);
    if (!paymentIntent) return "ignored";
    const row = await this.deps.checkouts.fulfilledByPaymentIntent(paymentIntent);
    if (!row) {
      // The refund arrived before the purchase was fulfilled: remember it; fulfilment applies it.
      await this.deps.checkouts.deferRefund(paymentIntent, charge.amount_refunded, charge.id);
      return "refund_deferred";
    }
    return this.applyRefund(row.id, charge.amount_refunded, charge.id);
  }

  /**
   * Claws back the credits a refund paid for, in proportion to the refunded amount (bonus included), as far as they
   * are unspent. `refundedCents` is Stripe's cumulative amount_refunded; each new cumulative amount is applied once.
   */
  applyRefund(sessionId: string, refundedCents: number, chargeId: string): Promise<EventOutcome> {
    return this.deps.locks.withLock(`refund:${sessionId}`, async () => {
      const row = await this.deps.checkouts.get(sessionId);
      if (row?.status !== "fulfilled") return "ignored";
      if (refundedCents <= Number(row.refunded_cents)) return "refunded";
      const amountCents = Number(row.amount_cents);
      const totalMc = Number(row.base_mc) + Number(row.bonus_mc);
      const cappedCents = Math.min(refundedCents, amountCents);
      const targetMc = Math.floor((totalMc * cappedCents) / amountCents);
      const requestedMc = targetMc - Number(row.clawback_target_mc);
      let unrecoveredMc = 0;
      // purchase.refunded commits with the claw-back (or alone when nothing is left to take back).
      const refunded = {
        accountId: row.account_id,
        type: "purchase.refunded" as const,
        data: {
          purchaseId: sessionId,
          source: (sessionId.startsWith("pi_") ? "auto_topup" : "checkout") satisfies PurchaseSource,
          refundedCents: cappedCents,
          amountCents,
          creditsRefunded: mcToCredits(Math.max(0, requestedMc)),
        },
      };
      if (requestedMc > 0) {
        const result = await this.deps.ledger.debit({
          accountId: row.account_id,
          amountMc: requestedMc,
          type: "refund",
          upTo: true,
          idemKey: `stripe-refund:${sessionId}:${cappedCents}`,
          cause: {
            reference: sessionId,
            quantity: { refundedCents: cappedCents - Number(row.refunded_cents), requestedMc, chargeId },
            reason: "Stripe refund",
          },
          writes: this.deps.outbox ? [this.deps.outbox.write(refunded)] : [],
        });
        if (result.ok) unrecoveredMc = requestedMc + result.entry.amountMc;
      } else if (this.deps.outbox) {
        const outbox = this.deps.outbox;
        await this.deps.checkouts.inTransaction((tx) => outbox.insert(tx, refunded));
      }
      if (unrecoveredMc > 0)
        this.deps.log.warn(
          { sessionId, unrecoveredMc },
          "refund exceeded the unspent credits; the rest was already used",
        );
      await this.deps.checkouts.recordRefund(sessionId, { cents: cappedCents, targetMc, unrecoveredMc });
      await this.deps.checkouts.forgetDeferredRefund(chargeId);
      return "refunded";
    });
  }
}
