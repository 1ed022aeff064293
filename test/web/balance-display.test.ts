import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { launchBrowser, waitForText } from "./support/browser.js";
import { ensureWebBuild } from "./support/build.js";
import { signedIn } from "./support/dashboard.js";

/** A balance reads in whole credits, rounded down — what is shown can always be spent; the exact value is kept. */
describe("the balance in the dashboard's header", () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    await ensureWebBuild();
    app = await startTestApp("sqlite");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows 12.999 credits as 12, with the exact amount in its title", async () => {
    const c = await newCustomer(app);
    await grant(app, c.accountId, 12.999);
    const { page, errors, context } = await signedIn(browser, app.url, c.licenseKey);
    const shown = page.getByTestId("header-balance");
    await waitForText(shown, "12");
    expect(await shown.getAttribute("title")).toBe("12.999 credits");
    expect(errors).toEqual([]);
    await context.close();
  });
});
