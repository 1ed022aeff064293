import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { ADMIN_TOKEN, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { parseSetCookie, requestWithHost } from "./support/http.js";

/** A browser's view of one session: the cookie it holds and the CSRF token the page read. */
interface BrowserSession {
  cookie: string;
  csrf: string;
}

for (const engine of ENGINES) {
  describe(`web sessions and CSRF on ${engine}`, () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app?.close();
    });

    async function signIn(key: string, base = app.url): Promise<BrowserSession> {
      const r = await request(base, "POST", "/v1/sessions", { body: { key } });
      expect(r.status).toBe(201);
      const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
      return { cookie: `${cookie.name}=${cookie.value}`, csrf: r.body.csrfToken };
    }

    const withCookie = (s: BrowserSession, method: string, path: string, body?: unknown, csrf?: string) =>
      app.api(method, path, { body, headers: { cookie: s.cookie, ...(csrf ? { "x-csrf-token": csrf } : {}) } });

    it("signs in with a licence key or an API key into an HttpOnly, SameSite=Strict cookie", async () => {
      const c = await newCustomer(app);
      const r = await app.api("POST", "/v1/sessions", { body: { key: c.licenseKey } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ kind: "customer", accountId: c.accountId, licenseStatus: "active", siteId: null });
      expect(r.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
      // Plain http on 127.0.0.1 in NODE_ENV=test: no Secure flag, so no __Host- prefix either.
      expect(cookie.name).toBe("apic_session");
      expect(cookie.attributes).toMatchObject({ httponly: true, samesite: "Strict", path: "/" });
      expect(cookie.attributes.secure).toBeUndefined();
      expect(cookie.value).not.toContain(c.licenseKey);

      const s: BrowserSession = { cookie: `${cookie.name}=${cookie.value}`, csrf: r.body.csrfToken };
      expect((await withCookie(s, "GET", "/v1/balance")).body).toEqual({ credits: 0, reservedCredits: 0 });
      const who = await withCookie(s, "GET", "/v1/session");
      expect(who.body).toMatchObject({ accountId: c.accountId, csrfToken: s.csrf, plan: "personal" });

      const viaSite = await signIn(c.apiKey);
      const siteWho = await withCookie(viaSite, "GET", "/v1/session");
      expect(siteWho.body).toMatchObject({ accountId: c.accountId, siteId: c.siteId, via: "api_key" });
    });

    it("refuses keys that are not valid, and cookies that name no session", async () => {
      const bad = await app.api("POST", "/v1/sessions", {
        body: { key: "lk_000000000000_00000000000000000000000000000000" },
      });
      expect(bad.status).toBe(401);
      expect(bad.headers.get("set-cookie")).toBeNull();
      const forged = { cookie: "apic_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", csrf: "x" };
      expect((await withCookie(forged, "GET", "/v1/balance")).status).toBe(401);
      // The page's who-am-I probe answers 200 either way (no console error on a signed-out load), naming no one.
      const probe = await withCookie(forged, "GET", "/v1/session");
      expect({ status: probe.status, body: probe.body }).toEqual({ status: 200, body: { signedIn: false } });
    });

    it("a cookie-authenticated change needs the session's CSRF token; bearer requests never do", async () => {
      const c = await newCustomer(app);
      const s = await signIn(c.licenseKey);
      const missing = await withCookie(s, "POST", "/v1/api-keys", { name: "no token" });
      expect(missing.status).toBe(403);
      expect(missing.body.code).toBe("FORBIDDEN");
      expect(missing.body.detail).toMatch(/X-CSRF-Token/);
      const other = await signIn(c.licenseKey);
      expect((await withCookie(s, "POST", "/v1/api-keys", { name: "wrong token" }, other.csrf)).status).toBe(403);
      const ok = await withCookie(s, "POST", "/v1/api-keys", { name: "right token" }, s.csrf);
      expect(ok.status).toBe(201);

      const bearer = await app.api("POST", "/v1/api-keys", { token: c.licenseKey, body: { name: "bearer" } });
      expect(bearer.status).toBe(201);
      // With both, the bearer token decides and the cookie is ignored.
      const both = await app.api("POST", "/v1/api-keys", {
        token: c.licenseKey,
        body: { name: "both" },
        headers: { cookie: s.cookie },
      });
      expect(both.status).toBe(201);
      const names = (await app.api("GET", "/v1/api-keys", { token: c.licenseKey })).body.data.map((k: any) => k.name);
      expect(names).toEqual(expect.arrayContaining(["right token", "bearer", "both"]));
      expect(names).not.toContain("no token");
      expect(names).not.toContain("wrong token");
    });

    it("signing out ends the session on the server, and needs the CSRF token", async () => {
      const c = await newCustomer(app);
      const s = await signIn(c.licenseKey);
      expect((await withCookie(s, "DELETE", "/v1/session")).status).toBe(403);
      expect((await withCookie(s, "GET", "/v1/balance")).status).toBe(200);
      const out = await withCookie(s, "DELETE", "/v1/session", undefined, s.csrf);
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ signedOut: true });
      expect(parseSetCookie(out.headers.get("set-cookie"))).toMatchObject({
        name: "apic_session",
        value: "",
        attributes: { "max-age": "0" },
      });
      // A copy of the cookie kept after sign-out opens nothing.
      expect((await withCookie(s, "GET", "/v1/balance")).status).toBe(401);
    });

    it("revoking the API key, or the licence, ends the sessions opened with them", async () => {
      const c = await newCustomer(app);
      const viaKey = await signIn(c.apiKey);
      const viaLicence = await signIn(c.licenseKey);
      const keyId = (await withCookie(viaKey, "GET", "/v1/session")).body.keyId;
      expect((await app.api("DELETE", `/v1/api-keys/${keyId}`, { token: c.licenseKey })).status).toBe(200);
      expect((await withCookie(viaKey, "GET", "/v1/balance")).status).toBe(401);
      expect((await withCookie(viaLicence, "GET", "/v1/balance")).status).toBe(200);

      const c2 = await newCustomer(app);
      const s2 = await signIn(c2.apiKey);
      const s3 = await signIn(c2.licenseKey);
      expect((await app.admin("PATCH", `/v1/admin/licenses/${c2.licenseId}`, { status: "revoked" })).status).toBe(200);
      expect((await withCookie(s2, "GET", "/v1/balance")).status).toBe(401);
      expect((await withCookie(s3, "GET", "/v1/balance")).status).toBe(401);
      // Like its bearer key, a revoked licence still signs in to read and delete (product: deletion is never locked).
      const again = await signIn(c2.licenseKey);
      const who = await withCookie(again, "GET", "/v1/session");
      expect(who.body.licenseStatus).toBe("revoked");
      expect((await withCookie(again, "GET", "/v1/balance")).status).toBe(200);
    });

    it("a session past its idle deadline is over", async () => {
      const c = await newCustomer(app);
      const s = await signIn(c.licenseKey);
      expect((await withCookie(s, "GET", "/v1/balance")).status).toBe(200);
      await app.running.ctx.db.sql.run("UPDATE web_sessions SET idle_expires_at = ? WHERE account_id = ?", [
        Date.now() - 1,
        c.accountId,
      ]);
      expect((await withCookie(s, "GET", "/v1/balance")).status).toBe(401);
    });

    it("the operator has a separate session, opened with ADMIN_TOKEN, with the same CSRF rule", async () => {
      const wrong = await app.api("POST", "/v1/admin/sessions", { body: { token: "not-the-admin-token-at-all" } });
      expect(wrong.status).toBe(401);
      const r = await app.api("POST", "/v1/admin/sessions", { body: { token: ADMIN_TOKEN } });
      expect(r.status).toBe(201);
      const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
      expect(cookie.name).toBe("apic_operator");
      expect(cookie.attributes).toMatchObject({ httponly: true, samesite: "Strict", path: "/" });
      const op: BrowserSession = { cookie: `${cookie.name}=${cookie.value}`, csrf: r.body.csrfToken };

      expect((await withCookie(op, "GET", "/v1/admin/accounts")).status).toBe(200);
      expect((await withCookie(op, "GET", "/v1/admin/session")).body).toMatchObject({ kind: "operator" });
      const body = { email: "op-session@example.com", plan: "agency" };
      expect((await withCookie(op, "POST", "/v1/admin/licenses", body)).status).toBe(403);
      const issued = await withCookie(op, "POST", "/v1/admin/licenses", body, op.csrf);
      expect(issued.status).toBe(201);

      // Neither session opens the other's endpoints.
      expect((await withCookie(op, "GET", "/v1/balance")).status).toBe(401);
      const customer = await signIn(issued.body.key);
      expect((await withCookie(customer, "GET", "/v1/admin/accounts")).status).toBe(401);
      expect((await withCookie(customer, "GET", "/v1/admin/session")).body).toEqual({ signedIn: false });

      const out = await withCookie(op, "DELETE", "/v1/admin/session", undefined, op.csrf);
      expect(out.body).toEqual({ signedOut: true });
      expect((await withCookie(op, "GET", "/v1/admin/accounts")).status).toBe(401);
    });

    it("cookies are Secure with the __Host- prefix except on plain-http localhost", async () => {
      const c = await newCustomer(app);
      const remote = await requestWithHost(app.url, {
        method: "POST",
        path: "/v1/sessions",
        host: "dashboard.example.com",
        body: { key: c.licenseKey },
      });
      expect(remote.status).toBe(201);
      const cookie = parseSetCookie(String(remote.headers["set-cookie"]))!;
      expect(cookie.name).toBe("__Host-apic_session");
      expect(cookie.attributes).toMatchObject({ secure: true, httponly: true, samesite: "Strict", path: "/" });
      // The insecure name is not read on a host where cookies must be secure.
      const planted = await requestWithHost(app.url, {
        method: "GET",
        path: "/v1/balance",
        host: "dashboard.example.com",
        headers: { cookie: `apic_session=${cookie.value}` },
      });
      expect(planted.status).toBe(401);
      const proper = await requestWithHost(app.url, {
        method: "GET",
        path: "/v1/balance",
        host: "dashboard.example.com",
        headers: { cookie: `${cookie.name}=${cookie.value}` },
      });
      expect(proper.status).toBe(200);
    });
  });
}

describe("sessions across processes on postgres", () => {
  let a: TestApp;
  let b: RunningApp;
  let bUrl: string;

  beforeAll(async () => {
    a = await startTestApp("postgres");
    b = await createApp(loadConfig({ ...a.env, PORT: "0" }));
    bUrl = await b.listen();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("a session opened on one process works on another, and signing out on either ends it on both", async () => {
    const c = await newCustomer(a);
    const r = await request(a.url, "POST", "/v1/sessions", { body: { key: c.licenseKey } });
    const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
    const headers = { cookie: `${cookie.name}=${cookie.value}` };
    expect((await request(bUrl, "GET", "/v1/balance", { headers })).status).toBe(200);
    const out = await request(bUrl, "DELETE", "/v1/session", {
      headers: { ...headers, "x-csrf-token": r.body.csrfToken },
    });
    expect(out.body).toEqual({ signedOut: true });
    expect((await request(a.url, "GET", "/v1/balance", { headers })).status).toBe(401);
  });

  it("an operator session ends when ADMIN_TOKEN changes", async () => {
    const r = await request(a.url, "POST", "/v1/admin/sessions", { body: { token: ADMIN_TOKEN } });
    const cookie = parseSetCookie(r.headers.get("set-cookie"))!;
    const headers = { cookie: `${cookie.name}=${cookie.value}` };
    expect((await request(bUrl, "GET", "/v1/admin/accounts", { headers })).status).toBe(200);
    const rotated = await createApp(
      loadConfig({ ...a.env, PORT: "0", ADMIN_TOKEN: "a-new-admin-token-after-rotation" }),
    );
    try {
      const url = await rotated.listen();
      expect((await request(url, "GET", "/v1/admin/accounts", { headers })).status).toBe(401);
      expect((await request(url, "GET", "/v1/admin/session", { headers })).body).toEqual({ signedIn: false });
    } finally {
      await rotated.close();
    }
  });
});
