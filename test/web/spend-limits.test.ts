import { describe, expect, it } from "vitest";
import { grant, newCustomer, request } from "../support/app.js";
import { DESKTOP, overflowsHorizontally, PHONE, waitForText } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The owner caps a site's spending in the dashboard and sees what it has used; a site's key cannot. */
describe("the dashboard's spend limits", () => {
  const t = browserApp();

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`the owner adds a daily limit on a site, sees "used X of Y", and removes it by keyboard (${width})`, async () => {
      const owner = await newCustomer(t.app, "agency");
      await grant(t.app, owner.accountId, 20);
      const site = (await t.app.api("GET", "/v1/sites", { token: owner.licenseKey })).body.data[0];
      const host = new URL(site.url).host;
      const kb = await t.app.api("POST", "/v1/knowledge-bases", { token: owner.licenseKey, body: { name: "FAQ" } });

      const { context, page, errors } = await signedIn(t.browser, t.app.url, owner.licenseKey, viewport);
      await nav(page, "Notifications & limits");
      const section = page.getByRole("region", { name: "Spend limits" });
      await section.getByText("No spend limits yet.").waitFor();
      await section.getByLabel("Limit applies to").selectOption({ label: `Site ${host}` });
      await section.getByLabel("Most credits to spend").fill("5");
      await section.getByLabel("Per period").selectOption({ label: "Day (UTC)" });
      await section.getByRole("button", { name: "Add limit" }).click();
      await waitForText(section.locator(".hint[role=status]"), "Spend limit added.");
      const item = section.locator(".spend-limit", { hasText: `Site ${host}` });
      const usage = item.locator(".spend-limit__usage");
      await waitForText(usage, "Used 0 of 5 today", { contains: true });

      // The site spends 2 credits; the page shows them against the limit, with its reset in UTC.
      for (let i = 0; i < 2; i++) {
        const q = await request(t.app.url, "POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
          token: owner.apiKey,
          body: { query: "opening hours", mode: "keyword" },
        });
        expect(q.status).toBe(200);
      }
      await page.reload();
      const tomorrow = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000);
      await waitForText(
        usage,
        `Used 2 of 5 today, resets at 00:00 UTC on ${tomorrow.getUTCDate()} ${MONTHS[tomorrow.getUTCMonth()]}`,
      );
      expect(await overflowsHorizontally(page)).toBe(false);

      // By keyboard: focus the remove button and press Enter (the confirmation is accepted).
      await item.getByRole("button", { name: `Remove the limit on site ${host}` }).focus();
      await page.keyboard.press("Enter");
      await waitForText(section.locator(".hint[role=status]"), `The limit on site ${host} was removed.`);
      await section.getByText("No spend limits yet.").waitFor();
      expect(errors).toEqual([]);

      // A site's key sees no limits and no way to change them.
      const bySite = await signedIn(t.browser, t.app.url, owner.apiKey, viewport);
      await nav(bySite.page, "Notifications & limits");
      await bySite.page.getByText("Only the account owner can see and change spend limits.").waitFor();
      expect(await bySite.page.getByRole("button", { name: "Add limit" }).count()).toBe(0);
      expect(bySite.errors).toEqual([]);
      await bySite.context.close();
      await context.close();
    });
  }
});
