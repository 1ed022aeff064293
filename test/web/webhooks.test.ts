import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { newCustomer } from "../support/app.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { DESKTOP, overflowsHorizontally, PHONE } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { nav, signedIn } from "./support/dashboard.js";

const ctx = browserApp({ WEBHOOKS_ALLOW_PRIVATE_URLS: "true", WEBHOOKS_RETRY_SCHEDULE: "50ms" });

describe("the Webhooks section of Notifications & limits", () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`adds an endpoint by keyboard, shows the secret once, tests it and sends a delivery again (${width})`, async () => {
      const rx = await startReceiver();
      receivers.push(rx);
      const c = await newCustomer(ctx.app);
      const { context, page, errors } = await signedIn(ctx.browser, ctx.app.url, c.licenseKey, viewport);
      try {
        await nav(page, "Notifications & limits");
        await page.getByRole("heading", { name: "Webhooks", level: 2 }).waitFor();

        // Keyboard only: type the URL, pick one event, submit.
        await page.getByLabel("Endpoint URL").focus();
        await page.keyboard.type(rx.url);
        await page.getByLabel("All events").focus();
        await page.keyboard.press("Space");
        await page.getByLabel("Document ready").focus();
        await page.keyboard.press("Space");
        await page.getByRole("button", { name: "Add endpoint" }).focus();
        await page.keyboard.press("Enter");
        const secret = (await page.getByTestId("secret").textContent())!.trim();
        expect(secret).toMatch(/^whsec_/);
        const card = page.locator("[data-endpoint]");
        await card.getByText("On · Document ready").waitFor();
        expect(await overflowsHorizontally(page), "the page is wider than the screen").toBe(false);

        await card.getByRole("button", { name: "Send test event" }).click();
        const [first] = await rx.waitFor(1);
        expect(new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>)).toMatchObject({
          type: "webhook.test",
        });
        const log = card.getByRole("region", { name: "Delivery log" });
        await log.getByRole("button", { name: "Refresh" }).click();
        await log.getByText("HTTP 200", { exact: false }).waitFor();
        expect(await log.getByRole("row").nth(1).textContent()).toContain("Delivered");
        expect(await overflowsHorizontally(page), "the log is wider than the screen").toBe(false);

        await log.getByRole("button", { name: /Send again/ }).click();
        const [, second] = await rx.waitFor(2);
        expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
        await page
          .getByRole("status")
          .filter({ hasText: "Sending the webhook.test event again." })
          .waitFor({ state: "attached" });

        await card.getByRole("button", { name: "Turn off" }).click();
        await card.getByText("Off · Document ready").waitFor();
        await card.getByRole("button", { name: /Delete/ }).click();
        await page.getByText("No endpoints yet.").waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("a site's key sees that only the owner manages webhooks", async () => {
    const c = await newCustomer(ctx.app);
    const { context, page } = await signedIn(ctx.browser, ctx.app.url, c.apiKey);
    try {
      await nav(page, "Notifications & limits");
      await page.getByText("Only the account owner can see and change webhooks.").waitFor();
      expect(await page.getByLabel("Endpoint URL").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
