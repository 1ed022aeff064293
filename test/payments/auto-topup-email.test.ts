import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, WEBHOOK_SECRET } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type FakeStripe, signedEvent, startFakeStripe } from "../support/fake-stripe.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

for (const engine of ENGINES) {
  describe(`auto top-up emails the owner on ${engine}`, () => {
    let stripe: FakeStripe;
    let smtp: TestSmtpServer;
    let app: TestApp;

    beforeAll(async () => {
      stripe = await startFakeStripe();
      smtp = await startSmtpServer();
      app = await startTestApp(engine, {
        STRIPE_SECRET_KEY: "sk_test_123",
        STRIPE_API_BASE: stripe.url,
        AUTO_TOPUP_RETRY_SECONDS: "0",
        SMTP_URL: smtp.url,
        MAIL_FROM: "Credits <credits@example.com>",
      });
    });
    afterAll(async () => {
      await app.close();
      await smtp.close();
      await stripe.close();
    });

    it("a declined card: one 'Automatic top-up failed' email, in the customer's words", async () => {
      const c = await newCustomer(app);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 600, reason: "test" });
      const setup = await app.api("POST", "/v1/auto-topup/setup", { token: c.licenseKey });
      const session = stripe.completeSetup(setup.body.url.split("/").at(-1), "declined");
      const event = signedEvent("checkout.session.completed", session, { secret: WEBHOOK_SECRET });
      await app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body,
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
      });
      const put = await app.api("PUT", "/v1/auto-topup", {
        token: c.licenseKey,
        body: { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 3 },
      });
      expect(put.status).toBe(200);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -200, reason: "spent" });
      const failed = () => smtp.mails.filter((m) => m.subject.includes("Automatic top-up failed"));
      for (let i = 0; i < 400 && failed().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(failed()).toHaveLength(1);
      expect(failed()[0]!.decoded).toContain("Your card was declined.");
      expect(failed()[0]!.decoded).toContain("$10.00");
      expect(failed()[0]!.decoded).not.toMatch(/\b(atu|acct|pi|pm)_[A-Za-z0-9]/);
    });
  });
}
