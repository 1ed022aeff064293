import type Stripe from "stripe";
import type { Ledger, LedgerWrite } from "../credits/ledger.js";
import type { Pricing, PurchaseCredits } from "../credits/pricing.js";
import type { NamedLocks } from "../db/locks.js";
import type { Outbox } from "../events/outbox.js";
import type { Metrics } from "../http/metrics.js";
import type { CheckoutRow, CheckoutStore } from "./checkout-store.js";
import {
  type EventOutcome,
  idOf,
  type Logger,
  type PurchaseSource,
  priceOf,
  purchaseEventData,
  type StripeEventHandler,
} from "./purchases.js";
import { Refunds } from "./refunds.js";

export type { EventOutcome, PurchaseRequest, PurchaseSource, StripeEventHandler } from "./purchases.js";
export { priceOf, purchaseEventData } from "./purchases.js";

/**
 * Turns signed Stripe events into credits, exactly once per Checkout Session: the ledger entry keyed by the session
 * id is the record of fulfilment, written in the same transaction as the credit, so retries, duplicates, concurrent
 * deliveries and any order of events credit once. Refunds claw back through `refunds.ts`.
 */
export class Fulfilment {
  constructor(
    private readonly deps: {
      checkouts: CheckoutStore;
      ledger: Ledger;
      locks: NamedLocks;
      pricing: () => Pricing;
      metrics: Metrics;
      log: Logger;
      /** Account events (purchase.completed / purchase.refunded), written with the movement they report. */
      outbox?: Outbox;
    },
  ) {
    this.refunds = new Refunds(deps);
  }

  private readonly refunds: Refunds;
  private readonly handlers: StripeEventHandler[] = [];

  /** Adds a handler asked first about every event (saved cards, auto top-ups). */
  use(handler: StripeEventHandler): void {
    this.handlers.push(handler);
  }

  async recordCheckout(input: { sessionId: string; accountId: string; purchase: PurchaseCredits }): Promise<void> {
    await this.deps.checkouts.recordOpen(input.sessionId, input.accountId, input.purchase);
  }

  async handle(event: Stripe.Event): Promise<EventOutcome> {
    for (const handler of this.handlers) {
      const outcome = await handler.handle(event);
      if (outcome) return outcome;
    }
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
        return this.onSessionPaid(event.data.object);
      case "checkout.session.async_payment_failed":
        return this.setStatus(event.data.object.id, "failed", "the delayed payment failed");
      case "checkout.session.expired":
        return this.setStatus(event.data.object.id, "expired", "the session expired unpaid");
      case "charge.refunded":
        return this.refunds.onRefund(event.data.object);
      default:
        return "ignored";
    }
  }

  private async setStatus(sessionId: string, status: "failed" | "expired", reason: string): Promise<EventOutcome> {
    await this.deps.checkouts.markUnpaid(sessionId, status, reason);
    return status;
  }

  /** The purchase a session stands for: as recorded at checkout, else as its metadata names it at today's prices. */
  private expectation(session: Stripe.Checkout.Session, row: CheckoutRow | undefined) {
    if (row)
      return {
        accountId: row.account_id,
        purchase: {
          amountCents: Number(row.amount_cents),
          baseMc: Number(row.base_mc),
          bonusMc: Number(row.bonus_mc),
          packId: row.pack_id ?? undefined,
        },
      };
    const accountId = session.client_reference_id;
    const meta = session.metadata ?? {};
    if (!accountId) return undefined;
    try {
      if (meta.packId) return { accountId, purchase: priceOf(this.deps.pricing(), { packId: meta.packId }) };
      if (meta.amountCents && /^\d+$/.test(meta.amountCents))
        return { accountId, purchase: priceOf(this.deps.pricing(), { amountCents: Number(meta.amountCents) }) };
    } catch {
      return undefined;
    }
    return undefined;
  }

  private async onSessionPaid(session: Stripe.Checkout.Session): Promise<EventOutcome> {
    const row = await this.deps.checkouts.get(session.id);
    // A session refused once (wrong amount, currency or account) stays refused: its amount cannot change.
    if (row?.status === "rejected") return "rejected";
    const expected = this.expectation(session, row);
    const reject = async (reason: string): Promise<EventOutcome> => {
      this.deps.log.warn({ sessionId: session.id, reason }, "Checkout Session not fulfilled");
      if (row?.status === "fulfilled") return "already_fulfilled";
      await this.deps.checkouts.markRejected(
        session.id,
        session.client_reference_id ?? "unknown",
        session.amount_total ?? 0,
        reason,
      );
      return "rejected";
    };
    if (!expected) return reject("the session names no known account and purchase");
    if (session.client_reference_id && session.client_reference_id !== expected.accountId)
      return reject("client_reference_id does not match the account that started the checkout");
    if (session.payment_status !== "paid") {
      if (row?.status === "fulfilled") return "already_fulfilled";
      await this.deps.checkouts.markPending(session.id, expected.accountId, expected.purchase);
      return "pending";
    }
    if ((session.currency ?? "").toLowerCase() !== "usd") return reject(`currency ${session.currency} is not usd`);
    if (session.amount_total !== expected.purchase.amountCents)
      return reject(`amount_total ${session.amount_total} does not match the price ${expected.purchase.amountCents}`);

    const { purchase, accountId } = expected;
    const outcome = await this.creditPayment({
      purchaseId: session.id,
      accountId,
      purchase,
      paymentIntent: idOf(session.payment_intent),
      source: "checkout",
      reason: "Stripe Checkout",
    });
    return outcome;
  }

  /**
   * Credits a paid purchase once: the ledger entry keyed by the purchase (a Checkout Session, or the PaymentIntent of
   * an auto top-up) is the record of fulfilment, and `writes` (with `purchase.completed`) commit with it, only the
   * first time. `writes` run after the credit: an event among them may read the balance it left. A refund that arrived first is applied now.
   */
  async creditPayment(input: {
    purchaseId: string;
    accountId: string;
    purchase: PurchaseCredits;
    paymentIntent: string | null;
    source: PurchaseSource;
    reason: string;
    writes?: LedgerWrite[];
  }): Promise<"fulfilled" | "already_fulfilled"> {
    const { purchase, accountId, purchaseId, paymentIntent } = input;
    // purchase.completed carries the balance the credit left (`balance`), read as it commits.
    const events = this.deps.outbox
      ? [
          this.deps.outbox.writeWithBalance(
            { accountId, type: "purchase.completed", data: purchaseEventData(purchaseId, input.source, purchase) },
            this.deps.checkouts.dialect,
          ),
        ]
      : [];
    const { replayed } = await this.deps.ledger.credit({
      accountId,
      amountMc: purchase.baseMc,
      bonusMc: purchase.bonusMc,
      type: "purchase",
      idemKey: `stripe:${purchaseId}`,
      cause: {
        reference: purchaseId,
        quantity: { amountCents: purchase.amountCents, ...(purchase.packId ? { packId: purchase.packId } : {}) },
        reason: input.reason,
      },
      writes: [...(input.writes ?? []), ...events],
    });
    await this.deps.checkouts.markFulfilled(purchaseId, accountId, purchase, paymentIntent);
    if (!replayed) {
      this.deps.metrics.creditsPurchased.inc(purchase.baseMc + purchase.bonusMc);
      this.deps.metrics.revenueCents.inc(purchase.amountCents);
      this.deps.log.info({ purchaseId, accountId, source: input.source }, "purchase fulfilled");
    }
    if (paymentIntent) {
      const pending = await this.deps.checkouts.deferredRefund(paymentIntent);
      if (pending) await this.refunds.applyRefund(purchaseId, pending.refundedCents, pending.chargeId);
    }
    return replayed ? "already_fulfilled" : "fulfilled";
  }
}
