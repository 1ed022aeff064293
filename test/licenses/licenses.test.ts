import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";

for (const engine of ENGINES) {
  describe(`licences, sites and API keys on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });

    it("a Personal licence covers one site; re-activating that site issues a new key", async () => {
      const lic = (await app.admin("POST", "/v1/admin/licenses", { email: "Solo@Example.com", plan: "personal" })).body;
      expect(lic).toMatchObject({ plan: "personal", status: "active", email: "solo@example.com" });
      expect(lic.key).toMatch(/^lk_/);
      const first = await app.api("POST", "/v1/activations", {
        body: { licenseKey: lic.key, siteUrl: "https://solo.example/" },
      });
      expect(first.status).toBe(201);
      const again = await app.api("POST", "/v1/activations", {
        body: { licenseKey: lic.key, siteUrl: "https://SOLO.example" },
      });
      expect(again.status).toBe(201);
      expect(again.body.siteId).toBe(first.body.siteId);
      expect(again.body.apiKey).not.toBe(first.body.apiKey);
      const second = await app.api("POST", "/v1/activations", {
        body: { licenseKey: lic.key, siteUrl: "https://two.example" },
      });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe("LICENSE_SITE_LIMIT");
    });

    it("an Agency licence covers many sites under one balance", async () => {
      const lic = (await app.admin("POST", "/v1/admin/licenses", { email: "agency@example.com", plan: "agency" })).body;
      const keys = [];
      for (const site of ["https://a.example", "https://b.example", "https://c.example"]) {
        const r = await app.api("POST", "/v1/activations", { body: { licenseKey: lic.key, siteUrl: site } });
        expect(r.status).toBe(201);
        keys.push(r.body.apiKey);
      }
      await grant(app, lic.accountId, 42);
      for (const key of keys)
        expect((await app.api("GET", "/v1/balance", { token: key })).body).toEqual({ credits: 42, reservedCredits: 0 });
      const account = await app.admin("GET", `/v1/admin/accounts/${lic.accountId}`);
      expect(account.body.sites.length).toBe(3);
      // The same email gets the same account, and so the same balance.
      const second = (await app.admin("POST", "/v1/admin/licenses", { email: "AGENCY@example.com", plan: "personal" }))
        .body;
      expect(second.accountId).toBe(lic.accountId);
    });

    it("a revoked or lapsed licence cannot activate but its keys still read the balance and history", async () => {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 5);
      const revoked = await app.admin("PATCH", `/v1/admin/licenses/${c.licenseId}`, { status: "revoked" });
      expect(revoked.body.status).toBe("revoked");
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(5);
      expect((await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.length).toBe(1);
      for (const [url, body] of [
        ["/v1/knowledge-bases", { name: "kb" }],
        ["/v1/images/upscales", { image: "iVBORw0KGgo=", factor: 2 }],
        ["/v1/images/generations", { prompt: "x" }],
      ] as const) {
        const spend = await app.api("POST", url, { token: c.apiKey, body });
        expect(spend.status, url).toBe(403);
        expect(spend.body.code).toBe("LICENSE_INACTIVE");
      }
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(5);
      const act = await app.api("POST", "/v1/activations", {
        body: { licenseKey: c.licenseKey, siteUrl: "https://x.example" },
      });
      expect(act.status).toBe(403);
      expect(act.body.code).toBe("LICENSE_INACTIVE");

      const lapsed = (
        await app.admin("POST", "/v1/admin/licenses", {
          email: "late@example.com",
          plan: "personal",
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        })
      ).body;
      expect(lapsed.status).toBe("active");
      await app.admin("PATCH", `/v1/admin/licenses/${lapsed.id}`, {
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      expect((await app.admin("GET", `/v1/admin/licenses/${lapsed.id}`)).body.status).toBe("expired");
      const reactivated = await app.admin("PATCH", `/v1/admin/licenses/${lapsed.id}`, { status: "active" });
      expect(reactivated.body).toMatchObject({ status: "active", expiresAt: null });
    });

    it("API keys: created and shown once, listed without secrets, revoked keys stop working", async () => {
      const c = await newCustomer(app);
      const created = await app.api("POST", "/v1/api-keys", { token: c.licenseKey, body: { name: "ci" } });
      expect(created.status).toBe(201);
      expect((await app.api("GET", "/v1/balance", { token: created.body.key })).status).toBe(200);
      const list = await app.api("GET", "/v1/api-keys", { token: c.licenseKey });
      expect(list.body.data.map((k: any) => k.name)).toEqual(
        expect.arrayContaining(["ci", expect.stringContaining("https://")]),
      );
      expect(JSON.stringify(list.body)).not.toContain(created.body.key.split("_")[2]);
      expect((await app.api("DELETE", `/v1/api-keys/${created.body.id}`, { token: c.licenseKey })).status).toBe(200);
      expect((await app.api("GET", "/v1/balance", { token: created.body.key })).status).toBe(401);
      // A site's key sees only that site's keys.
      const siteView = await app.api("GET", "/v1/api-keys", { token: c.apiKey });
      expect(siteView.body.data.every((k: any) => k.siteId === c.siteId)).toBe(true);
    });

    it("the operator token is required for operator endpoints", async () => {
      expect((await app.api("POST", "/v1/admin/licenses", { body: { email: "a@b.co", plan: "agency" } })).status).toBe(
        401,
      );
      expect((await app.api("GET", "/metrics", { token: "wrong-token-wrong-token" })).status).toBe(401);
      const metrics = await app.api("GET", "/metrics", { token: (await import("../support/app.js")).ADMIN_TOKEN });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain("http_request_duration_seconds");
    });
  });
}
