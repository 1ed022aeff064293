import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";

/**
 * One-time activation codes: an owner connects a site without handing out the licence key. A code works once, only
 * before it expires, only on the site it names, only for its own account; a refused use creates nothing.
 */
for (const engine of ENGINES) {
  describe(`activation codes on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const owner = async (plan: "personal" | "agency" = "agency") => {
      const email = `owner${Math.random().toString(36).slice(2)}@example.com`;
      const lic = (await app.admin("POST", "/v1/admin/licenses", { email, plan })).body;
      return { key: lic.key as string, accountId: lic.accountId as string, licenseId: lic.id as string };
    };
    const createCode = (token: string, body: object = {}) => app.api("POST", "/v1/activation-codes", { token, body });
    const activate = (code: string, siteUrl: string) => app.api("POST", "/v1/activations", { body: { code, siteUrl } });
    const sitesOf = async (accountId: string) =>
      (await app.admin("GET", `/v1/admin/accounts/${accountId}`)).body.sites.map((s: { url: string }) => s.url);
    const keysOf = async (token: string) => (await app.api("GET", "/v1/api-keys", { token })).body.data.length;

    it("a code activates a site once and is shown once; only its hash is stored", async () => {
      const o = await owner();
      const made = await createCode(o.key);
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ status: "active", siteUrl: null, usedAt: null });
      expect(made.body.code).toMatch(/^ac_[0-9a-z]{12}_[0-9a-z]{32}$/);
      const days = (Date.parse(made.body.expiresAt) - Date.parse(made.body.createdAt)) / 86_400_000;
      expect(days).toBe(7);
      const secret = made.body.code.split("_")[2];
      const rows = await app.running.ctx.db.sql.all("SELECT * FROM activation_codes WHERE account_id = ?", [
        o.accountId,
      ]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(secret);
      const listed = await app.api("GET", "/v1/activation-codes", { token: o.key });
      expect(JSON.stringify(listed.body)).not.toContain(secret);

      // The code is no credential by itself.
      expect((await app.api("GET", "/v1/balance", { token: made.body.code })).status).toBe(401);

      const first = await activate(made.body.code, "https://one.example/");
      expect(first.status).toBe(201);
      const site = await app.api("GET", "/v1/site", { token: first.body.apiKey });
      expect(site.body).toMatchObject({
        site: { id: first.body.siteId, url: "https://one.example" },
        license: { plan: "agency", status: "active", sitesUsed: 1 },
      });
      expect(site.body.license.siteLimit).toBeGreaterThan(1);

      const keysBefore = await keysOf(o.key);
      for (const url of ["https://one.example", "https://two.example"]) {
        const again = await activate(made.body.code, url);
        expect(again.status).toBe(403);
        expect(again.body).toMatchObject({ code: "ACTIVATION_CODE_UNUSABLE", reason: "used" });
        expect(again.body.detail).toMatch(/already used/);
      }
      expect(await sitesOf(o.accountId)).toEqual(["https://one.example"]);
      expect(await keysOf(o.key)).toBe(keysBefore);
      const after = (await app.api("GET", "/v1/activation-codes", { token: o.key })).body.data[0];
      expect(after).toMatchObject({ id: made.body.id, status: "used", usedSiteId: first.body.siteId });
    });

    it("two simultaneous uses of one code: exactly one site is activated", async () => {
      const o = await owner();
      const { code } = (await createCode(o.key)).body;
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => activate(code, `https://race${i}.example`)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
      expect(await sitesOf(o.accountId)).toHaveLength(1);
    });

    it("an expired code is refused and creates nothing", async () => {
      const o = await owner();
      const made = (await createCode(o.key, { expiresInDays: 1 })).body;
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 86_400_000 + 1000);
      const late = await activate(made.code, "https://late.example");
      expect(late.status).toBe(403);
      expect(late.body).toMatchObject({ code: "ACTIVATION_CODE_UNUSABLE", reason: "expired" });
      expect(late.body.detail).toMatch(/expired/);
      expect((await app.api("GET", "/v1/activation-codes", { token: o.key })).body.data[0].status).toBe("expired");
      vi.useRealTimers();
      expect(await sitesOf(o.accountId)).toEqual([]);
      for (const expiresInDays of [0, 31, 1.5])
        expect((await createCode(o.key, { expiresInDays })).status, String(expiresInDays)).toBe(400);
    });

    it("a code bound to a site works only there; a refused use leaves it usable", async () => {
      const o = await owner();
      const made = (await createCode(o.key, { siteUrl: "https://Shop.example/" })).body;
      expect(made.siteUrl).toBe("https://shop.example");
      const elsewhere = await activate(made.code, "https://evil.example");
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body).toMatchObject({ code: "ACTIVATION_CODE_UNUSABLE", reason: "other_site" });
      expect(await sitesOf(o.accountId)).toEqual([]);
      expect((await activate(made.code, "https://shop.example")).status).toBe(201);
    });

    it("a licence with no site left refuses the activation and keeps the code unused", async () => {
      const o = await owner("personal");
      expect(
        (await app.api("POST", "/v1/activations", { body: { licenseKey: o.key, siteUrl: "https://a.example" } }))
          .status,
      ).toBe(201);
      const made = (await createCode(o.key)).body;
      const refused = await activate(made.code, "https://b.example");
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("LICENSE_SITE_LIMIT");
      expect((await app.api("GET", "/v1/activation-codes", { token: o.key })).body.data[0].status).toBe("active");
      // The same site again is a re-activation (a new key), which the personal licence allows.
      expect((await activate(made.code, "https://a.example")).status).toBe(201);
    });

    it("a site's key can neither create, list nor revoke codes", async () => {
      const c = await newCustomer(app, "agency");
      const own = (await createCode(c.licenseKey)).body;
      const made = await createCode(c.apiKey, { siteUrl: "https://other.example" });
      expect(made.status).toBe(403);
      expect(made.body.code).toBe("FORBIDDEN");
      expect((await app.api("GET", "/v1/activation-codes", { token: c.apiKey })).status).toBe(403);
      expect((await app.api("DELETE", `/v1/activation-codes/${own.id}`, { token: c.apiKey })).status).toBe(403);
      expect((await app.api("GET", "/v1/activation-codes", { token: c.licenseKey })).body.data).toHaveLength(1);
      // Nor can an anonymous caller.
      expect((await app.api("POST", "/v1/activation-codes", { body: {} })).status).toBe(401);
    });

    it("another account's codes are invisible and cannot be revoked; a revoked code is refused", async () => {
      const a = await owner();
      const b = await owner();
      const code = (await createCode(a.key)).body;
      expect((await app.api("GET", "/v1/activation-codes", { token: b.key })).body.data).toEqual([]);
      const foreign = await app.api("DELETE", `/v1/activation-codes/${code.id}`, { token: b.key });
      expect(foreign.status).toBe(404);
      const missing = await app.api("DELETE", "/v1/activation-codes/acode_nope", { token: b.key });
      expect([missing.status, missing.body.code]).toEqual([foreign.status, foreign.body.code]);
      expect((await app.api("GET", "/v1/activation-codes", { token: a.key })).body.data[0].status).toBe("active");

      const revoked = await app.api("DELETE", `/v1/activation-codes/${code.id}`, { token: a.key });
      expect(revoked.body.status).toBe("revoked");
      const use = await activate(code.code, "https://a.example");
      expect(use.status).toBe(403);
      expect(use.body.reason).toBe("revoked");
      expect(await sitesOf(a.accountId)).toEqual([]);
    });

    it("replacing the licence key withdraws the codes made before it; new ones work", async () => {
      const o = await owner();
      const before = (await createCode(o.key)).body;
      const rotated = await app.api("POST", "/v1/license/rotate-key", { token: o.key });
      expect(rotated.status).toBe(200);
      const newKey = rotated.body.key as string;
      const use = await activate(before.code, "https://r.example");
      expect(use.status).toBe(403);
      expect(use.body).toMatchObject({ code: "ACTIVATION_CODE_UNUSABLE", reason: "revoked" });
      expect(use.body.detail).toMatch(/licence key was replaced/);
      expect((await app.api("GET", "/v1/activation-codes", { token: newKey })).body.data[0].status).toBe("revoked");
      expect(await sitesOf(o.accountId)).toEqual([]);
      const after = (await createCode(newKey)).body;
      expect((await activate(after.code, "https://r.example")).status).toBe(201);
    });

    it("a wrong or tampered code answers 404; an inactive licence's code is refused", async () => {
      const o = await owner();
      const made = (await createCode(o.key)).body;
      const tampered = `${made.code.slice(0, -1)}${made.code.endsWith("a") ? "b" : "a"}`;
      for (const bad of [tampered, "ac_short", o.key, "x".repeat(200)]) {
        const r = await activate(bad, "https://t.example");
        expect(r.status, bad).toBe(404);
      }
      const mixed = await app.api("POST", "/v1/activations", {
        body: { code: made.code, licenseKey: o.key, siteUrl: "https://t.example" },
      });
      expect(mixed.status).toBe(400);
      await app.admin("PATCH", `/v1/admin/licenses/${o.licenseId}`, { status: "revoked" });
      const inactive = await activate(made.code, "https://t.example");
      expect(inactive.status).toBe(403);
      expect(inactive.body.code).toBe("LICENSE_INACTIVE");
      expect((await createCode(o.key)).body.code).toBe("LICENSE_INACTIVE");
      expect(await sitesOf(o.accountId)).toEqual([]);
    });

    it("GET /v1/site tells a site's key when the balance is below the owner's alert threshold", async () => {
      const c = await newCustomer(app);
      const low = async () => (await app.api("GET", "/v1/site", { token: c.apiKey })).body.lowBalance;
      expect(await low()).toBe(false);
      const set = await app.api("PUT", "/v1/balance-alert", {
        token: c.licenseKey,
        body: { thresholdCredits: 10, email: false },
      });
      expect(set.status).toBe(200);
      expect(await low()).toBe(true);
      await grant(app, c.accountId, 25);
      expect(await low()).toBe(false);
      // The site's key learns the state, never the setting: the alert itself stays the owner's.
      expect((await app.api("GET", "/v1/balance-alert", { token: c.apiKey })).status).toBe(403);
    });

    it("GET /v1/site tells the owner its plan without a site", async () => {
      const o = await owner("personal");
      const r = await app.api("GET", "/v1/site", { token: o.key });
      expect(r.body).toEqual({
        site: null,
        license: { plan: "personal", status: "active", expiresAt: null, siteLimit: 1, sitesUsed: 0 },
        lowBalance: false,
      });
    });
  });
}
