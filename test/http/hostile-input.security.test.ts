import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";

describe("hostile input gets a clear 4xx problem and changes nothing", () => {
  let app: TestApp;
  let c: TestCustomer;
  let other: TestCustomer;

  beforeAll(async () => {
    app = await startTestApp("sqlite", { BODY_LIMIT_BYTES: "65536" });
    c = await newCustomer(app);
    other = await newCustomer(app);
    await grant(app, c.accountId, 50);
  });
  afterAll(async () => {
    await app.close();
  });

  async function unchanged() {
    expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
      credits: 50,
      reservedCredits: 0,
    });
    expect((await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.length).toBe(1);
  }

  function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
    expect(r.status).toBe(status);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body).toMatchObject({ status, code, type: `urn:api-credits:error:${code}` });
    expect(typeof r.body.detail).toBe("string");
    expect(r.body.requestId).toBe(r.headers.get("x-request-id"));
  }

  const grants = () => `/v1/admin/accounts/${c.accountId}/grants`;

  it("malformed JSON", async () => {
    const r = await app.api("POST", grants(), {
      token: ADMIN_TOKEN,
      rawBody: '{"credits": -5, "reason": ',
      headers: { "content-type": "application/json" },
    });
    expectProblem(r, 400, "VALIDATION_FAILED");
    await unchanged();
  });

  it("wrong types and values name the field", async () => {
    for (const body of [
      { credits: "-5", reason: "x" },
      { credits: -5 },
      { credits: 0, reason: "zero" },
      { credits: 1.0001, reason: "too precise" },
      { credits: -5, reason: "" },
      [],
      null,
    ]) {
      const r = await app.admin("POST", grants(), body);
      expectProblem(r, 400, "VALIDATION_FAILED");
    }
    const r = await app.admin("POST", grants(), { credits: "-5", reason: "x" });
    expect(r.body.errors[0].field).toContain("credits");
    await unchanged();
  });

  it("a body over the limit", async () => {
    const r = await app.api("POST", "/v1/quotes", {
      token: c.apiKey,
      body: { operation: "training.embed", text: "x".repeat(70_000) },
    });
    expectProblem(r, 413, "PAYLOAD_TOO_LARGE");
    await unchanged();
  });

  it("a content type the route does not take", async () => {
    const r = await app.api("POST", "/v1/quotes", {
      token: c.apiKey,
      rawBody: "operation=training.query",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(r, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("forged, malformed and revoked keys are unauthenticated", async () => {
    const forged = `${c.apiKey.slice(0, -4)}zzzz`;
    for (const token of [forged, "ak_short", `lk_${c.apiKey.slice(3)}`, "Bearer", ADMIN_TOKEN]) {
      expectProblem(await app.api("GET", "/v1/balance", { token }), 401, "UNAUTHENTICATED");
    }
    expectProblem(await app.api("GET", "/v1/balance"), 401, "UNAUTHENTICATED");
    // A customer's key is not the operator's.
    expectProblem(
      await app.api("POST", grants(), { token: c.apiKey, body: { credits: 5, reason: "me" } }),
      401,
      "UNAUTHENTICATED",
    );
    await unchanged();
  });

  it("another account's ids answer 404, exactly like ids that do not exist", async () => {
    const keys = await app.api("GET", "/v1/api-keys", { token: other.apiKey });
    const otherKeyId = keys.body.data[0].id;
    const revokeOthers = await app.api("DELETE", `/v1/api-keys/${otherKeyId}`, { token: c.apiKey });
    const revokeMissing = await app.api("DELETE", "/v1/api-keys/key_doesnotexist", { token: c.apiKey });
    expectProblem(revokeOthers, 404, "NOT_FOUND");
    expect(revokeMissing.status).toBe(404);
    expect((await app.api("GET", "/v1/balance", { token: other.apiKey })).status).toBe(200);
    const siteOfOther = await app.api("POST", "/v1/api-keys", {
      token: c.apiKey,
      body: { name: "x", siteId: other.siteId },
    });
    expectProblem(siteOfOther, 404, "NOT_FOUND");
  });

  it("garbage cursors and dates", async () => {
    expectProblem(await app.api("GET", "/v1/ledger?cursor=led_x';--", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/ledger?limit=100000", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/usage?from=2026-02-30", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/usage?from=yesterday", { token: c.apiKey }), 400, "VALIDATION_FAILED");
  });

  it("unknown routes and methods are problems too, and the service keeps serving", async () => {
    expectProblem(await app.api("GET", "/v1/nothing-here"), 404, "NOT_FOUND");
    expect((await app.api("GET", "/healthz")).body.status).toBe("ok");
  });
});

describe("guessing the operator token is slowed down", () => {
  it("ten wrong tokens from one address, then 429 for a minute (even for the right one)", async () => {
    const app = await startTestApp("sqlite");
    try {
      for (let i = 0; i < 10; i++)
        expect((await app.api("GET", "/v1/admin/licenses", { token: `wrong-token-number-${i}-xxxxxx` })).status).toBe(
          401,
        );
      const limited = await app.api("GET", "/v1/admin/licenses", { token: "wrong-token-number-11-xxxxxx" });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe("RATE_LIMITED");
      expect((await app.api("POST", "/v1/admin/sessions", { body: { token: ADMIN_TOKEN } })).status).toBe(429);
      expect((await app.admin("GET", "/v1/admin/licenses")).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});
