import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type FakeStripe, startFakeStripe } from "../support/fake-stripe.js";

/** Checkout returning to the site that started it (the WordPress connector's wp-admin), and nowhere else. */
for (const engine of ENGINES) {
  describe(`Checkout's returnUrl on ${engine}`, () => {
    let stripe: FakeStripe;
    let app: TestApp;
    let siteKey: string;
    let licenseKey: string;

    beforeAll(async () => {
      stripe = await startFakeStripe();
      app = await startTestApp(engine, { STRIPE_SECRET_KEY: "sk_test_123", STRIPE_API_BASE: stripe.url });
      const lic = await app.admin("POST", "/v1/admin/licenses", {
        email: `r${Date.now()}@example.com`,
        plan: "agency",
      });
      licenseKey = lic.body.key;
      const act = await app.api("POST", "/v1/activations", {
        body: { licenseKey, siteUrl: "https://shop.example.com/blog" },
      });
      siteKey = act.body.apiKey;
    });
    afterAll(async () => {
      await app.close();
      await stripe.close();
    });

    it("returns to a page on the site's own origin, with the session id for the success page", async () => {
      const r = await app.api("POST", "/v1/checkout", {
        token: siteKey,
        body: { packId: "credits-1000", returnUrl: "https://shop.example.com/wp-admin/admin.php?page=api-credits#x" },
      });
      expect(r.status).toBe(200);
      const session = stripe.sessions.get(r.body.sessionId)!;
      expect(session.success_url).toBe(
        "https://shop.example.com/wp-admin/admin.php?page=api-credits&checkout=success&session_id={CHECKOUT_SESSION_ID}",
      );
      expect(session.cancel_url).toBe(
        "https://shop.example.com/wp-admin/admin.php?page=api-credits&checkout=cancelled",
      );
    });

    it("refuses another origin, a look-alike host, another port or scheme, and creates no session", async () => {
      const before = stripe.sessions.size;
      for (const returnUrl of [
        "https://evil.example.net/wp-admin/",
        "https://shop.example.com.evil.net/",
        "https://shop.example.com:8443/wp-admin/",
        "http://shop.example.com/wp-admin/",
        "javascript:alert(1)",
        "/wp-admin/",
      ]) {
        const r = await app.api("POST", "/v1/checkout", { token: siteKey, body: { amountCents: 500, returnUrl } });
        expect(r.status, returnUrl).toBe(400);
        expect(r.body.code).toBe("VALIDATION_FAILED");
      }
      expect(stripe.sessions.size).toBe(before);
    });

    it("refuses a returnUrl from a key that belongs to no site (the licence key)", async () => {
      const r = await app.api("POST", "/v1/checkout", {
        token: licenseKey,
        body: { packId: "credits-1000", returnUrl: "https://shop.example.com/wp-admin/" },
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe("VALIDATION_FAILED");
    });

    it("still returns to the dashboard without one", async () => {
      const r = await app.api("POST", "/v1/checkout", { token: siteKey, body: { packId: "credits-1000" } });
      expect(r.status).toBe(200);
      expect(stripe.sessions.get(r.body.sessionId)!.success_url).toMatch(/\/dashboard\?checkout=success&session_id=/);
    });
  });
}
