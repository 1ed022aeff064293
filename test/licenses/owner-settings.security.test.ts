import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";

/** Account-wide settings and where they are read and changed: every one follows the same owner rule. */
const SETTINGS: [string, string][] = [
  ["GET", "/v1/balance-alert"],
  ["GET", "/v1/webhook-endpoints"],
  ["GET", "/v1/auto-topup"],
  ["GET", "/v1/spend-limits"],
  ["GET", "/v1/operator-changes"],
];

describe("account-wide settings are the owner's alone (licence key or its session)", () => {
  let app: TestApp;
  let c: TestCustomer;
  let accountKey: string;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
    c = await newCustomer(app, "agency");
    const created = await app.api("POST", "/v1/api-keys", { token: c.licenseKey, body: { name: "ci, no site" } });
    expect(created.status).toBe(201);
    accountKey = created.body.key;
  });
  afterAll(async () => {
    await app.close();
  });

  it("answer the licence key, and refuse a site's key and an API key with no site alike (403, nothing shown)", async () => {
    for (const [method, path] of SETTINGS) {
      expect((await app.api(method, path, { token: c.licenseKey })).status, path).toBe(200);
      for (const token of [c.apiKey, accountKey]) {
        const r = await app.api(method, path, { token });
        expect(r.status, path).toBe(403);
        expect(r.body.code).toBe("FORBIDDEN");
        expect(r.body.detail).toMatch(/^Only the account owner can see or change .+: sign in with the licence key\.$/);
      }
    }
  });
});
