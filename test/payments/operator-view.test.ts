import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, WEBHOOK_SECRET } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type FakeStripe, signedEvent, startFakeStripe } from "../support/fake-stripe.js";

/** What the operator reads to answer "why was I charged?" and "what do I still owe?". */
for (const engine of ENGINES) {
  describe(`the operator's view of an account and of what is owed on ${engine}`, () => {
    let stripe: FakeStripe;
    let app: TestApp;

    beforeAll(async () => {
      stripe = await startFakeStripe();
      app = await startTestApp(engine, { STRIPE_SECRET_KEY: "sk_test_123", STRIPE_API_BASE: stripe.url });
    });
    afterAll(async () => {
      await app?.close();
      await stripe?.close();
    });

    it("grants are not sales; the liability is everything sold or granted and not yet spent; spend is split by feature", async () => {
      const empty = (await app.admin("GET", "/v1/admin/stats?days=7")).body.totals;
      expect(empty).toMatchObject({ creditsSold: 0, creditsGranted: 0, outstandingCredits: 0, creditsUsed: 0 });

      const c = await newCustomer(app);
      await grant(app, c.accountId, 750);
      let totals = (await app.admin("GET", "/v1/admin/stats?days=7")).body.totals;
      expect(totals).toMatchObject({ creditsSold: 0, creditsGranted: 750, grants: 1, outstandingCredits: 750 });

      const started = await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { packId: "credits-6000" } });
      expect(started.status).toBe(200);
      const session = stripe.sessions.get(started.body.sessionId)!;
      const event = signedEvent(
        "checkout.session.completed",
        { ...session, status: "complete", payment_status: "paid" },
        { secret: WEBHOOK_SECRET },
      );
      const delivered = await app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body,
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
      });
      expect(delivered.status).toBe(200);

      const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } });
      const query = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
        token: c.apiKey,
        body: { query: "refunds" },
      });
      expect(query.status).toBe(200);
      const down = await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -9, reason: "typo" });
      expect(down.status).toBe(201);

      totals = (await app.admin("GET", "/v1/admin/stats?days=7")).body.totals;
      expect(totals).toMatchObject({
        revenueCents: 5000,
        creditsSold: 6000,
        creditsGranted: 750,
        grants: 1,
        creditsAdjusted: 9,
        creditsUsed: 1,
        usedByFeature: { training: 1 },
        outstandingCredits: 6000 + 750 - 1 - 9,
        reservedCredits: 0,
      });
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(totals.outstandingCredits);
    });

    it("the account's ledger, usage and purchases, exactly as the customer's own", async () => {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 20);
      const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "FAQ" } });
      for (const q of ["first", "second"])
        await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/query`, { token: c.apiKey, body: { query: q } });
      await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { amountCents: 250 } });

      const mine = (await app.api("GET", "/v1/ledger?limit=200", { token: c.licenseKey })).body.data;
      const ledger = await app.admin("GET", `/v1/admin/accounts/${c.accountId}/ledger?limit=2`);
      expect(ledger.status).toBe(200);
      expect(ledger.body.data).toEqual(mine.slice(0, 2));
      const next = await app.admin("GET", `/v1/admin/accounts/${c.accountId}/ledger?cursor=${ledger.body.nextCursor}`);
      expect([...ledger.body.data, ...next.body.data]).toEqual(mine);
      expect(mine.map((e: { type: string }) => e.type)).toContain("grant");

      const usage = (await app.admin("GET", `/v1/admin/accounts/${c.accountId}/usage?days=7`)).body;
      expect(usage.totals).toEqual({ credits: 2, byOperation: { "training.query": 2 } });
      expect(usage.data).toEqual((await app.api("GET", "/v1/usage", { token: c.apiKey })).body.data);

      const purchases = (await app.admin("GET", `/v1/admin/accounts/${c.accountId}/purchases`)).body.data;
      expect(purchases).toEqual([
        expect.objectContaining({ amountCents: 250, credits: 250, bonusCredits: 0, status: "open", fulfilledAt: null }),
      ]);

      for (const path of ["ledger", "usage", "purchases"]) {
        expect((await app.admin("GET", `/v1/admin/accounts/acct_nope/${path}`)).status).toBe(404);
        expect(
          (await app.api("GET", `/v1/admin/accounts/${c.accountId}/${path}`, { token: c.licenseKey })).status,
        ).toBe(401);
      }
    });
  });
}
