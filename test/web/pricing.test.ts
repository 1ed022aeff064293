import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pricing } from "../../src/credits/pricing.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { tempDir } from "../support/db.js";
import { DESKTOP, launchBrowser, overflowsHorizontally, PHONE, waitForText, watchErrors } from "./support/browser.js";
import { ensureWebBuild } from "./support/build.js";

// Numbers chosen so that nothing on the page could come from the default pricing.
const CUSTOM: Pricing = {
  currency: "usd",
  creditsPerDollar: 120,
  minTopUpCents: 500,
  maxTopUpCents: 100_000,
  packs: [
    { id: "huge", name: "Huge", priceCents: 4900, credits: 7350, bonusCredits: 1470 },
    { id: "tiny", name: "Tiny", priceCents: 700, credits: 840, bonusCredits: 0 },
  ],
  costs: {
    embedMcPerToken: 2,
    queryCredits: 3,
    generate: { fast: 7, standard: 14, ultra: 21 },
    generate2kSurchargePercent: 40,
    edit: { upTo1MP: 11, larger: 33 },
    upscale: { x2: 6, x4: 12 },
  },
};

/** A table as the user reads it: each row's header cell → the row's other cells. */
async function readTable(page: Page, selector: string): Promise<Record<string, string[]>> {
  return page.$eval(selector, (table) => {
    const out: Record<string, string[]> = {};
    for (const row of Array.from((table as HTMLTableElement).tBodies[0]!.rows)) {
      const header = row.querySelector("th")!;
      const cells = Array.from(row.cells).filter((c) => c !== header);
      // biome-ignore lint/performance/useDomNodeTextContent: innerText reads a <br> as the space a reader sees
      const text = (el: HTMLElement) => el.innerText.replace(/\s+/g, " ").trim();
      out[text(header)] = cells.map(text);
    }
    return out;
  });
}

describe("the pricing page", () => {
  let app: TestApp;
  let browser: Browser;
  let configDir: string;

  beforeAll(async () => {
    await ensureWebBuild();
    configDir = tempDir("apic-config-");
    const file = path.join(configDir, "config.json");
    writeFileSync(file, JSON.stringify({ pricing: CUSTOM }));
    app = await startTestApp("sqlite", {
      CONFIG_FILE: file,
      STRIPE_SECRET_KEY: "sk_test_pricing_page",
      // A provider that generates, so generated images are on sale (only its capabilities are read).
      IMAGE_PROVIDER: "stability",
      STABILITY_API_KEY: "sk-test",
      STABILITY_BASE_URL: "http://127.0.0.1:9",
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  for (const [width, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`is rendered by the server from the configured pricing, without JavaScript (${width})`, async () => {
      const context = await browser.newContext({ viewport, javaScriptEnabled: false });
      const page = await context.newPage();
      const errors = watchErrors(page);
      const response = await page.goto(`${app.url}/pricing`);
      expect(response!.status()).toBe(200);
      expect(response!.headers()["content-security-policy"]).toContain("script-src 'self'");

      const packs = await page.$$eval(".pack", (els) =>
        els.map((el) => ({ id: el.getAttribute("data-pack"), text: el.textContent!.replace(/\s+/g, " ").trim() })),
      );
      // Cheapest first, whatever the order in the configuration.
      expect(packs.map((p) => p.id)).toEqual(["tiny", "huge"]);
      expect(packs[0]!.text).toContain("$7 one-time");
      expect(packs[0]!.text).toContain("840 credits");
      expect(packs[0]!.text).toContain("No bonus");
      expect(packs[0]!.text).toContain("$0.0083 per credit");
      expect(packs[1]!.text).toContain("+25% bonus");
      expect(packs[1]!.text).toContain("$49 one-time");
      expect(packs[1]!.text).toContain("7,350 credits (1,470 bonus)");
      expect(packs[1]!.text).toContain("$0.0067 per credit");

      expect(await readTable(page, "table.compare")).toEqual({
        Credits: ["840", "7,350"],
        Bonus: ["—", "+25%"],
        "Cost per credit": ["$0.0083", "$0.0067"],
        "Training tokens": ["420,000", "3,675,000"],
        "Knowledge-base queries": ["280", "2,450"],
        "Images, fast": ["120", "1,050"],
        "Images, standard": ["60", "525"],
        "Images, ultra": ["40", "350"],
        "Upscales ×2": ["140", "1,225"],
      });
      const costs = await readTable(page, "table.costs");
      expect(
        costs[
          "Index documents and websites charged exactly per token of extracted text (o200k_base); chunk overlap is free"
        ],
      ).toEqual(["Training", "1,000 tokens", "2"]);
      expect(costs["Search a knowledge base"]).toEqual(["Training", "query", "3"]);
      expect(costs["Delete documents, knowledge bases or everything"]).toEqual(["Training", "deletion", "Free"]);
      expect(costs["Generate, ultra 2K output adds 40%"]).toEqual(["Images", "image", "21"]);
      expect(costs["Edit (inpaint, remove, outpaint, background)"]).toEqual(["Images", "image up to 1 MP", "11"]);
      expect(costs["Upscale ×4"]).toEqual(["Images", "image", "12"]);

      const faq = await page.locator(".faq").textContent();
      expect(faq).toContain("Credits never expire");
      expect(faq).toContain("One balance pays for knowledge-base training");
      expect(faq).toContain("o200k_base");
      expect(faq).toContain("A 10-page PDF typically costs 10–20 credits");
      expect(faq).toContain("120 credits per dollar from $5");
      expect(await page.locator("#topup-amount").getAttribute("min")).toBe("5");

      expect(await page.getAttribute('.pack[data-pack="huge"] a', "href")).toBe("/dashboard/buy?pack=huge");
      if (width === "phone") {
        // On a phone the comparison is one card per pack, every value in view.
        expect(await page.locator("table.compare").isVisible()).toBe(false);
        const cards = await page.$$eval(".compare-card", (els) =>
          els.map((el) => Array.from(el.querySelectorAll("dd")).map((dd) => dd.textContent)),
        );
        expect(cards).toEqual([
          ["840", "—", "$0.0083", "420,000", "280", "120", "60", "40", "140"],
          ["7,350", "+25%", "$0.0067", "3,675,000", "2,450", "1,050", "525", "350", "1,225"],
        ]);
      }
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("shows a change of prices at once, and is the landing page too", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/`);
    await waitForText(page.locator('.pack[data-pack="tiny"]'), "$7 one-time", { contains: true });

    // What an operator does: PUT /v1/admin/pricing. The page reads the prices in force on every request.
    const put = await app.admin("PUT", "/v1/admin/pricing", {
      ...CUSTOM,
      packs: [{ id: "tiny", name: "Tiny", priceCents: 900, credits: 999, bonusCredits: 0 }],
    });
    expect(put.status).toBe(200);
    try {
      await page.reload();
      const text = await page.locator('.pack[data-pack="tiny"]').textContent();
      expect(text).toContain("$9 one-time");
      expect(text).toContain("999");
      expect(await page.locator('.pack[data-pack="huge"]').count()).toBe(0);
    } finally {
      expect((await app.admin("DELETE", "/v1/admin/pricing")).status).toBe(200);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a buy button leads through sign-in towards the checkout", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}/pricing`);
    await page.click('.pack[data-pack="huge"] a');
    await page.waitForURL(/\/dashboard\/buy\?pack=huge$/);
    // The dashboard is a single-page app: wait for it to render each part, then check the layout.
    await page.getByRole("heading", { name: "Sign in to your dashboard" }).waitFor();
    await page.getByText("Sign in to continue to the secure Stripe checkout").waitFor();
    await page.getByLabel("Licence key or API key").waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
