import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventType } from "../../src/events/types.js";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { startSmtpServer } from "../support/smtp.js";
import { type Receiver, startReceiver } from "./receiver.js";

/** Retries come fast here; the production schedule is about a day (WEBHOOKS_RETRY_SCHEDULE). */
const ENV = { WEBHOOKS_ALLOW_PRIVATE_URLS: "true", WEBHOOKS_RETRY_SCHEDULE: "50ms,50ms,50ms,50ms" };

/** A movement of credits through the real ledger, carrying an event as every feature writes one. */
async function creditWithEvent(app: TestApp, accountId: string, type: EventType, data: Record<string, unknown>) {
  const { ledger, outbox } = app.running.ctx;
  await ledger.credit({
    accountId,
    amountMc: 1000,
    type: "grant",
    cause: { reason: "test" },
    writes: [outbox.write({ accountId, type, data })],
  });
}

async function addEndpoint(app: TestApp, c: TestCustomer, url: string, events: string[] = ["*"]) {
  const r = await app.api("POST", "/v1/webhook-endpoints", { token: c.licenseKey, body: { url, events } });
  expect(r.status).toBe(201);
  return r.body as { id: string; secret: string; url: string };
}

const headersOf = (r: { headers: Record<string, unknown> }) => ({
  "webhook-id": String(r.headers["webhook-id"]),
  "webhook-timestamp": String(r.headers["webhook-timestamp"]),
  "webhook-signature": String(r.headers["webhook-signature"]),
});

for (const engine of ENGINES) {
  describe(`webhook delivery (${engine})`, () => {
    let app: TestApp;
    const receivers: Receiver[] = [];
    const receiver = async (answer?: (n: number) => number) => {
      const r = await startReceiver(answer);
      receivers.push(r);
      return r;
    };
    beforeAll(async () => {
      app = await startTestApp(engine, ENV);
    });
    afterAll(async () => {
      await app?.close();
      for (const r of receivers) await r.close();
    });

    it("retries a receiver that answers 500 three times: 4 attempts, one webhook-id, valid signatures", async () => {
      const rx = await receiver((n) => (n <= 3 ? 500 : 200));
      const c = await newCustomer(app);
      const endpoint = await addEndpoint(app, c, rx.url);
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      await creditWithEvent(app, c.accountId, "purchase.completed", { credits: 1, packId: "starter" });

      const got = await rx.waitFor(4);
      const ids = new Set(got.map((r) => r.headers["webhook-id"]));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toMatch(/^msg_/);
      const wh = new Webhook(endpoint.secret);
      for (const r of got) {
        expect(r.headers["content-type"]).toBe("application/json");
        expect(wh.verify(r.body, headersOf(r))).toMatchObject({
          type: "purchase.completed",
          data: { credits: 1, packId: "starter" },
        });
      }
      expect(JSON.parse(got[0]!.body).timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
      // Signed with another secret, it does not verify.
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(24, 7).toString("base64")}`).verify(got[3]!.body, headersOf(got[3]!)),
      ).toThrow();

      const log = await eventually(async () => {
        const r = await app.api("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: c.licenseKey });
        return r.body.data[0]?.status === "delivered" ? r.body : undefined;
      });
      expect(log.data).toHaveLength(1);
      expect(log.data[0]).toMatchObject({
        eventType: "purchase.completed",
        eventId: [...ids][0],
        status: "delivered",
        attempts: 4,
        responseStatus: 200,
        error: null,
        nextAttemptAt: null,
      });
      expect(log.data[0].latencyMs).toBeGreaterThanOrEqual(0);

      // "Send again": one more attempt, same webhook-id.
      const again = await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/deliveries/${log.data[0].id}/retry`, {
        token: c.licenseKey,
      });
      expect(again.status).toBe(202);
      const [, , , , fifth] = await rx.waitFor(5);
      expect(fifth!.headers["webhook-id"]).toBe([...ids][0]);
      expect(wh.verify(fifth!.body, headersOf(fifth!))).toBeTruthy();
    });

    it("delivers nothing for a change that rolled back, and only the types an endpoint subscribed to", async () => {
      const rx = await receiver();
      const c = await newCustomer(app);
      await addEndpoint(app, c, rx.url, ["purchase.completed"]);
      const { ledger, outbox, db } = app.running.ctx;
      // A debit refused for lack of credits: its event never commits.
      const refused = await ledger.debit({
        accountId: c.accountId,
        amountMc: 10_000_000,
        type: "usage",
        cause: { operation: "test" },
        writes: [outbox.write({ accountId: c.accountId, type: "purchase.completed", data: { n: "refused" } })],
      });
      expect(refused.ok).toBe(false);
      // A change that failed after writing its event: the transaction rolls back with it.
      await expect(
        db.sql.transaction(async (tx) => {
          await outbox.insert(tx, { accountId: c.accountId, type: "purchase.completed", data: { n: "rolled back" } });
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      await creditWithEvent(app, c.accountId, "balance.low", { n: "not subscribed" });
      await creditWithEvent(app, c.accountId, "purchase.completed", { n: "committed" });
      await rx.waitFor(1);
      await new Promise((r) => setTimeout(r, 500)); // anything else would have come by now
      expect(rx.received.map((r) => JSON.parse(r.body).data.n)).toEqual(["committed"]);
    });

    it("tells the customer a document is ready, in the charge's transaction", async () => {
      const rx = await receiver();
      const c = await newCustomer(app);
      await grant(app, c.accountId, 50);
      const endpoint = await addEndpoint(app, c, rx.url, ["document.ready", "document.failed"]);
      const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } });
      const doc = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
        token: c.apiKey,
        body: { name: "handbook.txt", text: "New hires get twenty vacation days a year." },
      });
      expect(doc.status).toBe(201);
      const [r] = await rx.waitFor(1);
      const event = new Webhook(endpoint.secret).verify(r!.body, headersOf(r!)) as Record<string, any>;
      const stored = await app.api("GET", `/v1/knowledge-bases/${kb.body.id}/documents/${doc.body.id}`, {
        token: c.apiKey,
      });
      expect(event.type).toBe("document.ready");
      expect(event.data).toEqual({
        knowledgeBaseId: kb.body.id,
        knowledgeBaseName: "Handbook",
        documentId: doc.body.id,
        title: "handbook.txt",
        status: "ready",
        creditsCharged: stored.body.credits,
        error: null,
      });
      expect(event.data.creditsCharged).toBeGreaterThan(0);
    });

    it("signs with the old and the new secret after a rotation; a redirect is a failed attempt, not followed", async () => {
      const rx = await receiver((n) => (n === 1 ? 200 : 302));
      const c = await newCustomer(app);
      const endpoint = await addEndpoint(app, c, rx.url);
      const rotated = await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
        token: c.licenseKey,
      });
      expect(rotated.body.secret).not.toBe(endpoint.secret);
      await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/test`, { token: c.licenseKey });
      const [r] = await rx.waitFor(1);
      expect(String(r!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
      for (const secret of [endpoint.secret, rotated.body.secret])
        expect(new Webhook(secret).verify(r!.body, headersOf(r!))).toMatchObject({ type: "webhook.test" });

      rx.answer = () => 302;
      await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/test`, { token: c.licenseKey });
      await rx.waitFor(2);
      const redirected = await eventually(async () => {
        const log = await app.api("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: c.licenseKey });
        const d = log.body.data[0];
        return d?.responseStatus === 302 && d.status !== "sending" ? d : undefined;
      });
      expect(redirected.error).toBe("answered 302");
      expect(redirected.status).not.toBe("delivered");
    });

    it("forgets the delivery log when the account deletes its data, and keeps the endpoint", async () => {
      const rx = await receiver();
      const c = await newCustomer(app);
      const endpoint = await addEndpoint(app, c, rx.url);
      await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/test`, { token: c.licenseKey });
      await rx.waitFor(1);
      const deliveries = () =>
        app.api("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: c.licenseKey });
      expect((await deliveries()).body.data).toHaveLength(1);
      expect((await app.api("DELETE", "/v1/data", { token: c.licenseKey })).status).toBe(200);
      expect((await deliveries()).body.data).toEqual([]);
      expect((await app.api("GET", `/v1/webhook-endpoints/${endpoint.id}`, { token: c.licenseKey })).status).toBe(200);
      // The endpoint still signs with its secret (the deletion destroyed the account's data keys, not this one).
      await app.api("POST", `/v1/webhook-endpoints/${endpoint.id}/test`, { token: c.licenseKey });
      const [, after] = await rx.waitFor(2);
      expect(new Webhook(endpoint.secret).verify(after!.body, headersOf(after!))).toMatchObject({
        type: "webhook.test",
      });
    });

    it("turns off an endpoint that keeps failing, emails the owner once and stops sending to it", async () => {
      const smtp = await startSmtpServer();
      const failing = await startTestApp(engine, {
        ...ENV,
        WEBHOOKS_DISABLE_AFTER: "0ms",
        SMTP_URL: smtp.url,
        MAIL_FROM: "alerts@example.com",
      });
      try {
        const rx = await receiver(() => 503);
        const c = await newCustomer(failing);
        const endpoint = await addEndpoint(failing, c, rx.url);
        await creditWithEvent(failing, c.accountId, "document.ready", {});
        await rx.waitFor(1);
        const off = await eventually(async () => {
          const r = await failing.api("GET", `/v1/webhook-endpoints/${endpoint.id}`, { token: c.licenseKey });
          return r.body.enabled === false ? r.body : undefined;
        });
        expect(off.disabledReason).toBe("failing");
        const aboutEndpoint = () => smtp.mails.filter((m) => m.subject.includes("stopped sending events"));
        const [mail] = await eventually(async () => (aboutEndpoint().length ? aboutEndpoint() : undefined));
        expect(mail!.to).toEqual([expect.stringMatching(/@example\.com$/)]);
        expect(mail!.decoded).toContain(rx.url);
        await new Promise((r) => setTimeout(r, 400)); // past every retry of the schedule
        expect(rx.received).toHaveLength(1);
        expect(aboutEndpoint()).toHaveLength(1);
        const log = await failing.api("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
          token: c.licenseKey,
        });
        expect(log.body.data[0]).toMatchObject({ status: "pending", responseStatus: 503, error: "answered 503" });

        // Turned back on by its owner, it gets what waited.
        const on = await failing.api("PATCH", `/v1/webhook-endpoints/${endpoint.id}`, {
          token: c.licenseKey,
          body: { enabled: true },
        });
        expect(on.body).toMatchObject({ enabled: true, disabledReason: null });
        rx.answer = () => 200;
        await rx.waitFor(2);
      } finally {
        await failing.close();
        await smtp.close();
      }
    });
  });
}
