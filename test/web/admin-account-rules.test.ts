import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, grant, newCustomer, request, type TestCustomer } from "../support/app.js";
import { eventually } from "../support/eventually.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { DESKTOP, overflowsHorizontally, PHONE, watchErrors } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";

describe("the operator's account page shows the account's notifications and limits", () => {
  let rx: Receiver;
  beforeAll(async () => {
    // The receiver refuses every delivery: the page shows the failure the customer's endpoint sees.
    rx = await startReceiver(() => 503);
  });
  afterAll(async () => {
    await rx?.close();
  });
  const ctx = browserApp({ WEBHOOKS_ALLOW_PRIVATE_URLS: "true", RATE_LIMIT_RPS: "20", RATE_LIMIT_BURST: "40" });

  /** A customer with every guardrail set, and one credit spent by its site. */
  async function guardedCustomer(): Promise<{ c: TestCustomer; endpointId: string; secret: string }> {
    const { app } = ctx;
    const c = await newCustomer(app);
    const owner = { token: c.licenseKey };
    await grant(app, c.accountId, 50);
    expect(
      (await app.api("PUT", "/v1/balance-alert", { ...owner, body: { thresholdCredits: 25, email: true } })).status,
    ).toBe(200);
    const endpoint = await app.api("POST", "/v1/webhook-endpoints", {
      ...owner,
      body: { url: rx.url, events: ["balance.low", "spend_limit.reached"] },
    });
    expect(endpoint.status).toBe(201);
    await app.api("POST", `/v1/webhook-endpoints/${endpoint.body.id}/test`, owner);
    await eventually(async () => {
      const r = await app.admin("GET", `/v1/admin/accounts/${c.accountId}/webhook-endpoints`);
      return r.body.data[0].recentDeliveries[0]?.responseStatus === 503 ? true : undefined;
    });
    expect(
      (
        await app.api("POST", "/v1/spend-limits", {
          ...owner,
          body: { siteId: c.siteId, credits: 40, period: "month" },
        })
      ).status,
    ).toBe(201);
    const kb = await app.api("POST", "/v1/knowledge-bases", { ...owner, body: { name: "Docs" } });
    const search = await request(app.url, "POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
      token: c.apiKey,
      body: { query: "anything", mode: "keyword" },
    });
    expect(search.status).toBe(200);
    const keys = await app.api("GET", "/v1/api-keys", owner);
    const keyId = keys.body.data[0].id;
    expect((await app.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, { rps: 2, burst: 5 })).status).toBe(200);
    return { c, endpointId: endpoint.body.id, secret: endpoint.body.secret };
  }

  async function openAccount(accountId: string, viewport: typeof DESKTOP) {
    const context = await ctx.browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${ctx.app.url}/admin`);
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Revenue and usage", level: 1 }).waitFor();
    await page.goto(`${ctx.app.url}/admin/accounts/${accountId}`);
    await page.getByRole("heading", { name: "Notifications & limits", level: 2 }).waitFor();
    return { context, page, errors };
  }

  const part = (page: Page, name: string) => page.getByRole("region", { name });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`shows the threshold, endpoints, auto top-up, limits with their usage and key rates (${width})`, async () => {
      const { c, endpointId, secret } = await guardedCustomer();
      const { context, page, errors } = await openAccount(c.accountId, viewport);

      await part(page, "Low-balance alert").getByText("Warns below 25 credits, by webhook and email.").waitFor();
      await part(page, "Low-balance alert").getByText("The balance is above the threshold").waitFor();

      const endpoint = part(page, "Webhook endpoints").locator(`[data-endpoint="${endpointId}"]`);
      await endpoint.getByText(rx.url).waitFor();
      await endpoint.getByText("Events: Balance is low, Spend limit reached").waitFor();
      await endpoint.getByText("On", { exact: true }).waitFor();
      await endpoint.getByText(/Last delivery: not accepted yet \(HTTP 503\)/).waitFor();

      await part(page, "Auto top-up").getByText("Off.").waitFor();
      await part(page, "Auto top-up")
        .getByText(/No saved card\. This month: 0 top-ups, \$0\./)
        .waitFor();

      const limit = part(page, "Spend limits").locator("[data-limit]");
      await limit.getByText(/^Site [a-z0-9]+\.example\.com$/).waitFor();
      await limit.getByText("Used 1 of 40 credits this month").waitFor();

      await part(page, "Request rates")
        .getByText("Default for every key: 20 requests a second, bursts of 40.")
        .waitFor();
      await part(page, "Request rates").getByText("2 requests a second, bursts of 5").waitFor();

      expect(await page.locator("body").textContent()).not.toContain(secret);
      expect(await overflowsHorizontally(page), "the page is wider than the screen").toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("an account with no rules says so, part by part under its own heading", async () => {
    const c = await newCustomer(ctx.app);
    const { context, page, errors } = await openAccount(c.accountId, PHONE);
    await part(page, "Low-balance alert").getByText("Off: no alert is sent when the balance runs low.").waitFor();
    await part(page, "Webhook endpoints").getByText("No webhook endpoint.").waitFor();
    await part(page, "Spend limits").getByText("No spend limit.").waitFor();
    await part(page, "Request rates").getByText("No key of this account has a rate of its own.").waitFor();
    for (const name of ["Low-balance alert", "Webhook endpoints", "Auto top-up", "Spend limits", "Request rates"])
      await page.getByRole("heading", { name, level: 3 }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
