import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp } from "../support/app.js";

describe("request rates per client address on the public API routes (RATE_LIMIT_PUBLIC_RPS)", () => {
  let app: TestApp;
  beforeAll(async () => {
    // One request per 100 s: no slow machine refills the bucket between two requests.
    app = await startTestApp("sqlite", { RATE_LIMIT_PUBLIC_RPS: "0.01", RATE_LIMIT_PUBLIC_BURST: "3" });
  });
  afterAll(() => app.close());

  it("an address over its burst gets 429 on public routes; keys, health checks and Stripe's webhooks are not held to it", async () => {
    const c = await newCustomer(app); // its activation is a public request from this address
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await app.api("GET", "/v1/pricing")).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    expect(statuses.at(-1)).toBe(429);

    const refused = await app.api("POST", "/v1/activations", {
      body: { licenseKey: c.licenseKey, siteUrl: "https://another.example.com" },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("RATE_LIMITED");
    expect(refused.body.detail).toMatch(/^too many requests from this address/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-limit")).toBe("3");
    // Refused before it ran: no second site.
    const sites = await app.api("GET", "/v1/sites", { token: c.licenseKey });
    expect(sites.body.data).toHaveLength(1);

    for (let i = 0; i < 5; i++) {
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
      expect((await app.api("GET", "/healthz")).status).toBe(200);
      const webhook = await app.api("POST", "/v1/webhooks/stripe", {
        body: { id: "evt_x", type: "checkout.session.completed" },
        headers: { "stripe-signature": "t=1,v1=00" },
      });
      expect(webhook.status).toBe(400);
    }
  });
});
