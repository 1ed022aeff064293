import { startTestApp, type TestApp, type TestCustomer, WEBHOOK_SECRET } from "./app.js";
import type { Engine } from "./db.js";
import { type FakeStripe, signedEvent, startFakeStripe, type TestCard } from "./fake-stripe.js";
import { startSmtpServer, type TestSmtpServer } from "./smtp.js";

/** The app wired to the fake Stripe (and, with `mail`, to a real SMTP server on loopback), for auto top-up tests. */
export interface AutoTopupSetup {
  app: TestApp;
  stripe: FakeStripe;
  /** Present when started with `mail: true`: every message the service sent. */
  smtp?: TestSmtpServer;
  close(): Promise<void>;
}

export async function startAutoTopupApp(
  engine: Engine,
  options: { mail?: boolean; env?: Record<string, string> } = {},
): Promise<AutoTopupSetup> {
  const stripe = await startFakeStripe();
  const smtp = options.mail ? await startSmtpServer() : undefined;
  const app = await startTestApp(engine, {
    STRIPE_SECRET_KEY: "sk_test_123",
    STRIPE_API_BASE: stripe.url,
    ...(smtp ? { SMTP_URL: smtp.url, MAIL_FROM: "Credits <credits@example.com>" } : {}),
    ...options.env,
  });
  return {
    app,
    stripe,
    smtp,
    async close() {
      await app.close();
      await smtp?.close();
      await stripe.close();
    },
  };
}

/** Sends a Stripe event to the app's webhook as Stripe signs it; returns what the app made of it (`outcome`). */
export async function deliverStripeEvent(
  app: TestApp,
  type: string,
  object: Record<string, unknown>,
  id?: string,
): Promise<string> {
  const event = signedEvent(type, object, { secret: WEBHOOK_SECRET, id });
  const r = await app.api("POST", "/v1/webhooks/stripe", {
    rawBody: event.body,
    headers: { "content-type": "application/json", "stripe-signature": event.signature },
  });
  if (r.status !== 200) throw new Error(`Stripe webhook: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.outcome as string;
}

/** The owner saves `card` through the setup-mode Checkout page, and Stripe tells the app. */
export async function saveCard(
  setup: Pick<AutoTopupSetup, "app" | "stripe">,
  c: TestCustomer,
  card: TestCard,
): Promise<void> {
  const r = await setup.app.api("POST", "/v1/auto-topup/setup", { token: c.licenseKey });
  if (r.status !== 200) throw new Error(`auto top-up setup: ${r.status} ${JSON.stringify(r.body)}`);
  const session = setup.stripe.completeSetup(r.body.url.split("/").at(-1), card);
  const outcome = await deliverStripeEvent(setup.app, "checkout.session.completed", session);
  if (outcome !== "card_saved") throw new Error(`saving the card: ${outcome}`);
}

/** The owner sets the auto top-up rule; the app's answer, for the test to check. */
export function setRule(app: TestApp, c: TestCustomer, rule: object) {
  return app.api("PUT", "/v1/auto-topup", { token: c.licenseKey, body: rule });
}

/** The PaymentIntents the fake Stripe holds for the account. */
export function intentsOf(stripe: FakeStripe, accountId: string) {
  return [...stripe.paymentIntents.values()].filter((pi) => pi.metadata.accountId === accountId);
}
