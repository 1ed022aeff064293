import { describe, expect, it } from "vitest";
import { newCustomer } from "../support/app.js";
import { DESKTOP, overflowsHorizontally, PHONE, waitForText } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

/** The owner decides which sites use a knowledge base, in the dashboard; a site's key sees what it may use. */
describe("the dashboard shows and changes who may use a knowledge base", () => {
  const t = browserApp();

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`the owner restricts a new knowledge base to one site, then shares it with every site (${width})`, async () => {
      const owner = await newCustomer(t.app, "agency");
      const second = await t.app.api("POST", "/v1/activations", {
        body: { licenseKey: owner.licenseKey, siteUrl: "https://shop.example.com" },
      });
      const { context, page, errors } = await signedIn(t.browser, t.app.url, owner.licenseKey, viewport);
      await nav(page, "Knowledge bases");
      await page.getByLabel("New knowledge base").fill("Shop FAQ");
      await page.getByLabel("Used by").selectOption({ label: "Only shop.example.com" });
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByRole("heading", { name: "Shop FAQ", level: 1 }).waitFor();
      await nav(page, "Knowledge bases");
      const item = page.locator(".list__item", { hasText: "Shop FAQ" });
      await waitForText(item.locator(".scope"), "Only shop.example.com");
      expect(await overflowsHorizontally(page)).toBe(false);

      // The first site's key does not see it; once shared, it does (and cannot change it).
      const site = await signedIn(t.browser, t.app.url, owner.apiKey, viewport);
      await nav(site.page, "Knowledge bases");
      await site.page.getByText("No knowledge bases yet.").waitFor();

      await item.getByLabel("Who may use Shop FAQ").selectOption({ label: "All sites" });
      await waitForText(item.locator(".scope"), "All sites");
      await site.page.reload();
      const shared = site.page.locator(".list__item", { hasText: "Shop FAQ" });
      await waitForText(shared.locator(".scope"), "All sites");
      expect(await shared.getByLabel("Who may use Shop FAQ").count()).toBe(0);
      expect(second.status).toBe(201);
      expect(errors).toEqual([]);
      expect(site.errors).toEqual([]);
      await site.context.close();
      await context.close();
    });
  }
});
