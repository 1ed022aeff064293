import Stripe from "stripe";
import { ApiError } from "../errors.js";

export interface StripeSettings {
  secretKey?: string;
  webhookSecret?: string;
  /** Overrides https://api.stripe.com (a gateway, or a local server that speaks Stripe's API in tests). */
  apiBase?: string;
}

/** Stripe's default webhook tolerance: an event signed more than 300 s ago is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function createStripeClient(settings: StripeSettings): Stripe | undefined {
  if (!settings.secretKey) return undefined;
  const options: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 2, timeout: 20_000, telemetry: false };
  if (settings.apiBase) {
    const url = new URL(settings.apiBase);
    options.host = url.hostname;
    options.port = url.port || (url.protocol === "https:" ? 443 : 80);
    options.protocol = url.protocol === "http:" ? "http" : "https";
  }
  return new Stripe(settings.secretKey, options);
}

/** Verifies `Stripe-Signature` over the raw body; anything unsigned, mis-signed or stale is WEBHOOK_SIGNATURE_INVALID. */
export function verifyWebhook(settings: StripeSettings, rawBody: Buffer, signature: string | undefined): Stripe.Event {
  if (!settings.webhookSecret) throw new ApiError("PAYMENTS_NOT_CONFIGURED", "STRIPE_WEBHOOK_SECRET is not set");
  if (!signature) throw new ApiError("WEBHOOK_SIGNATURE_INVALID", "the Stripe-Signature header is missing");
  // Verification needs no API key; the library only wants an instance to hang `webhooks` on.
  const stripe = new Stripe(settings.secretKey ?? "sk_verification_only");
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, settings.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    throw new ApiError("WEBHOOK_SIGNATURE_INVALID", (error as Error).message);
  }
}
