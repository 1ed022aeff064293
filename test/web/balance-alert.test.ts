import { describe, expect, it } from "vitest";
import { grant, newCustomer } from "../support/app.js";
import { overflowsHorizontally, PHONE } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

describe("the low-balance alert on Notifications & limits", () => {
  const t = browserApp();

  it("the owner sets a threshold and email by keyboard on a phone, and sees when the balance is below it", async () => {
    const c = await newCustomer(t.app);
    await grant(t.app, c.accountId, 50);
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, PHONE);
    await nav(page, "Notifications & limits");
    await page.getByRole("heading", { name: "Low-balance alert", level: 2 }).waitFor();
    const state = page.getByTestId("balance-alert-state");
    await expect.poll(() => state.textContent()).toMatch(/^Off/);

    const threshold = page.getByLabel("Warn me when my balance falls below (credits)");
    await threshold.focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("40");
    await page.keyboard.press("Tab");
    const emailBox = page.getByLabel(/Also email me at/);
    expect(await emailBox.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => state.textContent()).toMatch(/^Saved\. Watching: .*email is off.*below 40 credits/);
    expect((await t.app.api("GET", "/v1/balance-alert", { token: c.licenseKey })).body).toEqual({
      thresholdCredits: 40,
      email: false,
      state: "armed",
    });

    const spent = await t.app.running.ctx.ledger.debit({
      accountId: c.accountId,
      amountMc: 20_000,
      type: "usage",
      cause: { operation: "test.spend" },
    });
    expect(spent.ok).toBe(true);
    await page.reload();
    await expect.poll(() => state.textContent()).toMatch(/Your balance is below 40 credits/);
    expect(await threshold.inputValue()).toBe("40");
    expect(await emailBox.isChecked()).toBe(false);
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a site's key sees who decides, and no form it could not use", async () => {
    const c = await newCustomer(t.app);
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.apiKey, PHONE);
    await nav(page, "Notifications & limits");
    await page.getByRole("heading", { name: "Low-balance alert", level: 2 }).waitFor();
    await page.getByText("The account owner chooses when to be warned").waitFor();
    expect(await page.getByLabel("Warn me when my balance falls below (credits)").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
