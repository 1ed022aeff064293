import type Stripe from "stripe";
import type { Ledger, LedgerWrite } from "../credits/ledger.js";
import { mcToCredits, type Pricing, type PurchaseCredits, packPurchase, topUpPurchase } from "../credits/pricing.js";
import type { NamedLocks } from "../db/locks.js";
import { ApiError } from "../errors.js";
import type { Outbox } from "../events/outbox.js";
import type { Metrics } from "../http/metrics.js";
import type { CheckoutRow, CheckoutStore } from "./checkout-store.js";

export type PurchaseRequest = { packId: string } | { amountCents: number };

export type EventOutcome =
  | "fulfilled"
  | "already_fulfilled"
  | "pending"
  | "rejected"
  | "failed"
  | "expired"
  | "refunded"
  | "refund_deferred"
  | "card_saved"
  | "auto_topup_failed"
  | "ignored";

/** Another kind of Stripe event the payments domain acts on (saved cards, auto top-ups); undefined: not mine. */
export interface StripeEventHandler {
  handle(event: Stripe.Event): Promise<EventOutcome | undefined>;
}

/** Where a purchase came from, as `purchase.completed` and `purchase.refunded` name it. */
export type PurchaseSource = "checkout" | "auto_topup";

/**
 * The customer-facing payload of `purchase.completed` (and the purchase part of `auto_topup.succeeded`); the
 * outbox adds `balance`, the available balance the credit left (docs/webhooks.md).
 */
export function purchaseEventData(id: string, source: PurchaseSource, purchase: PurchaseCredits) {
  return {
    purchaseId: id,
    source,
    credits: mcToCredits(purchase.baseMc + purchase.bonusMc),
    bonusCredits: mcToCredits(purchase.bonusMc),
    amountCents: purchase.amountCents,
    currency: "usd",
    ...(purchase.packId ? { packId: purchase.packId } : {}),
  };
}

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** What a purchase request buys under the current prices, or an error naming what is wrong with it. */
export function priceOf(pricing: Pricing, request: PurchaseRequest): PurchaseCredits {
  if ("packId" in request) {
    const purchase = packPurchase(pricing, request.packId);
    if (!purchase) throw new ApiError("NOT_FOUND", `no pack ${request.packId}`, { field: "packId" });
    return purchase;
  }
  if (request.amountCents < pricing.minTopUpCents || request.amountCents > pricing.maxTopUpCents)
    throw new ApiError(
      "VALIDATION_FAILED",
      `amountCents must be between ${pricing.minTopUpCents} and ${pricing.maxTopUpCents}`,
      { field: "amountCents" },
    );
  return topUpPurchase(pricing, request.amountCents);
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/**
 * Turns signed Stripe events into credits, exactly once per Checkout Session: the ledger entry keyed by the session
 * id is the record of fulfilment, written in the same transaction as the credit, so retries, duplicates, concurrent
 * deliveries and any order of events credit once.
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
  ) {}

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
        return this.onRefund(event.data.object);
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
      if (pending) await this.applyRefund(purchaseId, pending.refundedCents, pending.chargeId);
    }
    return replayed ? "already_fulfilled" : "fulfilled";
  }

  private async onRefund(charge: Stripe.Charge): Promise<EventOutcome> {
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
  private applyRefund(sessionId: string, refundedCents: number, chargeId: string): Promise<EventOutcome> {
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
