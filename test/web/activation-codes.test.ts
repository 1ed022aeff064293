import { describe, expect, it } from "vitest";
import { newCustomer } from "../support/app.js";
import { overflowsHorizontally, PHONE, waitForText } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

describe("the dashboard's activation codes", () => {
  const ctx = browserApp();

  it("the owner creates a one-time code shown once, sees it used, and revokes another (on a phone)", async () => {
    const { app, browser } = ctx;
    const c = await newCustomer(app, "agency");
    const { context, page, errors } = await signedIn(browser, app.url, c.licenseKey, PHONE);
    await nav(page, "API keys");
    await page.getByRole("heading", { name: "Activation codes", level: 2 }).waitFor();
    await page.getByText("No activation codes yet.").waitFor();
    await page.getByLabel("Site address (optional)").fill("https://client.example");
    await page.getByRole("button", { name: "Create code" }).click();
    const code = (await page.getByTestId("secret").textContent())!;
    expect(code).toMatch(/^ac_/);
    const codes = page.getByRole("list", { name: "Activation codes" });
    await waitForText(codes.locator(".list__item").first(), /https:\/\/client\.example.*active/);
    expect(await overflowsHorizontally(page)).toBe(false);

    const used = await app.api("POST", "/v1/activations", { body: { code, siteUrl: "https://client.example" } });
    expect(used.status).toBe(201);
    await page.reload();
    await waitForText(codes.locator(".list__item").first(), /used/);
    expect(await codes.getByRole("button").count()).toBe(0);

    await page.getByLabel("Valid for").selectOption("1");
    await page.getByRole("button", { name: "Create code" }).click();
    const second = (await page.getByTestId("secret").textContent())!;
    expect(second).not.toBe(code);
    await page.getByRole("button", { name: "Revoke the code for any site" }).click();
    await waitForText(codes.locator(".list__item").first(), /Any site.*revoked/);
    const refused = await app.api("POST", "/v1/activations", { body: { code: second, siteUrl: "https://b.example" } });
    expect(refused.body.reason).toBe("revoked");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a session signed in with a site's key has no activation codes section", async () => {
    const { app, browser } = ctx;
    const c = await newCustomer(app, "agency");
    const { context, page } = await signedIn(browser, app.url, c.apiKey, PHONE);
    await nav(page, "API keys");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Create key" }).waitFor();
    expect(await page.getByRole("heading", { name: "Activation codes" }).count()).toBe(0);
    await context.close();
  });
});
