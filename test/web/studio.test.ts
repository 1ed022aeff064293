import type { Browser } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiFake } from "../images/providers/fakes/openai.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { makePdf } from "../support/pdf.js";
import { DESKTOP, launchBrowser, overflowsHorizontally, PHONE, waitForText } from "./support/browser.js";
import { ensureWebBuild } from "./support/build.js";
import { balanceShown, nav, outcome, progressSeen, recordProgress, signedIn } from "./support/dashboard.js";

const VIEWPORTS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

describe("the customer dashboard: knowledge bases, image studio and deleting data", () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    app = await startTestApp("sqlite", {
      // Every upload becomes a background job, so the page has to poll the document until it is ready.
      KNOWLEDGE_INLINE_MAX_CHUNKS: "0",
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("uploads a PDF behind a progress bar, watches it become ready, searches it and cites the page", async () => {
    const reader = await newCustomer(app);
    await grant(app, reader.accountId, 100);
    const { context, page, errors } = await signedIn(browser, app.url, reader.licenseKey);
    await nav(page, "Knowledge bases");
    await page.getByLabel("New knowledge base").fill("Field notes");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Field notes", level: 1 }).waitFor();

    const pdf = await makePdf([
      "Expedition logistics. Tents, water filters and satellite phones are packed in the blue crates.",
      "Zebra migration across the Serengeti follows the rains northwards from December to July every year.",
    ]);
    await page
      .getByLabel("Upload a file")
      .setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: pdf });
    // Over loopback the body is sent in one go, so what can be seen is the bar appearing, then the server's turn.
    await recordProgress(page);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const row = page.locator('tr[data-document="notes.pdf"]');
    await outcome(page, row.and(page.locator('[data-status="ready"]')), 60_000);
    const seen = await progressSeen(page);
    expect(seen.some((t) => /^Uploading \d{1,2}%$/.test(t))).toBe(true);
    expect(seen).toContain("Processing…");
    const cells = await row.locator("td").allTextContents();
    expect(cells[1]).toBe("2"); // pages
    const tokens = Number(cells[2]!.replace(/,/g, ""));
    expect(tokens).toBeGreaterThan(20);
    // A cost reads rounded up to a tenth of a credit; the exact amount is in the cell's title.
    expect(Number(cells[3])).toBe(Math.ceil(tokens / 100) / 10);
    expect(await row.locator("td").nth(3).getAttribute("title")).toBe(`${tokens / 1000} credits`);

    await page.getByLabel("Question or keywords").fill("zebra migration");
    await page.getByLabel("Mode").selectOption("keyword");
    await page.getByRole("button", { name: "Search" }).click();
    const first = page.locator(".result").first();
    await first.waitFor();
    await waitForText(first.locator(".result__source"), /^notes\.pdf, page 2 · score/);
    await waitForText(first.locator(".result__text"), "Zebra migration", { contains: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the image studio loads at both widths, upscales an uploaded image ×2 and edits it with a painted mask", async () => {
    const artist = await newCustomer(app);
    await grant(app, artist.accountId, 100);
    for (const [, viewport] of VIEWPORTS) {
      const { context, page, errors } = await signedIn(browser, app.url, artist.licenseKey, viewport);
      await nav(page, "Image studio");
      await page.getByRole("heading", { name: "Image studio", level: 1 }).waitFor();
      // Without a generation provider the studio offers what it can do, and no prompt box.
      await outcome(page, page.getByTestId("studio-offer"));
      await waitForText(page.getByTestId("studio-offer"), "Here you can upscale images and remove objects from them.");
      await page.getByRole("tab", { name: "Upscale" }).waitFor();
      expect(await page.getByRole("tab", { name: "Generate" }).count()).toBe(0);
      expect(await page.getByLabel("Prompt", { exact: true }).count()).toBe(0);
      expect(await overflowsHorizontally(page)).toBe(false);
      expect(errors).toEqual([]);
      await context.close();
    }

    const { context, page, errors } = await signedIn(browser, app.url, artist.licenseKey);
    await nav(page, "Image studio");
    await page.getByRole("tab", { name: "Upscale" }).click();
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    await page
      .getByLabel("Or a file from this device")
      .setInputFiles({ name: "tile.png", mimeType: "image/png", buffer: png });
    await page.getByText("tile.png, 32×24").waitFor();
    await page.getByLabel("Method").selectOption("fast");
    await page.getByText("Costs 10 credits.").waitFor();
    await page.getByRole("button", { name: "Upscale", exact: true }).click();
    await outcome(page, page.getByRole("heading", { name: /^Upscaled: 1 image/ }), 60_000);
    await expect.poll(() => page.getByTestId("image-size").allTextContents(), { timeout: 10_000 }).toContain("64×48");
    expect((await app.api("GET", "/v1/balance", { token: artist.licenseKey })).body.credits).toBe(90);

    // Edit the upscaled image: paint a mask over part of it and remove what is there.
    const upscaled = page.locator(".gallery__item", { has: page.getByText("64×48") }).first();
    await upscaled.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("tab", { name: "Edit", selected: true }).waitFor();
    expect(await page.locator('#edit-mode option[value="inpaint"]').isDisabled()).toBe(true);
    expect(await page.getByLabel("Kind of edit").inputValue()).toBe("remove");
    const apply = page.getByRole("button", { name: "Apply edit" });
    expect(await apply.isDisabled()).toBe(true); // no mask yet
    const canvas = page.getByLabel("Mask: paint over what should change");
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    await page.getByText("Painted areas will be edited.").waitFor();
    await apply.click();
    await outcome(page, page.getByRole("heading", { name: /^Edited: 1 image/ }), 60_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("generates images with a hosted provider (OpenAI's wire format, served by a local fake), with progress", async () => {
    const openai = await OpenAiFake.start();
    const hosted = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: `${openai.server.url}/v1`,
    });
    try {
      const painter = await newCustomer(hosted);
      await grant(hosted, painter.accountId, 100);
      const { context, page, errors } = await signedIn(browser, hosted.url, painter.licenseKey, PHONE);
      await nav(page, "Image studio");
      await page.getByRole("tab", { name: "Generate", selected: true }).waitFor();
      await page.getByLabel("Prompt", { exact: true }).fill("A lighthouse at dusk, watercolour");
      await page.getByLabel("Quality").selectOption("fast");
      await page.getByLabel("Images", { exact: true }).selectOption("2");
      await page.getByText("Costs 20 credits; failed or filtered images are free.").waitFor();
      await recordProgress(page);
      await page.getByRole("button", { name: "Generate", exact: true }).click();
      await outcome(page, page.getByRole("heading", { name: "Generated: 2 images, 20 credits" }), 60_000);
      expect((await progressSeen(page)).some((t) => /^Generating… \d+ s$/.test(t))).toBe(true);
      await expect.poll(() => page.locator(".gallery .gallery__item").count()).toBe(2);
      expect((await hosted.api("GET", "/v1/balance", { token: painter.licenseKey })).body.credits).toBe(80);
      await expect.poll(() => balanceShown(page)).toBe("80");
      expect(openai.server.violations).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await hosted.close();
      await openai.server.close();
    }
  });

  it("deletes all data after a typed confirmation and shows the receipt", async () => {
    const leaver = await newCustomer(app);
    await grant(app, leaver.accountId, 10);
    const kb = await app.api("POST", "/v1/knowledge-bases", { token: leaver.licenseKey, body: { name: "Old notes" } });
    expect(kb.status).toBe(201);
    const doc = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
      token: leaver.licenseKey,
      body: { text: "Minutes of the meeting about the roof repairs.", name: "minutes.txt" },
    });
    expect(doc.status).toBe(202); // queued: every upload is a background job in this app
    const { context, page, errors } = await signedIn(browser, app.url, leaver.licenseKey);
    await nav(page, "Delete data");
    const button = page.getByRole("button", { name: "Delete everything" });
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel("Type delete all my data to confirm").fill("delete all my data");
    await button.click();
    const receipt = page.getByTestId("deletion-receipt");
    await outcome(page, receipt);
    // In words, without internal counters (passages, stored replies, jobs) or a raw timestamp.
    await waitForText(
      receipt,
      /Deleted 1 knowledge base and 1 document \(.+ stored\), permanently, on \w{3} \d+, \d{4}.+\. Nothing was charged\./,
    );
    expect(await receipt.textContent()).not.toMatch(/chunks|replies|jobs|\d{4}-\d{2}-\d{2}T/i);
    const left = await app.api("GET", "/v1/knowledge-bases", { token: leaver.licenseKey });
    expect(left.body.data).toEqual([]);
    // The ledger and the balance stay.
    const ledger = await app.api("GET", "/v1/ledger", { token: leaver.licenseKey });
    expect(ledger.body.data.map((e: { type: string }) => e.type)).toContain("grant");
    expect((await app.api("GET", "/v1/balance", { token: leaver.licenseKey })).body.credits).toBeGreaterThan(9);
    expect(errors).toEqual([]);
    await context.close();
  });
});
