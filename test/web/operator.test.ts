import path from "node:path";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";
import { ADMIN_TOKEN, grant, type TestApp } from "../support/app.js";
import { DESKTOP, PHONE, waitForText, watchErrors } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, outcome, signedIn } from "./support/dashboard.js";
import { assertReachable } from "./support/reach.js";

const VIEWPORTS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

/** SCREENSHOTS=1 refreshes the README's pictures of the dashboard and the admin (docs/images/*.png). */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS)
    await page.screenshot({ path: path.join(PACKAGE_ROOT, "docs", "images", `${name}.png`), fullPage: true });
}

/** An Agency customer with two sites, credits, a document, an image and an extra key: every table has rows. */
async function agencyCustomer(app: TestApp) {
  const email = `agency-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const lic = (await app.admin("POST", "/v1/admin/licenses", { email, plan: "agency" })).body;
  const activate = async (siteUrl: string) =>
    (await app.api("POST", "/v1/activations", { body: { licenseKey: lic.key, siteUrl } })).body as {
      siteId: string;
      apiKey: string;
    };
  const a = await activate("https://alpha.example");
  const b = await activate("https://beta.example");
  await grant(app, lic.accountId, 200);
  const kb = (await app.api("POST", "/v1/knowledge-bases", { token: lic.key, body: { name: "Handbook" } })).body;
  await app.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, {
    token: lic.key,
    body: { text: "Refunds are possible within thirty days of purchase.", name: "refund-policy-with-a-long-name.txt" },
  });
  const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: "#cc6633" } })
    .png()
    .toBuffer();
  const up = await app.api("POST", "/v1/images/upscales", {
    token: lic.key,
    body: { image: png.toString("base64"), factor: 2, method: "fast" },
  });
  if (up.status !== 200) throw new Error(`upscale: ${up.status} ${JSON.stringify(up.body)}`);
  await app.api("POST", "/v1/api-keys", { token: lic.key, body: { name: "Staging site with a long name" } });
  return {
    email,
    license: lic as { id: string; key: string; accountId: string },
    a,
    b,
    kb,
    imageId: up.body.images[0].id,
  };
}

async function operator(app: TestApp, browser: import("playwright-core").Browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = watchErrors(page);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${app.url}/admin`);
  await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Revenue and usage", level: 1 }).waitFor();
  return { context, page, errors };
}

describe("phones, sites and licence keys, the operator's account page, images without generation", () => {
  const ctx = browserApp({ KNOWLEDGE_INLINE_MAX_CHUNKS: "0" });

  for (const [width, viewport] of VIEWPORTS) {
    it(`every action and every price can be reached without scrolling sideways (${width})`, async () => {
      const { app, browser } = ctx;
      const c = await agencyCustomer(app);

      // The pricing page: each operation's credits and every pack's comparison.
      const pricing = await browser.newContext({ viewport });
      const pub = await pricing.newPage();
      await pub.goto(`${app.url}/pricing`);
      for (const cell of await pub.locator("table.costs td.num").all())
        await assertReachable(cell, `the credits of ${await cell.locator("xpath=..").getAttribute("data-operation")}`);
      if (width === "phone") {
        const cards = pub.locator(".compare-card");
        expect(await cards.count()).toBe(4);
        for (const card of await cards.all()) await assertReachable(card.locator("dd").last(), "a pack's comparison");
        expect(await pub.locator("table.compare").isVisible()).toBe(false);
      } else {
        for (const cell of await pub.locator("table.compare tbody tr:last-child td").all())
          await assertReachable(cell, "a pack's column");
      }
      await pricing.close();

      const { context, page, errors } = await signedIn(browser, app.url, c.license.key, viewport);
      for (const link of await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link").all())
        await assertReachable(link, `the "${await link.textContent()}" link`);
      await nav(page, "Knowledge bases");
      await page.getByRole("link", { name: "Handbook" }).click();
      const doc = page.locator('tr[data-document="refund-policy-with-a-long-name.txt"]');
      await assertReachable(doc.getByRole("button", { name: /^Delete/ }), "the document's Delete");
      await assertReachable(doc.locator('td[data-label="Credits"]'), "the document's credits");
      await nav(page, "API keys");
      const keyRow = page.locator("tr", { hasText: "Staging site with a long name" });
      await assertReachable(keyRow.getByRole("button", { name: /^Revoke/ }), "a key's Revoke");
      await assertReachable(page.getByRole("button", { name: /^Deactivate https:\/\/beta/ }), "a site's Deactivate");
      await assertReachable(page.getByRole("button", { name: "Replace licence key" }), "Replace licence key");
      if (width === "phone") await shot(page, "dashboard-keys-phone");
      expect(errors).toEqual([]);
      await context.close();

      const admin = await operator(app, browser, viewport);
      await admin.page.getByRole("navigation", { name: "Operator" }).getByRole("link", { name: "Licences" }).click();
      const row = admin.page.locator(`tr[data-license="${c.license.id}"]`);
      await assertReachable(row.locator(".status"), "a licence's status");
      await assertReachable(row.getByRole("button", { name: /^Revoke/ }), "a licence's Revoke");
      // The actions sit in a div inside the cell: the cell stays a table cell and the row keeps its lines.
      expect(
        await row
          .locator("td")
          .last()
          .evaluate((td) => getComputedStyle(td).display),
      ).toBe(width === "phone" ? "block" : "table-cell");
      await admin.page.goto(`${app.url}/admin/accounts/${c.license.accountId}`);
      await admin.page.getByRole("heading", { name: c.email, level: 1 }).waitFor();
      await assertReachable(admin.page.getByRole("button", { name: /^Replace key/ }), "Replace key");
      await assertReachable(admin.page.getByRole("button", { name: /^Deactivate https:\/\/beta/ }), "Deactivate");
      const ledgerRow = admin.page.getByTestId("account-ledger").locator('tr[data-type="grant"]');
      await assertReachable(ledgerRow.locator('td[data-label="Balance after"]'), "a ledger entry's balance");
      expect(admin.errors).toEqual([]);
      await admin.context.close();
    });
  }

  it("the owner deactivates a site (its key is refused at once, the other site's works) and replaces a leaked licence key", async () => {
    const { app, browser } = ctx;
    const c = await agencyCustomer(app);
    const { context, page, errors } = await signedIn(browser, app.url, c.license.key, PHONE);
    await nav(page, "API keys");
    await page.getByRole("button", { name: /^Deactivate https:\/\/beta/ }).click();
    await page.getByText("https://beta.example is deactivated; its keys no longer work.").waitFor();
    expect(await page.locator(`[data-site="${c.b.siteId}"]`).count()).toBe(0);
    expect((await app.api("GET", "/v1/balance", { token: c.b.apiKey })).status).toBe(401);
    expect((await app.api("GET", "/v1/balance", { token: c.a.apiKey })).status).toBe(200);

    await page.getByRole("button", { name: "Replace licence key" }).click();
    // This session signed in with the old key: it ends, and the sign-in screen shows the new key once.
    const fresh = (await page.getByTestId("secret").textContent())!.trim();
    expect(fresh).toMatch(/^lk_/);
    expect(fresh).not.toBe(c.license.key);
    await page.getByText("Your old licence key no longer works").waitFor();
    expect((await app.api("GET", "/v1/balance", { token: c.license.key })).status).toBe(401);
    expect((await app.api("GET", "/v1/balance", { token: c.a.apiKey })).status).toBe(200);
    await page.getByLabel("Licence key or API key").fill(fresh);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Back where the customer was, signed in with the new key.
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Replace licence key" }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a site's key sees no site or licence controls", async () => {
    const { app, browser } = ctx;
    const c = await agencyCustomer(app);
    const { context, page, errors } = await signedIn(browser, app.url, c.a.apiKey);
    await nav(page, "API keys");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByText("You are signed in with a site's key").waitFor();
    expect(await page.getByRole("button", { name: "Replace licence key" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Deactivate/ }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const [width, viewport] of VIEWPORTS) {
    it(`the operator answers "why was I charged?" and sees what is owed and what to configure (${width})`, async () => {
      const { app, browser } = ctx;
      const c = await agencyCustomer(app);
      await app.api("POST", `/v1/knowledge-bases/${c.kb.id}/query`, { token: c.a.apiKey, body: { query: "refunds" } });
      const { context, page, errors } = await operator(app, browser, viewport);
      // Grants are not sales; what accounts hold is the operator's liability.
      const stat = (label: string) => page.locator(`[data-stat="${label}"] .stat__value`);
      await waitForText(stat("Credits sold"), "0");
      const totals = (await app.admin("GET", "/v1/admin/stats?days=30")).body.totals;
      expect(totals.creditsGranted).toBeGreaterThanOrEqual(200);
      await waitForText(stat("Credits granted"), totals.creditsGranted.toLocaleString("en-US"));
      await waitForText(
        stat("Outstanding credits"),
        totals.outstandingCredits.toLocaleString("en-US", { maximumFractionDigits: 3 }),
      );
      await page
        .locator('[data-stat="Credits used"]')
        .getByText(/Training/)
        .waitFor();
      await page.getByText("Image generation is off").waitFor();
      await page.getByText("IMAGE_PROVIDER", { exact: true }).first().waitFor();
      await shot(page, `admin-stats-${width}`);

      await page.goto(`${app.url}/admin/accounts/${c.license.accountId}`);
      await page.getByRole("heading", { name: c.email, level: 1 }).waitFor();
      const usage = page.getByTestId("account-usage");
      await usage.getByText("Knowledge-base search").waitFor();
      await usage.getByText("Image upscale").waitFor();
      const ledger = page.getByTestId("account-ledger");
      await ledger.locator('tr[data-type="grant"]').getByText("Grant · test").waitFor();
      await ledger
        .locator('tr[data-type="usage"]')
        .getByText(/Knowledge-base search/)
        .first()
        .waitFor();
      await page.getByText("No purchases.").waitFor();
      await shot(page, `admin-account-${width}`);

      // The operator replaces a leaked licence key for the customer: shown once, the old one refused at once.
      await page.getByRole("button", { name: /^Replace key/ }).click();
      const replaced = (await page.getByTestId("secret").textContent())!.trim();
      expect(replaced).toMatch(/^lk_/);
      expect((await app.api("GET", "/v1/balance", { token: c.license.key })).status).toBe(401);
      expect((await app.api("GET", "/v1/balance", { token: replaced })).status).toBe(200);

      // The operator deactivates a site for the customer.
      await page.getByRole("button", { name: /^Deactivate https:\/\/beta/ }).click();
      await page
        .locator(`[data-site="${c.b.siteId}"]`)
        .getByText(/^deactivated/)
        .waitFor();
      expect((await app.api("GET", "/v1/balance", { token: c.b.apiKey })).status).toBe(401);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  for (const [width, viewport] of VIEWPORTS) {
    it(`the gallery shows and changes an image's scope; the picker names images and sees a new one at once (${width})`, async () => {
      const { app, browser } = ctx;
      const c = await agencyCustomer(app);
      const { context, page, errors } = await signedIn(browser, app.url, c.license.key, viewport);
      await nav(page, "Image studio");
      await waitForText(page.getByTestId("studio-offer"), "Here you can upscale images and remove objects from them.");
      const item = page.locator(`.gallery__item[data-image="${c.imageId}"]`);
      await item.locator(".scope").getByText("All sites").waitFor();
      await item.getByLabel("Used by").selectOption(c.a.siteId);
      await item.locator(".scope").getByText("Only alpha.example").waitFor();
      await expect
        .poll(async () => (await app.api("GET", `/v1/images/${c.imageId}`, { token: c.b.apiKey })).status)
        .toBe(404);
      expect((await app.api("GET", `/v1/images/${c.imageId}`, { token: c.a.apiKey })).body.siteId).toBe(c.a.siteId);

      // Upscale the stored image: the new one appears in the picker's list without reloading the page.
      await page.getByRole("tab", { name: "Upscale" }).click();
      const picker = page.getByLabel("From the gallery");
      await expect
        .poll(() => picker.locator("option").allTextContents())
        .toEqual(["Choose an image…", expect.stringMatching(/^Upscaled 32×24, /)]);
      const names = await picker.locator("option").allTextContents();
      for (const n of names) expect(n).not.toMatch(/img_|\([0-9a-z]{6}\)/);
      await picker.selectOption({ index: 1 });
      await page.getByLabel("Method").selectOption("fast");
      await page.getByRole("button", { name: "Upscale", exact: true }).click();
      await outcome(page, page.getByRole("heading", { name: /^Upscaled: 1 image/ }), 60_000);
      await expect
        .poll(() => picker.locator("option").allTextContents())
        .toContainEqual(expect.stringMatching(/^Upscaled 64×48, /));
      await assertReachable(item.getByRole("button", { name: "Delete" }), "an image's Delete");
      if (width === "desktop") await shot(page, "dashboard-studio");
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("the dashboard's overview, for the README", async () => {
    const { app, browser } = ctx;
    const c = await agencyCustomer(app);
    const { context, page, errors } = await signedIn(browser, app.url, c.license.key);
    await page.locator(".chart").first().or(page.getByText("No usage yet")).first().waitFor();
    await shot(page, "dashboard-overview");
    expect(errors).toEqual([]);
    await context.close();
  });
});
