import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, type TestCustomer } from "../support/app.js";
import {
  type AutoTopupSetup,
  deliverStripeEvent,
  intentsOf,
  saveCard,
  setRule,
  startAutoTopupApp,
} from "../support/auto-topup.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import type { TestSmtpServer } from "../support/smtp.js";
import { undocumentedFields } from "../support/webhook-docs.js";

for (const engine of ENGINES) {
  describe(`auto top-up emails the owner on ${engine}`, () => {
    let setup: AutoTopupSetup;
    let smtp: TestSmtpServer;

    beforeAll(async () => {
      setup = await startAutoTopupApp(engine, { mail: true, env: { AUTO_TOPUP_RETRY_SECONDS: "0" } });
      smtp = setup.smtp!;
    });
    afterAll(async () => {
      await setup.close();
    });

    const sql = () => setup.app.running.ctx.db.sql;
    const events = async (c: TestCustomer, type: string) =>
      (
        await sql().all<{ data: string }>("SELECT data FROM events WHERE account_id = ? AND type = ?", [
          c.accountId,
          type,
        ])
      ).map((e) => {
        const data = JSON.parse(e.data);
        expect(undocumentedFields(type, data), "fields missing from docs/webhooks.md").toEqual([]);
        return data;
      });

    /**
     * Every email the account's events will ever send, once they are all sent: its events are dispatched (their mail
     * jobs are queued in the same transaction) and none of its mail jobs is waiting or running.
     */
    async function allMailTo(c: TestCustomer) {
      await eventually(async () => {
        const undispatched = await sql().get<{ n: number }>(
          "SELECT COUNT(*) AS n FROM events WHERE account_id = ? AND dispatched_at IS NULL",
          [c.accountId],
        );
        const unsent = await sql().get<{ n: number }>(
          "SELECT COUNT(*) AS n FROM jobs WHERE account_id = ? AND kind = 'mail.send' AND status IN ('queued', 'running')",
          [c.accountId],
        );
        return Number(undispatched!.n) === 0 && Number(unsent!.n) === 0;
      }, "the account's mail to be sent");
      const { email } = (await sql().get<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [c.accountId]))!;
      return smtp.mails.filter((m) => m.to.includes(email));
    }

    it("a declined card: one 'Automatic top-up failed' email, in the customer's words", async () => {
      const { app } = setup;
      const c = await newCustomer(app);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 600, reason: "test" });
      await saveCard(setup, c, "declined");
      const put = await setRule(app, c, {
        enabled: true,
        thresholdCredits: 500,
        packId: "credits-1000",
        maxPerMonth: 3,
      });
      expect(put.status).toBe(200);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -200, reason: "spent" });
      const failed = () => smtp.mails.filter((m) => m.subject.includes("Automatic top-up failed"));
      await eventually(() => failed().length > 0, { what: "the failure email", timeoutMs: 10_000 });
      expect(failed()).toHaveLength(1);
      expect(failed()[0]!.decoded).toContain("Your card was declined.");
      expect(failed()[0]!.decoded).toContain("$10.00");
      expect(failed()[0]!.decoded).not.toMatch(/\b(atu|acct|pi|pm)_[A-Za-z0-9]/);
      expect(await events(c, "auto_topup.failed")).toEqual([
        expect.objectContaining({ message: "Your card was declined." }),
      ]);
    });

    it("a successful auto top-up: exactly one email, the receipt's facts in it; webhooks still get both events", async () => {
      const { app, stripe } = setup;
      const c = await newCustomer(app);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 600, reason: "test" });
      await saveCard(setup, c, "visa");
      const put = await setRule(app, c, {
        enabled: true,
        thresholdCredits: 500,
        packId: "credits-2750",
        maxPerMonth: 3,
      });
      expect(put.status).toBe(200);
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -200, reason: "spent" });
      const pi = await eventually(async () => intentsOf(stripe, c.accountId)[0], "the PaymentIntent");
      expect(await deliverStripeEvent(app, "payment_intent.succeeded", pi)).toBe("fulfilled");

      const mails = await allMailTo(c);
      expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining("Automatic top-up: 2,750 credits added")]);
      const text = mails[0]!.decoded;
      expect(text).toContain("we charged your Visa card ending in 4242 $25.00");
      expect(text).toContain("added 2,750 credits (including 250 credits bonus) to your balance");
      expect(text).toContain("Your balance is now 3,150 credits.");
      expect(text).toContain("This email is your receipt");
      expect(text).not.toMatch(/\b(atu|acct|pi|pm|cus)_[A-Za-z0-9]/);

      // The events are what they were, both emitted for webhook endpoints, now with the balance (and the card).
      const fact = { purchaseId: pi.id, source: "auto_topup", credits: 2750, amountCents: 2500, balance: 3150 };
      expect(await events(c, "purchase.completed")).toEqual([expect.objectContaining(fact)]);
      expect(await events(c, "auto_topup.succeeded")).toEqual([
        expect.objectContaining({ ...fact, card: { brand: "visa", last4: "4242" } }),
      ]);
    });

    it("a Checkout purchase still sends its receipt, once", async () => {
      const { app, stripe } = setup;
      const c = await newCustomer(app);
      const r = await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { packId: "credits-2750" } });
      expect(r.status).toBe(200);
      const session = {
        ...stripe.sessions.get(r.body.sessionId)!,
        status: "complete",
        payment_status: "paid",
        payment_intent: `pi_${r.body.sessionId.slice(-12)}`,
      };
      expect(await deliverStripeEvent(app, "checkout.session.completed", session)).toBe("fulfilled");
      expect(await deliverStripeEvent(app, "checkout.session.completed", session)).toBe("already_fulfilled");

      const mails = await allMailTo(c);
      expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining("Receipt: 2,750 credits added")]);
      const text = mails[0]!.decoded;
      expect(text).toContain("We added 2,750 credits (including 250 credits bonus) to your balance.");
      expect(text).toContain("Amount paid: $25.00.");
      expect(text).toContain("Your balance is now 2,750 credits.");
      expect(await events(c, "purchase.completed")).toEqual([
        expect.objectContaining({ source: "checkout", credits: 2750, balance: 2750 }),
      ]);
    });
  });
}
