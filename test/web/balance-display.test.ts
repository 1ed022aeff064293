import { describe, expect, it } from "vitest";
import { grant, newCustomer } from "../support/app.js";
import { waitForText } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { signedIn } from "./support/dashboard.js";

/** A balance reads in whole credits, rounded down — what is shown can always be spent; the exact value is kept. */
describe("the balance in the dashboard's header", () => {
  const t = browserApp();

  it("shows 12.999 credits as 12, with the exact amount in its title", async () => {
    const c = await newCustomer(t.app);
    await grant(t.app, c.accountId, 12.999);
    const { page, errors, context } = await signedIn(t.browser, t.app.url, c.licenseKey);
    const shown = page.getByTestId("header-balance");
    await waitForText(shown, "12");
    expect(await shown.getAttribute("title")).toBe("12.999 credits");
    expect(errors).toEqual([]);
    await context.close();
  });
});
