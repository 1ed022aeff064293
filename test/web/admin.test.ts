import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startTestApp, type TestApp } from "../support/app.js";
import { DESKTOP, launchBrowser, overflowsHorizontally, PHONE, waitForText, watchErrors } from "./support/browser.js";
import { ensureWebBuild } from "./support/build.js";

describe("the operator pages", () => {
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

  async function operator(viewport = DESKTOP) {
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

  const nav = (page: Page, name: string) =>
    page.getByRole("navigation", { name: "Operator" }).getByRole("link", { name, exact: true }).click();

  it("refuses a wrong admin token with the problem's detail", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${app.url}/admin`);
    await page.getByLabel("Admin token").fill("certainly-not-the-admin-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitForText(page.getByRole("alert"), "this is not the operator's ADMIN_TOKEN");
    await context.close();
  });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`every operator page loads without script errors and fits the screen (${width})`, async () => {
      const { context, page, errors } = await operator(viewport);
      await page.locator(".chart").first().waitFor();
      await expect.poll(() => page.locator(".chart").count()).toBe(2);
      for (const [link, heading] of [
        ["Licences", "Licences"],
        ["Accounts", "Accounts"],
        ["Revenue & usage", "Revenue and usage"],
      ] as const) {
        await nav(page, link);
        await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
        expect(await overflowsHorizontally(page), `${link} is wider than the screen`).toBe(false);
      }
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("Admin token").waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("issues a licence (key shown once), grants and adjusts credits, and revokes and reactivates the licence", async () => {
    const { context, page, errors } = await operator();
    await nav(page, "Licences");
    await page.getByLabel("Customer email").fill("studio@example.com");
    await page.getByLabel("Plan").selectOption("agency");
    await page.getByRole("button", { name: "Issue licence" }).click();
    const key = (await page.getByTestId("secret").textContent())!;
    expect(key).toMatch(/^lk_/);
    const who = await app.api("POST", "/v1/sessions", { body: { key } });
    expect(who.body).toMatchObject({ email: "studio@example.com", plan: "agency", licenseStatus: "active" });
    const licenseId = who.body.licenseId;

    await page.getByRole("link", { name: "Open the account" }).click();
    await page.getByRole("heading", { name: "studio@example.com", level: 1 }).waitFor();
    await waitForText(page.getByTestId("account-credits"), "0");
    await page.getByLabel("Credits").fill("250");
    await page.getByLabel("Reason").fill("Welcome gift");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("+250 credits applied; the account now has 250 credits available.").waitFor();
    await waitForText(page.getByTestId("account-credits"), "250");
    expect((await app.api("GET", "/v1/balance", { token: key })).body).toEqual({ credits: 250, reservedCredits: 0 });

    // An adjustment below zero is refused, and the page says why.
    await page.getByLabel("Credits").fill("-300");
    await page.getByLabel("Reason").fill("Too much");
    await page.getByRole("button", { name: "Apply" }).click();
    await waitForText(page.getByRole("alert"), /credits/);
    await page.getByLabel("Credits").fill("-50");
    await page.getByLabel("Reason").fill("Correction");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("−50 credits applied; the account now has 200 credits available.").waitFor();
    expect((await app.api("GET", "/v1/balance", { token: key })).body.credits).toBe(200);

    const row = page.locator(`tr[data-license="${licenseId}"]`);
    await row.getByRole("button", { name: /^Revoke/ }).click();
    await row.getByText("revoked", { exact: true }).waitFor();
    expect((await app.admin("GET", `/v1/admin/licenses/${licenseId}`)).body.status).toBe("revoked");
    await row.getByRole("button", { name: /^Reactivate/ }).click();
    await row.getByText("active", { exact: true }).waitFor();
    await row.getByRole("button", { name: /^Expire/ }).click();
    await row.getByText("expired", { exact: true }).waitFor();
    expect((await app.admin("GET", `/v1/admin/licenses/${licenseId}`)).body.status).toBe("expired");

    await nav(page, "Accounts");
    await page.getByLabel("Email").fill("studio@example.com");
    await page.getByRole("button", { name: "Find" }).click();
    await expect
      .poll(() => page.locator("tbody tr").allTextContents())
      .toEqual([expect.stringContaining("studio@example.com")]);

    await nav(page, "Revenue & usage");
    await page.getByText("Active licences").waitFor();
    // The refused adjustment's 402 is logged by the browser as a failed request; nothing else may be.
    expect(errors.filter((e) => !/status of 402 .*\/grants\)$/.test(e))).toEqual([]);
    expect(errors).toHaveLength(1);
    await context.close();
  });

  it("lists licences and accounts 50 at a time: each “Load more” adds the next page below, once each", async () => {
    const emails = Array.from({ length: 105 }, (_, i) => `paged-${String(i).padStart(3, "0")}@example.com`);
    for (const email of emails)
      expect((await app.admin("POST", "/v1/admin/licenses", { email, plan: "personal" })).status).toBe(201);
    const { context, page, errors } = await operator();
    const paged = (table: string) =>
      page
        .locator(`${table} tbody tr`)
        .allTextContents()
        .then((rows) => rows.flatMap((r) => emails.filter((e) => r.includes(e))));

    await nav(page, "Licences");
    await expect.poll(() => page.locator("table.licenses tbody tr").count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => page.locator("table.licenses tbody tr").count()).toBe(100);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => paged("table.licenses").then((shown) => shown.sort())).toEqual(emails);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);

    await nav(page, "Accounts");
    await expect.poll(() => page.locator("tbody tr").count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(100);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => paged("table").then((shown) => shown.sort())).toEqual(emails);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
