import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, grant, newCustomer, request } from "../support/app.js";
import { saveCard, setRule } from "../support/auto-topup.js";
import { type FakeStripe, startFakeStripe } from "../support/fake-stripe.js";
import { overflowsHorizontally, PHONE, waitForText, watchErrors } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

/** Presses Tab until `target` has the focus (a keyboard user's way there); fails if it never gets it. */
async function tabTo(page: Page, target: Locator, most = 80): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

describe("the operator changes a customer's spend limit from the admin, by keyboard on a phone", () => {
  // Stripe (a fake on loopback) is set up before the app starts: browserApp reads `env` in its own beforeAll.
  const env: Record<string, string> = {
    RATE_LIMIT_RPS: "20",
    RATE_LIMIT_BURST: "40",
    STRIPE_SECRET_KEY: "sk_test_123",
  };
  let stripe: FakeStripe;
  beforeAll(async () => {
    stripe = await startFakeStripe();
    env.STRIPE_API_BASE = stripe.url;
  });
  afterAll(async () => {
    await stripe?.close();
  });
  const ctx = browserApp(env);

  /** The operator signs in by keyboard on a phone and opens the account's page. */
  async function openAccount(accountId: string) {
    const context = await ctx.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${ctx.app.url}/admin`);
    await tabTo(page, page.getByLabel("Admin token"));
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Revenue and usage", level: 1 }).waitFor();
    await page.goto(`${ctx.app.url}/admin/accounts/${accountId}`);
    return { context, page, errors };
  }

  it("raises a site's monthly limit with a reason: the site spends again, the change is listed with why", async () => {
    const { app } = ctx;
    const c = await newCustomer(app);
    await grant(app, c.accountId, 50);
    const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.licenseKey, body: { name: "Docs" } });
    await app.api("POST", "/v1/spend-limits", {
      token: c.licenseKey,
      body: { siteId: c.siteId, credits: 1, period: "month" },
    });
    const search = () =>
      request(app.url, "POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
        token: c.apiKey,
        body: { query: "anything", mode: "keyword" },
      });
    expect((await search()).status).toBe(200);
    expect((await search()).body.code).toBe("SPEND_LIMIT_REACHED");

    const { context, page, errors } = await openAccount(c.accountId);
    const limits = page.getByRole("region", { name: "Spend limits" });
    await limits.getByText("Used 1 of 1 credit this month — reached").waitFor();

    const change = limits.getByRole("button", { name: /^Change limit of site / });
    await tabTo(page, change);
    await page.keyboard.press("Enter");
    expect(await change.getAttribute("aria-expanded")).toBe("true");
    const amount = limits.getByLabel("Credits a month");
    expect(await focused(amount), "focus moves into the form").toBe(true);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("3");
    await page.keyboard.press("Tab");
    const reason = limits.getByLabel("Reason");
    expect(await focused(reason)).toBe(true);
    // Spaces only: the service refuses it, and the page says so at the field, announced.
    await page.keyboard.type("   ");
    await page.keyboard.press("Enter");
    const problem = limits.getByRole("alert");
    await problem.waitFor();
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    expect(await reason.getAttribute("aria-describedby")).toContain(await problem.getAttribute("id"));
    expect(await problem.textContent()).not.toMatch(/body\.|VALIDATION|chg_|lim_/);

    await page.keyboard.press("Control+A");
    await page.keyboard.type("Ticket 4411: more this month");
    await page.keyboard.press("Enter");
    await waitForText(limits.getByRole("status"), "Limit changed to 3 credits a month.");
    await limits.getByText("Used 1 of 3 credits this month").waitFor();
    expect(await focused(change), "focus returns to the button").toBe(true);
    expect(await change.getAttribute("aria-expanded")).toBe("false");

    const changes = page.getByRole("region", { name: "Changes made for the customer" });
    await changes
      .getByText(/^Spend limit of site [a-z0-9]+\.example\.com raised from 1 to 3 credits a month\.$/)
      .waitFor();
    await changes.getByText(/Why: Ticket 4411: more this month/).waitFor();

    // It takes effect: the site's next spends go through, up to the new limit.
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    expect((await search()).body.code).toBe("SPEND_LIMIT_REACHED");
    expect(await overflowsHorizontally(page), "the page is wider than the screen").toBe(false);
    // The one refused save (400) is the only error the page saw.
    expect(errors.filter((e) => !e.includes("status of 400"))).toEqual([]);
    await context.close();

    // The customer reads the same change, and why, on the dashboard's page of limits.
    const customer = await signedIn(ctx.browser, app.url, c.licenseKey, PHONE);
    await nav(customer.page, "Notifications & limits");
    const told = customer.page.getByRole("region", { name: "Changes made by the service" });
    await told
      .getByText(/^Spend limit of site [a-z0-9]+\.example\.com raised from 1 to 3 credits a month\.$/)
      .waitFor();
    await told.getByText(/Why: Ticket 4411: more this month/).waitFor();
    await customer.page
      .getByRole("region", { name: "Spend limits" })
      .getByText(/Used 3 of 3/)
      .waitFor();
    expect(customer.errors).toEqual([]);
    await customer.context.close();
  });

  it("changes a key's own request rate, then returns it to the default, by keyboard", async () => {
    const { app } = ctx;
    const c = await newCustomer(app);
    const keyId = (await app.api("GET", "/v1/api-keys", { token: c.licenseKey })).body.data[0].id;
    expect((await app.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, { rps: 2, burst: 5 })).status).toBe(200);
    const { context, page, errors } = await openAccount(c.accountId);
    const rates = page.getByRole("region", { name: "Request rates" });
    await rates.getByText("2 requests a second, bursts of 5").waitFor();

    const change = rates.getByRole("button", { name: /^Change rate of API key/ });
    await tabTo(page, change);
    await page.keyboard.press("Enter");
    expect(await focused(rates.getByLabel("Requests a second"))).toBe(true);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("10");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("20");
    await page.keyboard.press("Enter");
    await rates.getByText("10 requests a second, bursts of 20").waitFor();
    expect(await focused(change)).toBe(true);
    expect((await app.admin("GET", `/v1/admin/api-keys/${keyId}/rate-limit`)).body.override).toEqual({
      rps: 10,
      burst: 20,
    });

    await page.keyboard.press("Enter");
    await tabTo(page, rates.getByRole("button", { name: "Back to the default" }));
    await page.keyboard.press("Enter");
    await rates.getByText("No key of this account has a rate of its own.").waitFor();
    await waitForText(rates.getByRole("status"), /follows the default rate again/, { contains: false });
    expect(await focused(rates.getByRole("heading", { name: "Request rates" })), "focus stays in the part").toBe(true);
    expect((await app.admin("GET", `/v1/admin/api-keys/${keyId}/rate-limit`)).body.override).toBeNull();
    // The operator's own setting: nothing is recorded for the customer.
    expect((await app.api("GET", "/v1/operator-changes", { token: c.licenseKey })).body.data).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("turns the customer's auto top-up off with a reason, by keyboard; only the customer can turn it on", async () => {
    const { app } = ctx;
    const c = await newCustomer(app);
    await saveCard({ app, stripe }, c, "visa");
    const on = await setRule(app, c, { enabled: true, thresholdCredits: 100, packId: "credits-1000", maxPerMonth: 3 });
    expect(on.status).toBe(200);
    const { context, page, errors } = await openAccount(c.accountId);
    const topup = page.getByRole("region", { name: "Auto top-up" });
    await topup.getByText(/^On: when the balance falls below 100 credits/).waitFor();

    const turnOff = topup.getByRole("button", { name: "Turn off auto top-up" });
    await tabTo(page, turnOff);
    await page.keyboard.press("Enter");
    expect(await focused(topup.getByLabel("Reason"))).toBe(true);
    await page.keyboard.type("Card declined three times (ticket 4420)");
    await page.keyboard.press("Enter");
    await waitForText(topup.getByRole("status"), "Auto top-up turned off. Only the customer can turn it back on.");
    await topup.getByText("Off.", { exact: true }).waitFor();
    expect(await turnOff.count(), "there is no way to turn it on from here").toBe(0);
    expect(await focused(topup.getByRole("heading", { name: "Auto top-up" }))).toBe(true);
    const changes = page.getByRole("region", { name: "Changes made for the customer" });
    await changes.getByText("Auto top-up turned off. Only you can turn it back on.").waitFor();
    await changes.getByText(/Why: Card declined three times \(ticket 4420\)/).waitFor();
    expect((await app.api("GET", "/v1/auto-topup", { token: c.licenseKey })).body.enabled).toBe(false);
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
