import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer, WEBHOOK_SECRET } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type FakeStripe, signedEvent, startFakeStripe } from "../support/fake-stripe.js";

for (const engine of ENGINES) {
  describe(`Stripe purchases through the HTTP API on ${engine}`, () => {
    let stripe: FakeStripe;
    let app: TestApp;

    beforeAll(async () => {
      stripe = await startFakeStripe();
      app = await startTestApp(engine, { STRIPE_SECRET_KEY: "sk_test_123", STRIPE_API_BASE: stripe.url });
    });
    afterAll(async () => {
      await app.close();
      await stripe.close();
    });

    async function checkout(c: TestCustomer, body: object) {
      const r = await app.api("POST", "/v1/checkout", { token: c.apiKey, body });
      expect(r.status).toBe(200);
      return stripe.sessions.get(r.body.sessionId)!;
    }

    async function deliver(
      type: string,
      object: Record<string, unknown>,
      options: { id?: string; timestamp?: number; secret?: string } = {},
    ) {
      const event = signedEvent(type, object, { secret: options.secret ?? WEBHOOK_SECRET, ...options });
      return app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body,
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
      });
    }

    const paid = (session: Record<string, any>, extra: object = {}) => ({
      ...session,
      status: "complete",
      payment_status: "paid",
      payment_intent: `pi_${session.id.slice(-12)}`,
      ...extra,
    });

    async function balance(c: TestCustomer) {
      return (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;
    }

    it("credits a pack exactly once whatever the retries, duplicates and order", async () => {
      const c = await newCustomer(app);
      const session = await checkout(c, { packId: "credits-2750" });
      expect(session).toMatchObject({ amount_total: 2500, currency: "usd", client_reference_id: c.accountId });
      expect(session.metadata).toMatchObject({ packId: "credits-2750" });

      const first = await deliver("checkout.session.completed", paid(session), { id: "evt_fixed_1" });
      expect(first.status).toBe(200);
      expect(await balance(c)).toEqual({ credits: 2750, reservedCredits: 0 });

      // The same event again, the same session under a new event id, then the async success, all at once.
      const again = await Promise.all([
        deliver("checkout.session.completed", paid(session), { id: "evt_fixed_1" }),
        deliver("checkout.session.completed", paid(session)),
        deliver("checkout.session.completed", paid(session)),
        deliver("checkout.session.async_payment_succeeded", paid(session)),
      ]);
      expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await balance(c)).toEqual({ credits: 2750, reservedCredits: 0 });

      const ledger = (await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data;
      expect(ledger.map((e: any) => [e.type, e.credits, e.reference])).toEqual([
        ["bonus", 250, session.id],
        ["purchase", 2500, session.id],
      ]);
    });

    it("a delayed payment credits on async_payment_succeeded, even if it arrives before completed", async () => {
      const c = await newCustomer(app);
      const session = await checkout(c, { amountCents: 6000 });
      const r = await deliver("checkout.session.async_payment_succeeded", paid(session));
      expect(r.body.outcome).toBe("fulfilled");
      await deliver("checkout.session.completed", { ...session, status: "complete", payment_status: "unpaid" });
      // $60 earns 6,000 credits plus the +20% of the $50 pack.
      expect(await balance(c)).toEqual({ credits: 7200, reservedCredits: 0 });

      const c2 = await newCustomer(app);
      const s2 = await checkout(c2, { packId: "credits-1000" });
      expect((await deliver("checkout.session.completed", { ...s2, payment_status: "unpaid" })).body.outcome).toBe(
        "pending",
      );
      expect((await balance(c2)).credits).toBe(0);
      expect((await deliver("checkout.session.async_payment_succeeded", paid(s2))).body.outcome).toBe("fulfilled");
      expect((await balance(c2)).credits).toBe(1000);
    });

    it("mis-signed, stale, unsigned, underpaid and unpaid sessions credit nothing", async () => {
      const c = await newCustomer(app);
      const session = await checkout(c, { packId: "credits-1000" });
      const wrongSecret = await deliver("checkout.session.completed", paid(session), { secret: "whsec_wrong" });
      expect(wrongSecret.status).toBe(400);
      expect(wrongSecret.body.code).toBe("WEBHOOK_SIGNATURE_INVALID");
      const stale = await deliver("checkout.session.completed", paid(session), {
        timestamp: Math.floor(Date.now() / 1000) - 301,
      });
      expect(stale.status).toBe(400);
      const event = signedEvent("checkout.session.completed", paid(session), { secret: WEBHOOK_SECRET });
      const unsigned = await app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body,
        headers: { "content-type": "application/json" },
      });
      expect(unsigned.status).toBe(400);
      const tampered = await app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body.replace('"amount_total":1000', '"amount_total":100000'),
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
      });
      expect(tampered.status).toBe(400);
      const underpaid = await deliver("checkout.session.completed", paid(session, { amount_total: 999 }));
      expect(underpaid.body.outcome).toBe("rejected");
      const unpaid = await deliver("checkout.session.completed", { ...session, payment_status: "unpaid" });
      expect(unpaid.body.outcome).toBe("rejected"); // rejected before: it stays rejected
      expect(await balance(c)).toEqual({ credits: 0, reservedCredits: 0 });

      const c2 = await newCustomer(app);
      const s2 = await checkout(c2, { packId: "credits-1000" });
      expect((await deliver("checkout.session.completed", { ...s2, payment_status: "unpaid" })).body.outcome).toBe(
        "pending",
      );
      expect((await deliver("checkout.session.completed", paid(s2, { currency: "eur" }))).body.outcome).toBe(
        "rejected",
      );
      expect(
        (await deliver("checkout.session.completed", paid(s2, { client_reference_id: c.accountId }))).body.outcome,
      ).toBe("rejected");
      expect((await balance(c2)).credits).toBe(0);
      expect((await balance(c)).credits).toBe(0);
    });

    it("a refund removes the refunded credits that are still unspent, once", async () => {
      const c = await newCustomer(app);
      const session = paid(await checkout(c, { packId: "credits-2750" }));
      await deliver("checkout.session.completed", session);
      const charge = { id: "ch_1", object: "charge", amount: 2500, payment_intent: session.payment_intent };
      // Half refunded: half of 2,750 credits go.
      await deliver("charge.refunded", { ...charge, amount_refunded: 1250, refunded: false });
      await deliver("charge.refunded", { ...charge, amount_refunded: 1250, refunded: false });
      expect((await balance(c)).credits).toBe(1375);
      // Spend most of the rest, then refund in full: only what is left can be clawed back.
      await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -1300, reason: "spent" });
      const r = await deliver("charge.refunded", { ...charge, amount_refunded: 2500, refunded: true });
      expect(r.body.outcome).toBe("refunded");
      expect((await balance(c)).credits).toBe(0);
      const refunds = (await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.filter(
        (e: any) => e.type === "refund",
      );
      expect(refunds.map((e: any) => e.credits)).toEqual([-75, -1375]);
      expect(refunds[0].quantity).toMatchObject({ requestedMc: 1_375_000 });
    });

    it("a refund that arrives before its purchase is fulfilled is applied at fulfilment", async () => {
      const c = await newCustomer(app);
      const session = paid(await checkout(c, { packId: "credits-1000" }));
      const early = await deliver("charge.refunded", {
        id: "ch_early",
        object: "charge",
        amount: 1000,
        amount_refunded: 1000,
        payment_intent: session.payment_intent,
      });
      expect(early.body.outcome).toBe("refund_deferred");
      await deliver("checkout.session.completed", session);
      expect((await balance(c)).credits).toBe(0);
    });

    it("the operator sees revenue and the customer can filter and export the ledger", async () => {
      const c = await newCustomer(app);
      const session = paid(await checkout(c, { packId: "credits-6000" }));
      await deliver("checkout.session.completed", session);
      const stats = await app.admin("GET", "/v1/admin/stats?days=7");
      expect(stats.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(stats.body.revenue.find((r: any) => r.date === today).cents).toBeGreaterThanOrEqual(5000);
      expect(stats.body.totals.activeLicenses).toBeGreaterThan(0);
      const bonus = await app.api("GET", "/v1/ledger?type=bonus", { token: c.apiKey });
      expect(bonus.body.data.map((e: any) => [e.type, e.credits])).toEqual([["bonus", 1000]]);
      expect((await app.api("GET", "/v1/ledger?type=nope", { token: c.apiKey })).status).toBe(400);
      const csv = await app.api("GET", "/v1/ledger/export", { token: c.apiKey });
      expect(csv.headers.get("content-type")).toContain("text/csv");
      const lines = (csv.body as string).trim().split("\r\n");
      expect(lines[0]).toMatch(/^id,created_at,type,credits/);
      expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["bonus", "purchase"]);
    });

    it("checkout refuses unknown packs, amounts under $1 and fractional cents", async () => {
      const c = await newCustomer(app);
      expect((await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { packId: "nope" } })).status).toBe(404);
      expect((await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { amountCents: 99 } })).status).toBe(400);
      expect((await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { amountCents: 150.5 } })).status).toBe(
        400,
      );
      const ok = await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { amountCents: 100 } });
      expect(ok.body).toMatchObject({ credits: 100, bonusCredits: 0, amountCents: 100 });
      expect(ok.body.url).toMatch(/^https:\/\//);
      const sent = stripe.requests.at(-1)!;
      expect(sent.form.get("client_reference_id")).toBe(c.accountId);
      expect(sent.form.get("metadata[amountCents]")).toBe("100");
    });
  });
}
