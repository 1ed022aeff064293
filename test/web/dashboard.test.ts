import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer, WEBHOOK_SECRET } from "../support/app.js";
import { type FakeStripe, signedEvent, startFakeStripe } from "../support/fake-stripe.js";
import { DESKTOP, launchBrowser, overflowsHorizontally, PHONE, waitForText } from "./support/browser.js";
import { ensureWebBuild } from "./support/build.js";
import { balanceShown, nav, signedIn } from "./support/dashboard.js";

const VIEWPORTS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

/** Pages of the dashboard and the heading each one shows. */
const CORE_PAGES = [
  ["Overview", "Overview"],
  ["Buy credits", "Buy credits"],
  ["Ledger", "Ledger"],
  ["Knowledge bases", "Knowledge bases"],
  ["API keys", "API keys"],
  ["Delete data", "Delete all data"],
] as const;

describe("the customer dashboard: account, purchases and keys", () => {
  let app: TestApp;
  let stripe: FakeStripe;
  let browser: Browser;
  let customer: TestCustomer;

  beforeAll(async () => {
    await ensureWebBuild();
    stripe = await startFakeStripe();
    app = await startTestApp("sqlite", {
      STRIPE_SECRET_KEY: "sk_test_web",
      STRIPE_API_BASE: stripe.url,
    });
    customer = await newCustomer(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stripe?.close();
  });

  for (const [width, viewport] of VIEWPORTS) {
    it(`signs in with the licence key, opens every page by keyboard-reachable links and signs out (${width})`, async () => {
      const { context, page, errors } = await signedIn(browser, app.url, customer.licenseKey, viewport);
      await waitForText(page.getByTestId("balance"), "0");
      for (const [link, heading] of CORE_PAGES) {
        await nav(page, link);
        await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
        expect(await overflowsHorizontally(page), `${link} is wider than the screen`).toBe(false);
      }
      // From the top of a page, the keyboard reaches the skip link first, with a visible focus ring.
      await page.reload();
      await page.getByRole("heading", { name: "Delete all data", level: 1 }).waitFor();
      // Let the page finish loading (its balance) before signing out, or that read races the sign-out and gets 401.
      await waitForText(page.getByTestId("header-balance"), "0");
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
      });
      expect(focused).toEqual({ text: "Skip to content", outline: "solid" });
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("Licence key or API key").waitFor();
      await page.reload();
      await page.getByLabel("Licence key or API key").waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("refuses a wrong key with the problem's detail", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${app.url}/dashboard`);
    await page.getByLabel("Licence key or API key").fill("lk_000000000000_00000000000000000000000000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitForText(page.getByRole("alert"), "this is not a valid licence key or API key");
    await context.close();
  });

  it("buys a pack through Stripe Checkout; the signed webhook credits it and the dashboard shows it", async () => {
    const { context, page, errors } = await signedIn(browser, app.url, customer.licenseKey);
    // Stripe's hosted page is not reachable here (no network): answer its URL with a stand-in page.
    await context.route("https://checkout.stripe.test/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: "<!doctype html><title>Checkout</title><h1>Stripe test checkout</h1>",
      }),
    );
    await nav(page, "Buy credits");
    await page.getByLabel("Amount in US dollars").fill("60");
    await waitForText(page.locator("#custom-preview"), "You get 7,200 credits (1,200 bonus).");

    await page.getByRole("button", { name: "Buy Builder for $25" }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const sessionId = new URL(page.url()).pathname.split("/").pop()!;
    const session = stripe.sessions.get(sessionId)!;
    expect(session).toMatchObject({ amount_total: 2500, client_reference_id: customer.accountId });
    expect(session.success_url).toContain("/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}");

    const event = signedEvent(
      "checkout.session.completed",
      { ...session, status: "complete", payment_status: "paid", payment_intent: "pi_web_1" },
      { secret: WEBHOOK_SECRET },
    );
    const delivered = await app.api("POST", "/v1/webhooks/stripe", {
      rawBody: event.body,
      headers: { "content-type": "application/json", "stripe-signature": event.signature },
    });
    expect(delivered.body.outcome).toBe("fulfilled");

    // Where Stripe sends the customer back (PUBLIC_URL's host is not this test server's).
    await page.goto(`${app.url}/dashboard?checkout=success&session_id=${sessionId}`);
    await waitForText(page.getByTestId("checkout-credited"), "2,750 credits were added to your balance.");
    await waitForText(page.getByTestId("balance"), "2,750");
    expect(await balanceShown(page)).toBe("2,750");

    await page.goto(`${app.url}/dashboard?checkout=cancelled`);
    await page.getByRole("heading", { name: "Checkout cancelled" }).waitFor();

    await nav(page, "Ledger");
    await page.locator("table.ledger tbody tr").first().waitFor();
    const types = await page.$$eval("table.ledger tbody tr", (rows) => rows.map((r) => r.getAttribute("data-type")));
    expect(types).toEqual(["bonus", "purchase"]);
    expect(await page.locator("table.ledger .ledger__description").allTextContents()).toEqual([
      "Bonus credits with the Builder pack",
      "Bought the Builder pack ($25)",
    ]);
    await page.getByLabel("Show").selectOption("bonus");
    await expect
      .poll(() => page.$$eval("table.ledger tbody tr", (rows) => rows.map((r) => r.getAttribute("data-type"))))
      .toEqual(["bonus"]);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv).toContain(sessionId);
    expect(csv.split("\n")[0]).toContain("type");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("creates an API key shown once, and revokes it", async () => {
    const { context, page, errors } = await signedIn(browser, app.url, customer.licenseKey, PHONE);
    await nav(page, "API keys");
    await page.getByLabel("New key name").fill("Staging site");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("secret").textContent())!;
    expect(key).toMatch(/^ak_/);
    expect((await app.api("GET", "/v1/balance", { token: key })).status).toBe(200);

    await page.getByRole("button", { name: "Revoke Staging site" }).click();
    await page
      .locator("tr", { hasText: "Staging site" })
      .getByText(/^revoked/)
      .waitFor();
    expect((await app.api("GET", "/v1/balance", { token: key })).status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("ends the page's session when its key is revoked elsewhere, and says so", async () => {
    const c = await newCustomer(app);
    const { context, page, errors } = await signedIn(browser, app.url, c.apiKey, PHONE);
    const keys = (await app.api("GET", "/v1/api-keys", { token: c.licenseKey })).body.data;
    await app.api("DELETE", `/v1/api-keys/${keys[0].id}`, { token: c.licenseKey });
    // The next request ends the session: a click, or the page's own balance refresh if that comes first (then the
    // navigation is already gone and there is nothing to click).
    await nav(page, "Ledger", { timeout: 5_000 }).catch(() => {});
    await page.getByText("Your session ended. Sign in again to continue.").waitFor();
    // The 401 that ended it is an expected console message here, not a script error.
    expect(errors.filter((e) => !e.includes("status of 401"))).toEqual([]);
    await context.close();
  });
});
