import { afterAll, describe, expect, it } from "vitest";
import { newCustomer, type TestApp, type TestCustomer, WEBHOOK_SECRET } from "../support/app.js";
import { eventually } from "../support/eventually.js";
import { type FakeStripe, signedEvent, startFakeStripe, type TestCard } from "../support/fake-stripe.js";
import { DESKTOP, overflowsHorizontally, PHONE } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

const stripe: FakeStripe = await startFakeStripe();
afterAll(() => stripe.close());

async function deliver(app: TestApp, type: string, object: Record<string, unknown>) {
  const event = signedEvent(type, object, { secret: WEBHOOK_SECRET });
  const r = await app.api("POST", "/v1/webhooks/stripe", {
    rawBody: event.body,
    headers: { "content-type": "application/json", "stripe-signature": event.signature },
  });
  expect(r.status).toBe(200);
  return r.body.outcome;
}

/** The customer finishes Stripe's setup page with `card`; Stripe reports it. */
async function completeSetup(app: TestApp, checkoutUrl: string, card: TestCard) {
  const session = stripe.completeSetup(checkoutUrl.split("/").at(-1)!, card);
  expect(await deliver(app, "checkout.session.completed", session)).toBe("card_saved");
}

describe("auto top-up in the dashboard", () => {
  const t = browserApp({
    STRIPE_SECRET_KEY: "sk_test_123",
    STRIPE_API_BASE: stripe.url,
    AUTO_TOPUP_RETRY_SECONDS: "0",
  });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`the owner saves a card through Stripe and sets the rule by keyboard (${width})`, async () => {
      const c = await newCustomer(t.app);
      const { page, context, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      // Stripe's hosted page is not on this machine: the test plays the customer there.
      await page.route("https://checkout.stripe.test/**", (route) =>
        route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Stripe Checkout</h1>" }),
      );
      await nav(page, "Notifications & limits");
      const section = page.getByRole("region", { name: "Auto top-up" });
      await section.getByText("No card saved yet.").waitFor();
      await section.getByRole("button", { name: "Save a card" }).click();
      await page.waitForURL(/checkout\.stripe\.test\/c\/setup\//);
      await completeSetup(t.app, page.url(), "visa");
      await page.goto(`${t.app.url}/dashboard/limits?card=saved`);
      await section.getByTestId("saved-card").waitFor();
      expect(await section.getByTestId("saved-card").textContent()).toMatch(/^Visa ending 4242, expires 12\/\d{4}$/);

      // By keyboard: the labels name every control.
      await section.getByLabel("Top up automatically").focus();
      await page.keyboard.press("Space");
      await section.getByLabel("When the balance falls below (credits)").fill("400");
      await section.getByLabel("Buy").selectOption("credits-2750");
      await section.getByLabel("At most this many top-ups a month").fill("2");
      await section.getByLabel("At most this many top-ups a month").press("Enter");
      await section.getByRole("status").filter({ hasText: "Auto top-up is on." }).waitFor();
      const saved = (await t.app.api("GET", "/v1/auto-topup", { token: c.licenseKey })).body;
      expect(saved).toMatchObject({ enabled: true, thresholdCredits: 400, packId: "credits-2750", maxPerMonth: 2 });
      expect(await overflowsHorizontally(page)).toBe(false);

      // Removing the card (the page asks first; signedIn accepts dialogs) turns auto top-up off.
      await section.getByRole("button", { name: "Remove card" }).click();
      await section.getByRole("status").filter({ hasText: "The card was removed and auto top-up is off." }).waitFor();
      await section.getByText("No card saved yet.").waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("shows this month's top-ups and the last failure in the customer's words", async () => {
    const c: TestCustomer = await newCustomer(t.app);
    await t.app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 600, reason: "test" });
    const setup = await t.app.api("POST", "/v1/auto-topup/setup", { token: c.licenseKey });
    await completeSetup(t.app, setup.body.url, "declined");
    await t.app.api("PUT", "/v1/auto-topup", {
      token: c.licenseKey,
      body: { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 3 },
    });
    await t.app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -200, reason: "spent" });
    await eventually(async () => (await t.app.api("GET", "/v1/auto-topup", { token: c.licenseKey })).body.lastFailure, {
      what: "the failed top-up",
      timeoutMs: 15_000,
    });
    const { page, context, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, PHONE);
    await nav(page, "Notifications & limits");
    const section = page.getByRole("region", { name: "Auto top-up" });
    await section.getByText(/The last top-up on .* failed: Your card was declined\./).waitFor({ timeout: 15_000 });
    expect(await section.getByTestId("topups").textContent()).toMatch(
      /1,000 credits for \$10(\.00)? — Failed \(Your card was declined\.\)/,
    );
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a site's key sees that only the owner can change it", async () => {
    const c = await newCustomer(t.app);
    const { page, context } = await signedIn(t.browser, t.app.url, c.apiKey, PHONE);
    await nav(page, "Notifications & limits");
    await page.getByText("Only the account owner can see and change auto top-up and the saved card.").waitFor();
    expect(await page.getByRole("button", { name: "Save a card" }).count()).toBe(0);
    await context.close();
  });
});

describe("auto top-up when payments are not configured", () => {
  const t = browserApp();

  it("the section says auto top-up is unavailable", async () => {
    const c = await newCustomer(t.app);
    const { page, context, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, PHONE);
    await nav(page, "Notifications & limits");
    await page.getByText(/Auto top-up is unavailable/).waitFor();
    expect(await page.getByRole("button", { name: "Save a card" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
