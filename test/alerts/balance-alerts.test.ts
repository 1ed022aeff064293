import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { undocumentedFields } from "../support/webhook-docs.js";

for (const engine of ENGINES) {
  describe(`low-balance alerts by event and email (${engine})`, () => {
    let smtp: TestSmtpServer;
    let t: TestApp;
    let c: TestCustomer;
    let email: string;

    const events = async (type: string) =>
      (
        await t.running.ctx.db.sql.all<{ data: string }>(
          "SELECT data FROM events WHERE account_id = ? AND type = ? ORDER BY created_at",
          [c.accountId, type],
        )
      ).map((r) => {
        const data = JSON.parse(r.data);
        expect(undocumentedFields(type, data), "fields missing from docs/webhooks.md").toEqual([]);
        return data;
      });
    /** Every committed event dispatched and every queued email sent (or failed). */
    const settled = async () => {
      const count = async (query: string) => Number((await t.running.ctx.db.sql.get<{ n: number }>(query))?.n);
      await eventually(async () => {
        await t.running.ctx.events.drain();
        return (await count("SELECT COUNT(*) AS n FROM events WHERE dispatched_at IS NULL")) === 0;
      }, "every event dispatched");
      await eventually(
        async () =>
          (await count(
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'mail.send' AND status IN ('queued', 'running')",
          )) === 0,
        "the mail queue to empty",
      );
    };
    const mailsTo = () => smtp.mails.filter((m) => m.to.includes(email));
    const spend = (credits: number) =>
      t.running.ctx.ledger.debit({
        accountId: c.accountId,
        amountMc: credits * 1000,
        type: "usage",
        cause: { operation: "test.spend" },
      });

    beforeAll(async () => {
      smtp = await startSmtpServer();
      t = await startTestApp(engine, {
        SMTP_URL: smtp.url,
        MAIL_FROM: "Alerts <alerts@example.com>",
        SERVICE_NAME: "Acme Credits",
        PUBLIC_URL: "https://credits.example.com",
      });
      c = await newCustomer(t);
      const account = await t.running.ctx.db.sql.get<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [
        c.accountId,
      ]);
      email = account!.email;
      await grant(t, c.accountId, 100);
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    it("lets only the owner read and set the threshold", async () => {
      const before = await t.api("GET", "/v1/balance-alert", { token: c.licenseKey });
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ thresholdCredits: 0, email: true, state: "off" });

      const bySite = await t.api("PUT", "/v1/balance-alert", {
        token: c.apiKey,
        body: { thresholdCredits: 0, email: false },
      });
      expect(bySite.status).toBe(403);
      expect((await t.api("GET", "/v1/balance-alert", { token: c.apiKey })).status).toBe(403);

      const bad = await t.api("PUT", "/v1/balance-alert", {
        token: c.licenseKey,
        body: { thresholdCredits: -1, email: true },
      });
      expect(bad.status).toBe(400);

      const set = await t.api("PUT", "/v1/balance-alert", {
        token: c.licenseKey,
        body: { thresholdCredits: 75, email: true },
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ thresholdCredits: 75, email: true, state: "armed" });
    });

    it("fires balance.low once, with one email, when 50 concurrent debits cross the threshold", async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => spend(1)));
      expect(results.every((r) => r.ok)).toBe(true);
      await settled();

      const low = await events("balance.low");
      expect(low).toHaveLength(1);
      expect(low[0].threshold).toBe(75);
      expect(low[0].balance).toBeLessThan(75);
      expect(low[0].balance).toBeGreaterThanOrEqual(50);

      const mails = mailsTo();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.from).toBe("alerts@example.com");
      expect(mails[0]!.subject).toMatch(/^Acme Credits: Your balance is low/);
      expect(mails[0]!.decoded).toContain("https://credits.example.com/dashboard/buy");
      expect(mails[0]!.raw).toMatch(/Content-Type: text\/plain/);
      expect(mails[0]!.raw).toMatch(/Content-Type: text\/html/);
      expect(mails[0]!.decoded).not.toContain(c.accountId);
      expect(mails[0]!.decoded).not.toMatch(/\b(acct|lic|msg|job)_[A-Za-z0-9]/);

      const state = await t.api("GET", "/v1/balance-alert", { token: c.licenseKey });
      expect(state.body.state).toBe("below_threshold");
    });

    it("re-arms on a credit back above the threshold (balance.recovered), and the next crossing fires again", async () => {
      await grant(t, c.accountId, 10); // 60: still below, nothing recovers
      await settled();
      expect(await events("balance.recovered")).toHaveLength(0);

      await grant(t, c.accountId, 40); // 100
      await settled();
      const recovered = await events("balance.recovered");
      expect(recovered).toEqual([{ balance: 100, threshold: 75 }]);
      expect((await t.api("GET", "/v1/balance-alert", { token: c.licenseKey })).body.state).toBe("armed");

      expect((await spend(30)).ok).toBe(true); // 70
      await settled();
      const low = await events("balance.low");
      expect(low).toHaveLength(2);
      expect(low[1]).toEqual({ balance: 70, threshold: 75 });
      expect(mailsTo()).toHaveLength(2);
    });

    it("fires balance.depleted once when spending is refused, however many refusals", async () => {
      const refused = await Promise.all(Array.from({ length: 50 }, () => spend(1000)));
      expect(refused.every((r) => !r.ok)).toBe(true);
      await eventually(async () => (await events("balance.depleted")).length > 0, "the depleted event");
      await new Promise((r) => setTimeout(r, 300));
      await settled();
      expect(await events("balance.depleted")).toEqual([{ balance: 70, threshold: 75 }]);
      const depletedMails = mailsTo().filter((m) => /run out/.test(m.subject));
      expect(depletedMails).toHaveLength(1);

      // Recovery clears it: the next refusal is news again.
      await grant(t, c.accountId, 100);
      await settled();
      expect(await events("balance.recovered")).toHaveLength(2);
      expect((await spend(1000)).ok).toBe(false);
      await eventually(async () => (await events("balance.depleted")).length === 2, "a second depleted event");
      await settled();
      expect(mailsTo().filter((m) => /run out/.test(m.subject))).toHaveLength(2);
    });

    it("says nothing of a refusal on an account that never had credits", async () => {
      const fresh = await newCustomer(t);
      const r = await t.running.ctx.ledger.debit({
        accountId: fresh.accountId,
        amountMc: 1000,
        type: "usage",
        cause: { operation: "test.spend" },
      });
      expect(r.ok).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rows = await t.running.ctx.db.sql.all("SELECT id FROM events WHERE account_id = ?", [fresh.accountId]);
      expect(rows).toEqual([]);
    });

    it("sends no alert email when the owner turned email off (the event still fires)", async () => {
      const off = await t.api("PUT", "/v1/balance-alert", {
        token: c.licenseKey,
        body: { thresholdCredits: 150, email: false },
      });
      expect(off.body).toEqual({ thresholdCredits: 150, email: false, state: "armed" });
      const before = mailsTo().length;
      expect((await spend(30)).ok).toBe(true); // 170 → 140
      await settled();
      expect((await events("balance.low")).at(-1)).toEqual({ balance: 140, threshold: 150 });
      expect(mailsTo()).toHaveLength(before);
    });

    it("never fires for a hold that is released", async () => {
      await t.api("PUT", "/v1/balance-alert", { token: c.licenseKey, body: { thresholdCredits: 100, email: true } });
      const before = (await events("balance.low")).length;
      const hold = await t.running.ctx.ledger.reserve({
        accountId: c.accountId,
        amountMc: 100_000,
        cause: {},
        ttlMs: 60_000,
        owner: "test",
      });
      expect(hold.ok).toBe(true);
      if (!hold.ok) return;
      await t.running.ctx.ledger.release({ accountId: c.accountId, holdId: hold.hold.id, reason: "test" });
      await settled();
      expect(await events("balance.low")).toHaveLength(before);
    });
  });
}
