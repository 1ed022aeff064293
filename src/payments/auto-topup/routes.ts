import { z } from "zod";
import {
  creditsToMc,
  mcToCredits,
  type Pricing,
  type PurchaseCredits,
  packPurchase,
  topUpPurchase,
} from "../../credits/pricing.js";
import { ApiError } from "../../errors.js";
import { type principalOf, requireOwner } from "../../http/auth.js";
import { Credits, errors, iso } from "../../http/schemas.js";
import type { App } from "../../http/server.js";
import type { SavedCards } from "./cards.js";
import { failureMessage } from "./charge.js";
import type { AutoTopupStore, ClaimRow } from "./store.js";
import type { AutoTopupWatcher } from "./watcher.js";

export interface AutoTopupRouteDeps {
  store: AutoTopupStore;
  cards: SavedCards;
  watcher: AutoTopupWatcher;
  pricing: () => Pricing;
  paymentsConfigured: boolean;
  publicUrl: string;
  accountExists: (accountId: string) => Promise<boolean>;
}

export const AutoTopupRule = z
  .object({
    enabled: z.boolean(),
    thresholdCredits: z.number().min(0).max(1_000_000_000).describe("Top up when the balance falls below this"),
    packId: z.string().min(1).max(64).optional().describe("The pack to buy (or give amountCents)"),
    amountCents: z.number().int().positive().optional().describe("An amount to buy, in cents (or give packId)"),
    maxPerMonth: z.number().int().min(1).max(100).describe("At most this many top-ups per calendar month (UTC)"),
    maxCentsPerMonth: z
      .number()
      .int()
      .positive()
      .nullable()
      .optional()
      .describe("At most this much money per calendar month (UTC), in cents"),
  })
  .strict();

const Attempt = z.object({
  id: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  amountCents: z.number().int(),
  credits: Credits,
  createdAt: z.string(),
  message: z.string().nullable().describe("Why it failed, in words for the customer"),
});

export const AutoTopupView = z.object({
  available: z.boolean().describe("False when this service takes no payments"),
  enabled: z.boolean(),
  thresholdCredits: Credits.nullable(),
  packId: z.string().nullable(),
  amountCents: z.number().int().nullable(),
  credits: Credits.nullable().describe("What one top-up adds (bonus included)"),
  maxPerMonth: z.number().int().nullable(),
  maxCentsPerMonth: z.number().int().nullable(),
  card: z
    .object({
      brand: z.string(),
      last4: z.string(),
      expMonth: z.number().int().nullable(),
      expYear: z.number().int().nullable(),
    })
    .nullable(),
  thisMonth: z.object({ count: z.number().int(), amountCents: z.number().int(), attempts: z.array(Attempt) }),
  consecutiveFailures: z.number().int(),
  lastFailure: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  turnedOffAt: z.string().nullable().describe("When the rule turned itself off after failed payments"),
});

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function ownerOnly(request: Parameters<typeof principalOf>[0]) {
  return requireOwner(request, "auto top-up and saved cards").accountId;
}

const attemptOf = (c: ClaimRow) => ({
  id: c.id,
  status: c.status,
  amountCents: Number(c.amount_cents),
  credits: mcToCredits(Number(c.base_mc) + Number(c.bonus_mc)),
  createdAt: iso(Number(c.created_at))!,
  message: c.status === "failed" ? failureMessage(c.failure_code) : null,
});

/** What a rule buys, or a refusal in the customer's words. */
function purchaseOf(pricing: Pricing, body: z.infer<typeof AutoTopupRule>): PurchaseCredits {
  const refuse = (message: string, field: string) => new ApiError("VALIDATION_FAILED", message, { field });
  if (body.packId !== undefined && body.amountCents !== undefined)
    throw refuse("Choose a pack or an amount, not both.", "packId");
  if (body.packId !== undefined) {
    const purchase = packPurchase(pricing, body.packId);
    if (!purchase) throw refuse("That pack is not on sale. Choose one of the packs on offer.", "packId");
    return purchase;
  }
  if (body.amountCents === undefined) throw refuse("Choose a pack or an amount to buy.", "packId");
  if (body.amountCents < pricing.minTopUpCents || body.amountCents > pricing.maxTopUpCents)
    throw refuse(
      `The amount must be between ${dollars(pricing.minTopUpCents)} and ${dollars(pricing.maxTopUpCents)}.`,
      "amountCents",
    );
  return topUpPurchase(pricing, body.amountCents);
}

/** The account's rule, saved card and this month's top-ups, as GET /v1/auto-topup answers them. */
export async function autoTopupView(deps: Pick<AutoTopupRouteDeps, "store" | "paymentsConfigured">, accountId: string) {
  // Attempts first: an attempt seen settled has its rule's counters settled too (they commit together).
  const claims = await deps.store.monthClaims(accountId);
  const rule = await deps.store.rule(accountId);
  const card = await deps.store.card(accountId);
  const counted = claims.filter((c) => c.status !== "failed");
  return {
    available: deps.paymentsConfigured,
    enabled: Number(rule?.enabled ?? 0) === 1,
    thresholdCredits: rule ? mcToCredits(Number(rule.threshold_mc)) : null,
    packId: rule?.pack_id ?? null,
    amountCents: rule ? Number(rule.amount_cents) : null,
    credits: rule ? mcToCredits(Number(rule.base_mc) + Number(rule.bonus_mc)) : null,
    maxPerMonth: rule ? Number(rule.max_per_month) : null,
    maxCentsPerMonth: rule?.max_cents_per_month == null ? null : Number(rule.max_cents_per_month),
    card:
      card?.paymentMethod && card.last4
        ? { brand: card.brand ?? "card", last4: card.last4, expMonth: card.expMonth, expYear: card.expYear }
        : null,
    thisMonth: {
      count: counted.length,
      amountCents: counted.reduce((sum, c) => sum + Number(c.amount_cents), 0),
      attempts: claims.slice(0, 20).map(attemptOf),
    },
    consecutiveFailures: Number(rule?.consecutive_failures ?? 0),
    lastFailure:
      rule?.last_failure_code && rule.last_failure_at
        ? {
            code: rule.last_failure_code,
            message: failureMessage(rule.last_failure_code),
            at: iso(Number(rule.last_failure_at))!,
          }
        : null,
    turnedOffAt: rule?.turned_off_at ? iso(Number(rule.turned_off_at))! : null,
  };
}

export function autoTopupRoutes(app: App, deps: AutoTopupRouteDeps): void {
  const view = (accountId: string) => autoTopupView(deps, accountId);

  app.get(
    "/v1/auto-topup",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["payments"],
        summary: "The auto top-up rule, the saved card and this month's top-ups (the account owner only)",
        security: [{ apiKey: [] }],
        response: { 200: AutoTopupView, ...errors(401, 403) },
      },
    },
    async (request) => view(ownerOnly(request)),
  );

  app.get(
    "/v1/admin/accounts/:accountId/auto-topup",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "An account's auto top-up rule, saved card and this month's top-ups",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: { 200: AutoTopupView, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      return view(accountId);
    },
  );

  app.put(
    "/v1/auto-topup",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["payments"],
        summary: "Set the auto top-up rule: below a threshold, buy a pack or an amount from the saved card",
        security: [{ apiKey: [] }],
        body: AutoTopupRule,
        response: { 200: AutoTopupView, ...errors(400, 401, 403, 409, 501) },
      },
    },
    async (request) => {
      const accountId = ownerOnly(request);
      const body = request.body;
      const purchase = purchaseOf(deps.pricing(), body);
      const maxCents = body.maxCentsPerMonth ?? null;
      if (maxCents !== null && maxCents < purchase.amountCents)
        throw new ApiError(
          "VALIDATION_FAILED",
          `The monthly spending cap (${dollars(maxCents)}) is less than one top-up (${dollars(purchase.amountCents)}), so auto top-up could never run.`,
          { field: "maxCentsPerMonth" },
        );
      if (body.enabled) {
        if (!deps.paymentsConfigured)
          throw new ApiError(
            "PAYMENTS_NOT_CONFIGURED",
            "Auto top-up is not available on this service. Please contact the service's operator.",
          );
        const card = await deps.store.card(accountId);
        if (!card?.paymentMethod)
          throw new ApiError("CONFLICT", "Save a card before turning on auto top-up.", { field: "enabled" });
      }
      await deps.store.saveRule(accountId, {
        enabled: body.enabled,
        thresholdMc: creditsToMc(body.thresholdCredits),
        packId: purchase.packId ?? null,
        amountCents: purchase.amountCents,
        baseMc: purchase.baseMc,
        bonusMc: purchase.bonusMc,
        maxPerMonth: body.maxPerMonth,
        maxCentsPerMonth: maxCents,
      });
      deps.watcher.ruleChanged(accountId, body.enabled);
      return view(accountId);
    },
  );

  app.delete(
    "/v1/auto-topup/card",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["payments"],
        summary: "Remove the saved card (auto top-up turns off) — the account owner only",
        security: [{ apiKey: [] }],
        response: { 200: AutoTopupView, ...errors(401, 403, 501, 502) },
      },
    },
    async (request) => {
      const accountId = ownerOnly(request);
      await deps.cards.removeCard(accountId);
      deps.watcher.ruleChanged(accountId, false);
      return view(accountId);
    },
  );

  app.post(
    "/v1/auto-topup/setup",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["payments"],
        summary: "Start saving a card for auto top-up: a Stripe Checkout page in setup mode (the account owner only)",
        security: [{ apiKey: [] }],
        response: { 200: z.object({ url: z.string() }), ...errors(401, 403, 501, 502) },
      },
    },
    async (request) => {
      const accountId = ownerOnly(request);
      if (!deps.paymentsConfigured)
        throw new ApiError(
          "PAYMENTS_NOT_CONFIGURED",
          "Saving a card is not available on this service. Please contact the service's operator.",
        );
      return deps.cards.setupSession(accountId, {
        success: `${deps.publicUrl}/dashboard/limits?card=saved`,
        cancel: `${deps.publicUrl}/dashboard/limits?card=cancelled`,
      });
    },
  );
}
