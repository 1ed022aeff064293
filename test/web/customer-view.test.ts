import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { grant, newCustomer, type TestApp, type TestCustomer } from "../support/app.js";
import { makePdf } from "../support/pdf.js";
import { DESKTOP, overflowsHorizontally, PHONE, waitForText, watchErrors } from "./support/browser.js";
import { browserApp } from "./support/browser-app.js";
import { balanceShown, nav, signedIn } from "./support/dashboard.js";

const VIEWPORTS = [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const;

const sentence = (i: number) =>
  `Paragraph ${i} explains how the handbook treats topic number ${i}: renewals, invoices and the support desk.`;

/** A knowledge base with one indexed document, searched once: the ledger then has a grant, an indexing and a search. */
async function indexedAndSearched(app: TestApp, c: TestCustomer, names: { kb: string; doc: string }) {
  const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.licenseKey, body: { name: names.kb } });
  const pdf = await makePdf([0, 1, 2].map((p) => Array.from({ length: 12 }, (_, i) => sentence(p * 12 + i)).join(" ")));
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), names.doc);
  const added = await fetch(`${app.url}/v1/knowledge-bases/${kb.body.id}/documents`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.licenseKey}` },
    body: form,
  });
  const doc = (await added.json()) as { id: string };
  const path = `/v1/knowledge-bases/${kb.body.id}/documents/${doc.id}`;
  await expect
    .poll(async () => (await app.api("GET", path, { token: c.licenseKey })).body.status, { timeout: 60_000 })
    .toBe("ready");
  const search = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
    token: c.licenseKey,
    body: { query: "renewals and invoices", mode: "keyword" },
  });
  expect(search.status).toBe(200);
  return {
    kbId: kb.body.id as string,
    docId: doc.id,
    path,
    doc: (await app.api("GET", path, { token: c.licenseKey })).body,
  };
}

const rowTexts = (page: Page) => page.locator("table.ledger .ledger__description").allTextContents();

describe("the customer's view: the ledger in words, errors beside their cause, focus, numbers", () => {
  const t = browserApp({ KNOWLEDGE_INLINE_MAX_CHUNKS: "0" });

  for (const [width, viewport] of VIEWPORTS) {
    it(`a signed-out load logs nothing; signing in moves focus to the heading; no usage says so (${width})`, async () => {
      const c = await newCustomer(t.app);
      // signedIn() opens the signed-out page first: its session probe must not log an error.
      const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      await expect
        .poll(() => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`))
        .toBe("H1 Overview");
      await waitForText(page.getByTestId("usage-empty"), "No usage yet", { contains: true });
      await waitForText(page.getByTestId("reserved"), "0");
      expect(await page.locator(".uplot").count()).toBe(0);
      // A link of the navigation moves focus to the new view's heading too.
      await nav(page, "Ledger");
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Ledger");
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`the ledger shows one row per operation in words, holds folded, names looked up (${width})`, async () => {
      const c = await newCustomer(t.app);
      await grant(t.app, c.accountId, 100);
      const { path, doc } = await indexedAndSearched(t.app, c, { kb: "Handbook", doc: "handbook.pdf" });
      const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      await nav(page, "Ledger");
      await page.locator("table.ledger tbody tr").first().waitFor();
      const tokens = (doc.tokens as number).toLocaleString("en-US");
      expect(await rowTexts(page)).toEqual([
        "Searched Handbook",
        `Indexed handbook.pdf — 3 pages, ${tokens} tokens`,
        "Granted by the operator",
      ]);
      const types = await page.$$eval("table.ledger tbody tr", (rows) => rows.map((r) => r.getAttribute("data-type")));
      expect(types).toEqual(["usage", "usage", "grant"]);
      // Costs rounded up to a tenth, balances down: the newest row's balance is the header's.
      const first = page.locator("table.ledger tbody tr").first();
      await waitForText(first.locator(".ledger__credits"), "−1", { contains: true });
      const indexing = page.locator("table.ledger tbody tr").nth(1);
      const charged = doc.credits as number;
      await waitForText(indexing.locator(".ledger__credits"), `−${(Math.ceil(charged * 10 - 1e-9) / 10).toString()}`, {
        contains: true,
      });
      expect((await first.locator(".ledger__after").textContent())!.replace("Balance after ", "")).toBe(
        await balanceShown(page),
      );
      // Each date on one line.
      for (const cell of await page.locator(".ledger__date").all()) {
        const lines = await cell.evaluate((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
        });
        expect(lines).toBe(1);
      }
      // The details hold the exact amounts: the hold and the charge, to the millicredit.
      await indexing.getByText("Details").click();
      const details = (await indexing.locator(".ledger__details").textContent())!;
      expect(details).toContain("Reservation");
      expect(details).toContain(`${Math.round(charged * 1000).toLocaleString("en-US")} millicredits`);
      expect(await overflowsHorizontally(page)).toBe(false);

      // The API still lists every entry, holds included, and they sum to the balance.
      const ledger = (await t.app.api("GET", "/v1/ledger?limit=200", { token: c.licenseKey })).body.data as {
        type: string;
        credits: number;
      }[];
      expect(ledger.map((e) => e.type)).toEqual(["usage", "hold", "usage", "hold", "grant"]);
      const balance = (await t.app.api("GET", "/v1/balance", { token: c.licenseKey })).body;
      const sum = ledger.reduce((s, e) => s + Math.round(e.credits * 1000), 0);
      expect(sum).toBe(Math.round((balance.credits + balance.reservedCredits) * 1000));

      // Once the document is deleted its name is gone everywhere, the ledger included.
      expect((await t.app.api("DELETE", path, { token: c.licenseKey })).status).toBe(200);
      await page.reload();
      await page.locator("table.ledger tbody tr").first().waitFor();
      expect((await rowTexts(page))[1]).toBe(`Indexed a deleted document — 3 pages, ${tokens} tokens`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("an operation still running shows what it reserves, folded into one row; once released it cost nothing", async () => {
    const c = await newCustomer(t.app);
    await grant(t.app, c.accountId, 50);
    // An image generation in flight: its hold is open (the real metering, as the image service reserves).
    const { hold } = await t.app.running.ctx.metering.reserve({
      accountId: c.accountId,
      maxMc: 17_729,
      operation: "images.generate",
    });
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, PHONE);
    await nav(page, "Ledger");
    const first = page.locator("table.ledger tbody tr").first();
    await waitForText(first.locator(".ledger__description"), "Image generation — credits reserved until it completes");
    await waitForText(first.getByTestId("ledger-reserving"), "reserving ~17.8");
    // The header shows what can be spent: the reservation is not, so the row's balance agrees with it.
    expect(await balanceShown(page)).toBe("32");
    expect((await first.locator(".ledger__after").textContent())!.replace("Balance after ", "")).toBe("32");

    await t.app.running.ctx.metering.release(hold, "the provider refused");
    await page.reload();
    await waitForText(first.locator(".ledger__description"), "Image generation did not complete — nothing charged");
    await waitForText(first.locator(".ledger__credits"), "0", { contains: true });
    expect(await page.locator("table.ledger tbody tr").count()).toBe(2);
    await waitForText(page.getByTestId("header-balance"), "50");
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the ledger reads 50 entries at a time: each “Load more” adds the older ones below, once each", async () => {
    const c = await newCustomer(t.app);
    for (let i = 1; i <= 105; i++) await grant(t.app, c.accountId, i);
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey);
    await nav(page, "Ledger");
    const rows = page.locator("table.ledger tbody tr");
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows.count()).toBe(105);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    // Every grant leaves a different balance: 105 different rows, the oldest (the first credit) last.
    const after = await page.locator("table.ledger tbody tr .ledger__after").allTextContents();
    expect(new Set(after).size).toBe(105);
    expect(after.at(-1)).toMatch(/after\s*1$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the usage table names features; the CSV keeps its machine columns and adds human ones", async () => {
    const c = await newCustomer(t.app);
    await grant(t.app, c.accountId, 100);
    await indexedAndSearched(t.app, c, { kb: "Manuals", doc: "manual.pdf" });
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey);
    const table = page.locator("table", { has: page.getByText("Credits used per feature") });
    await expect
      .poll(() => table.locator("tbody th").allTextContents())
      .toEqual(expect.arrayContaining(["Document indexing", "Knowledge base search"]));
    expect(await table.textContent()).not.toContain("training.");

    await nav(page, "Ledger");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const lines = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(lines[0]!.split(",").slice(0, 4)).toEqual(["id", "created_at", "type", "credits"]);
    expect(lines[0]!.split(",").slice(-3)).toEqual(["date", "description", "feature"]);
    expect(lines[1]).toMatch(/,\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC,Searched Manuals,Knowledge base search$/);
    expect(lines.some((l) => l.includes(",hold,") && l.includes("Indexing manual.pdf"))).toBe(true);
    expect(lines).toHaveLength(6);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const [width, viewport] of VIEWPORTS) {
    it(`uploading keeps focus on a live status, shows the reservation, and says when a file is already indexed (${width})`, async () => {
      const c = await newCustomer(t.app);
      await grant(t.app, c.accountId, 500);
      const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      await nav(page, "Knowledge bases");
      await page.getByLabel("New knowledge base").fill("Guides");
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByRole("heading", { name: "Guides", level: 1 }).waitFor();
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { reserving: string[] }).reserving = seen;
        new MutationObserver(() => {
          for (const el of Array.from(document.querySelectorAll("[data-testid=doc-reserving]")))
            seen.push(el.textContent ?? "");
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      // Long enough to be indexed in the background for a while (the embedding runs on this machine's CPU).
      const text = Array.from({ length: 400 }, (_, i) => sentence(i)).join("\n");
      const file = { name: "guide.txt", mimeType: "text/plain", buffer: Buffer.from(text) };
      await page.getByLabel("Upload a file").setInputFiles(file);
      await page.getByRole("button", { name: "Upload", exact: true }).focus();
      await page.keyboard.press("Enter");
      const status = page.getByTestId("status-file");
      await waitForText(status, /^Added “guide\.txt”: indexing in the background/);
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("status-file");
      expect(await status.getAttribute("role")).toBe("status");
      await page.locator('tr[data-document="guide.txt"][data-status="ready"]').waitFor({ timeout: 90_000 });
      const docs = (await t.app.api("GET", "/v1/knowledge-bases", { token: c.licenseKey })).body.data;
      const listed = await t.app.api("GET", `/v1/knowledge-bases/${docs[0].id}/documents`, { token: c.licenseKey });
      const tokens = listed.body.data[0].tokens as number;
      // Its completion is announced in a live status, with what it cost.
      await waitForText(page.getByTestId("documents-status"), /^“guide\.txt” is indexed — [\d.]+ credits\.$/);
      const seen = await page.evaluate(() => (window as unknown as { reserving: string[] }).reserving);
      expect(seen).toContain(`reserving ~${(Math.ceil(tokens / 100 - 1e-9) / 10).toLocaleString("en-US")}`);

      // The same file again: deduplicated, free, and the page says so.
      const before = (await t.app.api("GET", "/v1/balance", { token: c.licenseKey })).body.credits;
      await page.getByLabel("Upload a file").setInputFiles(file);
      await page.getByRole("button", { name: "Upload", exact: true }).click();
      await waitForText(status, /^Already indexed — nothing charged\./);
      expect((await t.app.api("GET", "/v1/balance", { token: c.licenseKey })).body.credits).toBe(before);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`too few credits: the error is under the upload, in view, with what is missing and a Buy link; a later success clears it (${width})`, async () => {
      const c = await newCustomer(t.app);
      const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, viewport);
      await nav(page, "Knowledge bases");
      await page.getByLabel("New knowledge base").fill("Notes");
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByRole("heading", { name: "Notes", level: 1 }).waitFor();
      const upload = page.locator("form", { has: page.getByLabel("Upload a file") });
      const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join("\n");
      await page.getByLabel("Upload a file").setInputFiles({
        name: "notes.txt",
        mimeType: "text/plain",
        buffer: Buffer.from(text),
      });
      await upload.getByRole("button", { name: "Upload", exact: true }).click();
      const alert = upload.getByRole("alert");
      await waitForText(alert, /needs [\d.]+ credits; the balance has 0 credits/);
      await expect
        .poll(() => alert.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight + 1))
        .toBe(true);
      await waitForText(alert.getByTestId("credits-missing"), / more needed\.$/);
      expect(await alert.getByRole("link", { name: "Buy credits" }).getAttribute("href")).toBe("/dashboard/buy");

      await grant(t.app, c.accountId, 100);
      await page.getByLabel("Upload a file").setInputFiles({
        name: "notes.txt",
        mimeType: "text/plain",
        buffer: Buffer.from(text),
      });
      await upload.getByRole("button", { name: "Upload", exact: true }).click();
      await waitForText(page.getByTestId("status-file"), /^Added “notes\.txt”/);
      expect(await upload.getByRole("alert").count()).toBe(0);
      // The refused upload's 402 is the one failed request this test causes on purpose.
      expect(errors.filter((e) => !/status of 402 .*\/documents\)$/.test(e))).toEqual([]);
      expect(errors).toHaveLength(1);
      await context.close();
    });
  }

  it("an error shows in the item that caused it, in view on a phone, and a later success clears it", async () => {
    const c = await newCustomer(t.app);
    await t.app.api("POST", "/v1/knowledge-bases", { token: c.licenseKey, body: { name: "Shared FAQ" } });
    await t.app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Site notes" } });
    // A site's key may not delete what the whole account shares: refused (403), next to that knowledge base.
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.apiKey, PHONE);
    await nav(page, "Knowledge bases");
    const shared = page.locator(".list__item", { hasText: "Shared FAQ" });
    await shared.getByRole("button", { name: "Delete Shared FAQ" }).click();
    const alert = shared.getByRole("alert");
    await alert.waitFor();
    await expect
      .poll(() => alert.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight + 1))
      .toBe(true);
    expect(await page.locator(".list__item", { hasText: "Site notes" }).getByRole("alert").count()).toBe(0);

    await page.getByRole("button", { name: "Delete Site notes" }).click();
    await waitForText(page.getByTestId("receipt-text"), /^Deleted 1 knowledge base, permanently/);
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(errors.filter((e) => !/status of 403 .*\/knowledge-bases\/kb_\w+\)$/.test(e))).toEqual([]);
    expect(errors).toHaveLength(1);
    await context.close();
  });

  it("deletes a document with a receipt in words, a search shows whole passages, and the knowledge base deletes from its page", async () => {
    const c = await newCustomer(t.app);
    await grant(t.app, c.accountId, 100);
    const fresh = await t.browser.newContext({ viewport: PHONE });
    const probe = await fresh.newPage();
    const probeErrors = watchErrors(probe);
    await probe.goto(`${t.app.url}/dashboard`);
    await probe.getByLabel("Licence key or API key").waitFor();
    expect(probeErrors).toEqual([]);
    await fresh.close();

    const { kbId } = await indexedAndSearched(t.app, c, { kb: "Library", doc: "library.pdf" });
    const { context, page, errors } = await signedIn(t.browser, t.app.url, c.licenseKey, PHONE);
    await page.goto(`${t.app.url}/dashboard/knowledge/${kbId}`);
    await page.getByLabel("Question or keywords").fill("renewals invoices support desk");
    await page.getByLabel("Mode").selectOption("keyword");
    // By keyboard: the Search button keeps focus while it works (it is never disabled under the user's hands).
    await page.getByRole("button", { name: "Search" }).focus();
    await page.keyboard.press("Enter");
    const passage = page.locator(".result__text").first();
    await passage.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Search");
    // No scroll box cutting a line in half: a long passage shows whole lines (its height a whole number of lines),
    // and opens in full.
    const box = await passage.evaluate((el) => {
      const style = getComputedStyle(el);
      const inner = el.clientHeight - Number.parseFloat(style.paddingTop) - Number.parseFloat(style.paddingBottom);
      return { overflow: style.overflowY, lines: inner / Number.parseFloat(style.lineHeight) };
    });
    expect(box.overflow).not.toBe("auto");
    expect(Math.abs(box.lines - Math.round(box.lines))).toBeLessThan(0.05);
    await page.getByRole("button", { name: "Show the whole passage" }).first().click();
    expect(await passage.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);

    await page.getByRole("button", { name: "Delete library.pdf" }).click();
    await waitForText(
      page.getByTestId("receipt-text"),
      /^Deleted 1 document \(.+ stored\), permanently, on \w{3} \d+, \d{4}.*\. Nothing was charged\.$/,
    );
    expect(await overflowsHorizontally(page)).toBe(false);

    // Deleting the knowledge base from its own page goes back to the list, where it no longer is.
    await page.getByRole("button", { name: "Delete knowledge base" }).click();
    await page.getByRole("heading", { name: "Knowledge bases", level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe("/dashboard/knowledge");
    await expect
      .poll(async () => (await t.app.api("GET", "/v1/knowledge-bases", { token: c.licenseKey })).body.data.length)
      .toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
