import type Stripe from "stripe";
import { mcToCredits, type Pricing, type PurchaseCredits, packPurchase, topUpPurchase } from "../credits/pricing.js";
import { ApiError } from "../errors.js";

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

/** Where the payments domain logs what an operator should see (a refused session, an unrecoverable refund). */
export interface Logger {
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

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
