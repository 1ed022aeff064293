import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/** Every read-only view the operator has of one account's guardrails. */
const RULE_PATHS = ["balance-alert", "webhook-endpoints", "spend-limits", "rate-limits", "auto-topup"] as const;

for (const engine of ENGINES) {
  describe(`the operator sees each account's guardrails (${engine})`, () => {
    let app: TestApp;
    let rx: Receiver;
    beforeAll(async () => {
      rx = await startReceiver((n) => (n === 1 ? 503 : 200));
      app = await startTestApp(engine, {
        WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
        RATE_LIMIT_RPS: "50",
        RATE_LIMIT_BURST: "100",
      });
    });
    afterAll(async () => {
      await app?.close();
      await rx?.close();
    });

    const owner = (c: TestCustomer) => ({ token: c.licenseKey });
    const base = (c: TestCustomer | string) =>
      `/v1/admin/accounts/${encodeURIComponent(typeof c === "string" ? c : c.accountId)}`;

    it("a new account shows no rules: alert off, no endpoints, no limits, no overrides, no auto top-up", async () => {
      const c = await newCustomer(app);
      const alert = await app.admin("GET", `${base(c)}/balance-alert`);
      expect(alert.status).toBe(200);
      expect(alert.body).toEqual({ thresholdCredits: 0, email: expect.any(Boolean), state: "off" });
      expect((await app.admin("GET", `${base(c)}/webhook-endpoints`)).body).toEqual({ data: [] });
      expect((await app.admin("GET", `${base(c)}/spend-limits`)).body).toEqual({ data: [] });
      expect((await app.admin("GET", `${base(c)}/rate-limits`)).body).toEqual({
        default: { rps: 50, burst: 100 },
        data: [],
      });
      expect((await app.admin("GET", `${base(c)}/auto-topup`)).body).toMatchObject({ enabled: false, card: null });
    });

    it("shows the rules the customer set: threshold and state, endpoints with deliveries, limits with usage, rates", async () => {
      const c = await newCustomer(app);
      const other = await newCustomer(app);
      expect(
        (await app.api("PUT", "/v1/balance-alert", { ...owner(c), body: { thresholdCredits: 25, email: false } }))
          .status,
      ).toBe(200);
      const endpoint = await app.api("POST", "/v1/webhook-endpoints", {
        ...owner(c),
        body: { url: rx.url, events: ["balance.low", "purchase.completed"], description: "billing" },
      });
      expect(endpoint.status).toBe(201);
      const limit = await app.api("POST", "/v1/spend-limits", {
        ...owner(c),
        body: { siteId: c.siteId, credits: 40, period: "month" },
      });
      expect(limit.status).toBe(201);
      const keys = await app.api("GET", "/v1/api-keys", owner(c));
      const keyId = keys.body.data[0].id as string;
      expect((await app.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, { rps: 2, burst: 5 })).status).toBe(200);
      expect(
        (await app.admin("PUT", `/v1/admin/licenses/${c.licenseId}/rate-limit`, { rps: 1, burst: 3 })).status,
      ).toBe(200);
      // Another account's override is not this account's.
      const otherKeys = await app.api("GET", "/v1/api-keys", owner(other));
      await app.admin("PUT", `/v1/admin/api-keys/${otherKeys.body.data[0].id}/rate-limit`, { rps: 9, burst: 9 });

      // One test event: the receiver refuses the first attempt, so the latest delivery shows the failure.
      expect((await app.api("POST", `/v1/webhook-endpoints/${endpoint.body.id}/test`, owner(c))).status).toBe(202);
      await rx.waitFor(1);

      const alert = await app.admin("GET", `${base(c)}/balance-alert`);
      expect(alert.body).toMatchObject({ thresholdCredits: 25, email: false });
      // The operator reads the state the customer sees.
      expect(alert.body).toEqual((await app.api("GET", "/v1/balance-alert", owner(c))).body);

      const endpoints = await eventually(async () => {
        const r = await app.admin("GET", `${base(c)}/webhook-endpoints`);
        // An attempt counts when it is claimed; its answer is recorded when the receiver has replied.
        return r.body.data[0]?.recentDeliveries[0]?.responseStatus != null ? r : undefined;
      });
      expect(endpoints.status).toBe(200);
      expect(endpoints.body.data).toHaveLength(1);
      const seen = endpoints.body.data[0];
      expect(seen).toMatchObject({
        id: endpoint.body.id,
        url: rx.url,
        events: ["balance.low", "purchase.completed"],
        enabled: true,
        description: "billing",
      });
      expect(seen.recentDeliveries[0]).toMatchObject({ eventType: "webhook.test", responseStatus: 503 });
      // The signing secret is the customer's alone.
      expect(JSON.stringify(endpoints.body)).not.toContain(endpoint.body.secret);
      expect(seen).not.toHaveProperty("secret");

      const limits = await app.admin("GET", `${base(c)}/spend-limits`);
      expect(limits.body.data).toEqual([
        expect.objectContaining({ id: limit.body.id, siteId: c.siteId, credits: 40, period: "month", usedCredits: 0 }),
      ]);

      const rates = await app.admin("GET", `${base(c)}/rate-limits`);
      expect(rates.body.data).toEqual(
        expect.arrayContaining([
          { kind: "api_key", id: keyId, name: keys.body.data[0].name, revoked: false, override: { rps: 2, burst: 5 } },
          { kind: "license", id: c.licenseId, name: null, revoked: false, override: { rps: 1, burst: 3 } },
        ]),
      );
      expect(rates.body.data).toHaveLength(2);
    });

    it("answers 404 for an unknown account on every view", async () => {
      for (const path of RULE_PATHS) {
        const r = await app.admin("GET", `${base("acct_does_not_exist")}/${path}`);
        expect(r.status, path).toBe(404);
        expect(r.body.code, path).toBe("NOT_FOUND");
      }
    });

    it("refuses a customer's keys and no key at all with 401", async () => {
      const c = await newCustomer(app);
      for (const path of RULE_PATHS) {
        for (const token of [c.licenseKey, c.apiKey, undefined]) {
          const r = await app.api("GET", `${base(c)}/${path}`, { token });
          expect(r.status, `${path} with ${token?.slice(0, 3) ?? "nothing"}`).toBe(401);
          expect(JSON.stringify(r.body)).not.toMatch(/thresholdCredits|recentDeliveries|usedCredits/);
        }
      }
    });
  });
}
