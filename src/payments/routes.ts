import type Stripe from "stripe";
import { z } from "zod";
import type { Ledger } from "../credits/ledger.js";
import { mcToCredits, type Pricing } from "../credits/pricing.js";
import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { Credits, errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { paymentsAdminRoutes } from "./admin-routes.js";
import { type Fulfilment, priceOf } from "./fulfilment.js";
import { type StripeSettings, verifyWebhook } from "./stripe.js";

const ReturnUrl = z
  .string()
  .max(2048)
  .optional()
  .describe(
    "Where Checkout returns to (a site's key only, on the site's own origin); `checkout=success|cancelled` is appended",
  );

const SaveCard = z
  .boolean()
  .optional()
  .describe("Also save the card for auto top-up (the account owner only): Stripe keeps it for payments made later");

export const CheckoutRequest = z.union([
  z.object({ packId: z.string().min(1).max(64), returnUrl: ReturnUrl, saveCard: SaveCard }).strict(),
  z
    .object({
      amountCents: z.number().int().positive().describe("A top-up of any amount from $1, in whole cents"),
      returnUrl: ReturnUrl,
      saveCard: SaveCard,
    })
    .strict(),
]);

export interface PaymentsRouteDeps {
  sql: Sql;
  ledger: Ledger;
  stripe?: Stripe;
  settings: StripeSettings;
  pricing: () => Pricing;
  fulfilment: Fulfilment;
  publicUrl: string;
  /** The account's Stripe Customer, created the first time (a purchase that also saves the card). */
  customerOf?: (accountId: string) => Promise<string>;
}

/**
 * Checkout's return addresses: the dashboard, or a site's own page (the WordPress connector returns to wp-admin). A
 * return URL is accepted only on the origin the calling site key was activated for, so a leaked key cannot turn the
 * service's Checkout into a redirector to anywhere.
 */
async function returnUrls(
  sql: Sql,
  principal: { accountId: string; siteId: string | null },
  returnUrl: string | undefined,
  publicUrl: string,
): Promise<{ success: string; cancel: string }> {
  if (returnUrl === undefined)
    return {
      success: `${publicUrl}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel: `${publicUrl}/dashboard?checkout=cancelled`,
    };
  const refuse = (why: string) => new ApiError("VALIDATION_FAILED", why, { field: "returnUrl" });
  if (!principal.siteId) throw refuse("returnUrl is accepted only with a site's API key");
  const site = await sql.get<{ url: string }>("SELECT url FROM sites WHERE id = ? AND account_id = ?", [
    principal.siteId,
    principal.accountId,
  ]);
  let target: URL;
  try {
    target = new URL(returnUrl);
  } catch {
    throw refuse("returnUrl must be an absolute URL");
  }
  if (!site || new URL(site.url).origin !== target.origin) throw refuse("returnUrl must be on the site's own origin");
  target.hash = "";
  const base = target.toString();
  const join = base.includes("?") ? "&" : "?";
  // {CHECKOUT_SESSION_ID} is Stripe's template: it must stay literal, so it is appended after URL serialisation.
  return {
    success: `${base}${join}checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel: `${base}${join}checkout=cancelled`,
  };
}

export function paymentsRoutes(app: App, deps: PaymentsRouteDeps): void {
  paymentsAdminRoutes(app, deps);
  app.post(
    "/v1/checkout",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["payments"],
        summary: "Start a Stripe Checkout Session for a pack or a custom amount",
        security: [{ apiKey: [] }],
        body: CheckoutRequest,
        response: {
          200: z.object({
            url: z.string(),
            sessionId: z.string(),
            credits: Credits,
            bonusCredits: Credits,
            amountCents: z.number().int(),
          }),
          ...errors(400, 401, 403, 404, 501, 502),
        },
      },
    },
    async (request) => {
      if (!deps.stripe) {
        request.log.warn("checkout refused: STRIPE_SECRET_KEY is not set");
        throw new ApiError(
          "PAYMENTS_NOT_CONFIGURED",
          "Buying credits is not available on this service yet. Please contact the service's operator.",
        );
      }
      const principal = principalOf(request);
      const saveCard = request.body.saveCard === true;
      if (saveCard && principal.siteId)
        throw new ApiError("FORBIDDEN", "Only the account owner can save a card for auto top-up.");
      const back = await returnUrls(deps.sql, principal, request.body.returnUrl, deps.publicUrl);
      const purchase = priceOf(deps.pricing(), request.body);
      const credits = mcToCredits(purchase.baseMc + purchase.bonusMc);
      const name = purchase.packId
        ? `${credits.toLocaleString("en-US")} credits (${purchase.packId})`
        : `${credits.toLocaleString("en-US")} credits`;
      const metadata: Record<string, string> = { accountId: principal.accountId };
      if (purchase.packId) metadata.packId = purchase.packId;
      else metadata.amountCents = String(purchase.amountCents);
      let session: Stripe.Checkout.Session;
      try {
        // Saving the card: the payment is made for the account's Stripe Customer and kept for later off-session use.
        const customer = saveCard && deps.customerOf ? await deps.customerOf(principal.accountId) : undefined;
        if (customer) metadata.saveCard = "true";
        session = await deps.stripe.checkout.sessions.create({
          mode: "payment",
          client_reference_id: principal.accountId,
          metadata,
          ...(customer ? { customer } : {}),
          payment_intent_data: { metadata, ...(customer ? { setup_future_usage: "off_session" as const } : {}) },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: "usd",
                unit_amount: purchase.amountCents,
                product_data: { name, description: "Prepaid AI credits. Credits never expire." },
              },
            },
          ],
          success_url: back.success,
          cancel_url: back.cancel,
        });
      } catch (error) {
        request.log.error({ err: error }, "Stripe refused to create a Checkout Session");
        throw new ApiError("PROVIDER_ERROR", `Stripe: ${(error as Error).message}`);
      }
      if (!session.url) throw new ApiError("PROVIDER_ERROR", "Stripe returned a Checkout Session without a URL");
      await deps.fulfilment.recordCheckout({ sessionId: session.id, accountId: principal.accountId, purchase });
      return {
        url: session.url,
        sessionId: session.id,
        credits,
        bonusCredits: mcToCredits(purchase.bonusMc),
        amountCents: purchase.amountCents,
      };
    },
  );

  // The signature covers the exact bytes Stripe sent, so this route keeps its body raw.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    scope.post(
      "/v1/webhooks/stripe",
      {
        schema: {
          tags: ["payments"],
          summary: "Stripe's signed webhook events (Checkout fulfilment, refunds)",
          response: { 200: z.object({ received: z.literal(true), outcome: z.string() }), ...errors(400, 501) },
        },
      },
      async (request) => {
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) throw new ApiError("VALIDATION_FAILED", "the webhook body is missing");
        const signature = request.headers["stripe-signature"];
        const event = verifyWebhook(deps.settings, raw, typeof signature === "string" ? signature : undefined);
        const outcome = await deps.fulfilment.handle(event);
        request.log.info({ eventId: event.id, type: event.type, outcome }, "Stripe event");
        return { received: true as const, outcome };
      },
    );
  });
}
