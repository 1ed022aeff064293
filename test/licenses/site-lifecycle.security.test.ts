import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomChars } from "../../src/lib/ids.js";
import { newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { parseSetCookie } from "../web/support/http.js";

/** Deactivating a site and rotating a leaked licence key: what was given out is refused at once, nothing else is. */
for (const engine of ENGINES) {
  describe(`site deactivation and licence key rotation on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app?.close();
    });

    const status = async (token: string, path = "/v1/balance") => (await app.api("GET", path, { token })).status;

    async function agency() {
      const lic = (
        await app.admin("POST", "/v1/admin/licenses", { email: `a${randomChars(8)}@example.com`, plan: "agency" })
      ).body;
      const activate = async (siteUrl: string) =>
        (await app.api("POST", "/v1/activations", { body: { licenseKey: lic.key, siteUrl } })).body as {
          siteId: string;
          apiKey: string;
        };
      return { lic, a: await activate("https://a.example"), b: await activate("https://b.example") };
    }

    async function session(key: string): Promise<string> {
      const r = await request(app.url, "POST", "/v1/sessions", { body: { key } });
      expect(r.status).toBe(201);
      const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
      return `${cookie.name}=${cookie.value}`;
    }
    const withCookie = (cookie: string, path: string) => app.api("GET", path, { headers: { cookie } });

    it("the owner deactivates site A: A's keys are refused at once (also from the cache), site B is unaffected", async () => {
      const { lic, a, b } = await agency();
      const extra = await app.api("POST", "/v1/api-keys", {
        token: lic.key,
        body: { name: "A's 2nd", siteId: a.siteId },
      });
      expect(extra.status).toBe(201);
      const aSession = await session(a.apiKey);
      // Warm the authenticator's cache with both of A's keys and B's.
      for (const key of [a.apiKey, extra.body.key, b.apiKey]) expect(await status(key)).toBe(200);

      const off = await app.api("POST", `/v1/sites/${a.siteId}/deactivate`, { token: lic.key });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: a.siteId, url: "https://a.example" });
      expect(off.body.deactivatedAt).toEqual(expect.any(String));

      expect(await status(a.apiKey)).toBe(401);
      expect(await status(extra.body.key)).toBe(401);
      expect((await withCookie(aSession, "/v1/balance")).status).toBe(401);
      expect(await status(b.apiKey)).toBe(200);
      expect(await status(lic.key)).toBe(200);
      // It is no longer a scope choice, and no key can be issued for it.
      const sites = (await app.api("GET", "/v1/sites", { token: lic.key })).body.data;
      expect(sites.map((s: { id: string }) => s.id)).toEqual([b.siteId]);
      const newKey = await app.api("POST", "/v1/api-keys", { token: lic.key, body: { name: "x", siteId: a.siteId } });
      expect(newKey.status).toBe(404);
      // The operator still sees it, marked deactivated.
      const account = (await app.admin("GET", `/v1/admin/accounts/${lic.accountId}`)).body;
      const shown = account.sites.find((s: { id: string }) => s.id === a.siteId);
      expect(shown.deactivatedAt).toEqual(expect.any(String));
    });

    it("a Personal licence frees its one slot for a new domain; the old domain cannot come back while it is used", async () => {
      const c = await newCustomer(app);
      const second = { licenseKey: c.licenseKey, siteUrl: "https://moved.example" };
      expect((await app.api("POST", "/v1/activations", { body: second })).status).toBe(409);
      expect((await app.api("POST", `/v1/sites/${c.siteId}/deactivate`, { token: c.licenseKey })).status).toBe(200);
      const moved = await app.api("POST", "/v1/activations", { body: second });
      expect(moved.status).toBe(201);
      expect(await status(moved.body.apiKey)).toBe(200);
      expect(await status(c.apiKey)).toBe(401);
      const account = (await app.admin("GET", `/v1/admin/accounts/${c.accountId}`)).body;
      const oldUrl = account.sites.find((s: { id: string }) => s.id === c.siteId).url;
      const back = await app.api("POST", "/v1/activations", { body: { licenseKey: c.licenseKey, siteUrl: oldUrl } });
      expect(back.status).toBe(409);
      // Once the new domain is deactivated, the old one comes back as the same site, with a new key.
      await app.api("POST", `/v1/sites/${moved.body.siteId}/deactivate`, { token: c.licenseKey });
      const again = await app.api("POST", "/v1/activations", { body: { licenseKey: c.licenseKey, siteUrl: oldUrl } });
      expect(again.status).toBe(201);
      expect(again.body.siteId).toBe(c.siteId);
      expect(await status(again.body.apiKey)).toBe(200);
      expect(await status(c.apiKey)).toBe(401);
    });

    it("a site's key cannot deactivate any site, and another account's site answers 404", async () => {
      const { lic, a, b } = await agency();
      const other = await newCustomer(app);
      const own = await app.api("POST", `/v1/sites/${a.siteId}/deactivate`, { token: a.apiKey });
      expect(own.status).toBe(403);
      expect((await app.api("POST", `/v1/sites/${b.siteId}/deactivate`, { token: a.apiKey })).status).toBe(403);
      const foreign = await app.api("POST", `/v1/sites/${a.siteId}/deactivate`, { token: other.licenseKey });
      expect(foreign.status).toBe(404);
      expect((await app.api("POST", "/v1/sites/site_nope/deactivate", { token: lic.key })).status).toBe(404);
      for (const key of [a.apiKey, b.apiKey]) expect(await status(key)).toBe(200);
    });

    it("rotating the licence key refuses the old one at once (also from the cache) and ends its sessions", async () => {
      const { lic, a } = await agency();
      const ownerSession = await session(lic.key);
      const siteSession = await session(a.apiKey);
      expect(await status(lic.key)).toBe(200);

      const rotated = await app.api("POST", "/v1/license/rotate-key", { token: lic.key });
      expect(rotated.status).toBe(200);
      expect(rotated.body.licenseId).toBe(lic.id);
      expect(rotated.body.key).toMatch(/^lk_/);
      expect(rotated.body.key).not.toBe(lic.key);

      expect(await status(lic.key)).toBe(401);
      expect((await withCookie(ownerSession, "/v1/balance")).status).toBe(401);
      expect((await withCookie(ownerSession, "/v1/session")).body).toEqual({ signedIn: false });
      const reuse = await app.api("POST", "/v1/activations", {
        body: { licenseKey: lic.key, siteUrl: "https://c.example" },
      });
      expect(reuse.status).toBe(404);
      expect((await request(app.url, "POST", "/v1/sessions", { body: { key: lic.key } })).status).toBe(401);
      // The new key works, signs in, and activates; the sites' keys and sessions are separate secrets and keep working.
      expect(await status(rotated.body.key)).toBe(200);
      expect((await withCookie(await session(rotated.body.key), "/v1/session")).status).toBe(200);
      expect(await status(a.apiKey)).toBe(200);
      expect((await withCookie(siteSession, "/v1/session")).status).toBe(200);
    });

    it("a site's key cannot rotate the licence key; the operator can, with the same effect", async () => {
      const { lic, a } = await agency();
      const refused = await app.api("POST", "/v1/license/rotate-key", { token: a.apiKey });
      expect(refused.status).toBe(403);
      expect(await status(lic.key)).toBe(200);

      const byOperator = await app.admin("POST", `/v1/admin/licenses/${lic.id}/rotate-key`);
      expect(byOperator.status).toBe(200);
      expect(await status(lic.key)).toBe(401);
      expect(await status(byOperator.body.key)).toBe(200);
      expect((await app.admin("POST", "/v1/admin/licenses/lic_nope/rotate-key")).status).toBe(404);

      const off = await app.admin("POST", `/v1/admin/sites/${a.siteId}/deactivate`);
      expect(off.status).toBe(200);
      expect(await status(a.apiKey)).toBe(401);
      expect((await app.admin("POST", "/v1/admin/sites/site_nope/deactivate")).status).toBe(404);
      expect(
        (await app.api("POST", `/v1/admin/sites/${a.siteId}/deactivate`, { token: byOperator.body.key })).status,
      ).toBe(401);
    });
  });
}
