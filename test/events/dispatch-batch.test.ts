import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventType } from "../../src/events/types.js";
import { newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/**
 * One dispatch batch mixing accounts, event types and subscriptions: every channel must produce exactly the rows the
 * events call for (one delivery per subscribed enabled endpoint, one mail per mailed event the account wants), and a
 * second pass must add nothing.
 */
for (const engine of ENGINES) {
  describe(`dispatching a mixed batch of events (${engine})`, () => {
    let smtp: TestSmtpServer;
    let rx: Receiver;
    let t: TestApp;
    let a: TestCustomer;
    let b: TestCustomer;
    let c: TestCustomer;

    const endpoint = async (who: TestCustomer, events: string[]) => {
      const r = await t.api("POST", "/v1/webhook-endpoints", { token: who.licenseKey, body: { url: rx.url, events } });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };

    beforeAll(async () => {
      smtp = await startSmtpServer();
      rx = await startReceiver();
      t = await startTestApp(engine, {
        SMTP_URL: smtp.url,
        MAIL_FROM: "Alerts <alerts@example.com>",
        WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
      });
      [a, b, c] = [await newCustomer(t), await newCustomer(t), await newCustomer(t)];
    });
    afterAll(async () => {
      await t?.close();
      await rx?.close();
      await smtp?.close();
    });

    it("creates exactly the delivery rows and mail jobs the events call for, once", async () => {
      const aAll = await endpoint(a, ["*"]);
      const aPurchases = await endpoint(a, ["purchase.completed"]);
      const aOff = await endpoint(a, ["*"]);
      const off = await t.api("PATCH", `/v1/webhook-endpoints/${aOff}`, {
        token: a.licenseKey,
        body: { enabled: false },
      });
      expect(off.status).toBe(200);
      const bLow = await endpoint(b, ["balance.low"]);
      const declined = await t.api("PUT", "/v1/balance-alert", {
        token: b.licenseKey,
        body: { thresholdCredits: 0, email: false },
      });
      expect(declined.status).toBe(200);

      // Nothing dispatches behind the test's back: the batch below is dispatched by one `drain`.
      const { events, outbox, db } = t.running.ctx;
      await events.stop();
      const written: Record<string, { account: string; type: EventType }> = {};
      const plan: [TestCustomer, EventType][] = [
        [a, "purchase.completed"],
        [b, "balance.low"],
        [a, "balance.low"],
        [c, "balance.low"],
        [b, "purchase.completed"],
        [a, "document.ready"],
        [b, "balance.depleted"],
        [c, "purchase.completed"],
        [c, "document.failed"],
      ];
      await db.sql.transaction(async (tx) => {
        for (const [who, type] of plan) {
          const id = await outbox.insert(tx, { accountId: who.accountId, type, data: { credits: 5 } });
          written[id] = { account: who.accountId, type };
        }
      });
      const idOf = (who: TestCustomer, type: EventType) =>
        Object.entries(written).find(([, e]) => e.account === who.accountId && e.type === type)![0];

      expect(await events.drain()).toBe(plan.length);
      expect(await events.drain()).toBe(0);

      const ids = Object.keys(written);
      const marks = ids.map(() => "?").join(", ");
      const deliveries = await db.sql.all<{ endpoint_id: string; event_id: string; account_id: string }>(
        `SELECT endpoint_id, event_id, account_id FROM webhook_deliveries WHERE event_id IN (${marks})`,
        ids,
      );
      const key = (endpointId: string, eventId: string) => `${endpointId} ${eventId}`;
      expect(deliveries.map((d) => key(d.endpoint_id, d.event_id)).sort()).toEqual(
        [
          key(aAll, idOf(a, "purchase.completed")),
          key(aAll, idOf(a, "balance.low")),
          key(aAll, idOf(a, "document.ready")),
          key(aPurchases, idOf(a, "purchase.completed")),
          key(bLow, idOf(b, "balance.low")),
        ].sort(),
      );
      for (const d of deliveries) expect(d.account_id).toBe(written[d.event_id]!.account);

      const jobs = await db.sql.all<{ subject_id: string; account_id: string; payload: string }>(
        `SELECT subject_id, account_id, payload FROM jobs WHERE kind = 'mail.send' AND subject_id IN (${marks})`,
        ids,
      );
      const emailOf = async (who: TestCustomer) =>
        (await db.sql.get<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [who.accountId]))!.email;
      const mails = jobs.map((j) => {
        const payload = JSON.parse(j.payload) as { to: string; template: string };
        return { event: j.subject_id, account: j.account_id, to: payload.to, template: payload.template };
      });
      const expected = async (who: TestCustomer, type: EventType) => ({
        event: idOf(who, type),
        account: who.accountId,
        to: await emailOf(who),
        template: type,
      });
      const byEvent = (x: { event: string }, y: { event: string }) => x.event.localeCompare(y.event);
      expect(mails.sort(byEvent)).toEqual(
        [
          await expected(a, "purchase.completed"),
          await expected(a, "balance.low"),
          // b chose no balance emails: only its receipt.
          await expected(b, "purchase.completed"),
          await expected(c, "balance.low"),
          await expected(c, "purchase.completed"),
        ].sort(byEvent),
      );

      const undispatched = await db.sql.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM events WHERE dispatched_at IS NULL",
      );
      expect(Number(undispatched?.n)).toBe(0);
    });
  });
}
