import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, newCustomer, startTestApp } from "../support/app.js";
import { DESKTOP, overflowsHorizontally, PHONE, watchErrors } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

/**
 * A fresh install without Stripe keys: nobody is offered a button that cannot work. Customers read that purchases
 * are not open (in their words, never a variable name); the operator reads what to set; /healthz says it too.
 */
describe("when payments are not configured", () => {
  const t = browserApp();

  it("the API says so: /v1/packs is not purchasable, /healthz names it, checkout refuses in a customer's words", async () => {
    expect((await t.app.api("GET", "/v1/packs")).body.purchasable).toBe(false);
    expect((await t.app.api("GET", "/healthz")).body.payments).toBe("not_configured");
    const c = await newCustomer(t.app);
    const refused = await t.app.api("POST", "/v1/checkout", { token: c.apiKey, body: { packId: "credits-1000" } });
    expect(refused.status).toBe(501);
    expect(refused.body.code).toBe("PAYMENTS_NOT_CONFIGURED");
    expect(refused.body.detail).not.toMatch(/STRIPE|_KEY|secret/i);
    const configured = await startTestApp("sqlite", { STRIPE_SECRET_KEY: "sk_test_configured" });
    try {
      expect((await configured.api("GET", "/v1/packs")).body.purchasable).toBe(true);
      expect((await configured.api("GET", "/healthz")).body.payments).toBe("configured");
    } finally {
      await configured.close();
    }
  });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`the pricing page, the dashboard and the admin say it, with no live buy button (${width})`, async () => {
      const context = await t.browser.newContext({ viewport });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${t.app.url}/pricing`);
      await page.getByTestId("purchases-unavailable").waitFor();
      expect(await page.locator(".pack").count()).toBeGreaterThan(0);
      expect(await page.locator(".pack a.button").count()).toBe(0);
      expect(await page.locator("form.topup").count()).toBe(0);
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(errors).toEqual([]);
      await context.close();

      const c = await newCustomer(t.app);
      const customer = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      await nav(customer.page, "Buy credits");
      await customer.page.getByText("Buying credits is not available on this service yet").waitFor();
      expect(await customer.page.getByRole("button", { name: /^Buy/ }).count()).toBe(0);
      expect(customer.errors).toEqual([]);
      await customer.context.close();

      const operator = await t.browser.newContext({ viewport });
      const admin = await operator.newPage();
      const adminErrors = watchErrors(admin);
      await admin.goto(`${t.app.url}/admin`);
      await admin.getByLabel("Admin token").fill(ADMIN_TOKEN);
      await admin.getByRole("button", { name: "Sign in" }).click();
      await admin.getByText("Payments are off: customers cannot buy credits.").waitFor();
      expect(await admin.locator("code", { hasText: "STRIPE_SECRET_KEY" }).count()).toBe(1);
      expect(adminErrors).toEqual([]);
      await operator.close();
    });
  }
});
