import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { priceCatalogue } from "../../src/credits/catalogue.js";
import { DEFAULT_PRICING, packPurchase, topUpPurchase } from "../../src/credits/pricing.js";
import { editImageMc, generateImageMc, type QuoteRequest, quote } from "../../src/credits/quotes.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";

describe("pricing arithmetic", () => {
  it("packs deliver their credits with the bonus as its own part", () => {
    expect(packPurchase(DEFAULT_PRICING, "credits-2750")).toEqual({
      amountCents: 2500,
      baseMc: 2_500_000,
      bonusMc: 250_000,
      packId: "credits-2750",
    });
    expect(packPurchase(DEFAULT_PRICING, "credits-13000")).toMatchObject({ baseMc: 10_000_000, bonusMc: 3_000_000 });
    expect(packPurchase(DEFAULT_PRICING, "nope")).toBeUndefined();
  });

  it("a top-up earns the bonus of the largest pack its amount reaches", () => {
    const credits = (cents: number) => {
      const p = topUpPurchase(DEFAULT_PRICING, cents);
      return [(p.baseMc + p.bonusMc) / 1000, p.bonusMc / 1000];
    };
    expect(credits(100)).toEqual([100, 0]);
    expect(credits(2499)).toEqual([2499, 0]);
    expect(credits(2500)).toEqual([2750, 250]);
    expect(credits(6000)).toEqual([7200, 1200]);
    expect(credits(12345)).toEqual([16048.5, 3703.5]);
    expect(credits(101)).toEqual([101, 0]);
  });

  it("operation costs follow the table", () => {
    expect(generateImageMc(DEFAULT_PRICING, "fast")).toBe(10_000);
    expect(generateImageMc(DEFAULT_PRICING, "ultra", "2K")).toBe(45_000);
    expect(editImageMc(DEFAULT_PRICING, { width: 1024, height: 1024 })).toBe(15_000);
    expect(editImageMc(DEFAULT_PRICING, { width: 1025, height: 1024 })).toBe(40_000);
    expect(editImageMc(DEFAULT_PRICING, { width: 512, height: 512, quality: "ultra" })).toBe(40_000);
    const q = quote(DEFAULT_PRICING, { operation: "training.embed", text: "hello world" }, (t) => t.split(" ").length);
    expect(q).toEqual({ operation: "training.embed", mc: 2, quantity: { tokens: 2 } });
  });
});

describe("the price catalogue", () => {
  it("lists exactly what is charged, fractional prices included, with the 2K surcharge as its own field", () => {
    const pricing = structuredClone(DEFAULT_PRICING);
    pricing.costs.generate = { fast: 1.005, standard: 2.0004, ultra: 3.3335 };
    pricing.costs.queryCredits = 0.0015;
    pricing.costs.generate2kSurchargePercent = 25;
    const rows = Object.fromEntries(priceCatalogue(pricing, "o200k_base").map((r) => [r.operation, r]));
    const charged = (request: QuoteRequest) => quote(pricing, request, () => 0).mc / 1000;
    for (const quality of ["fast", "standard", "ultra"] as const) {
      const row = rows[`images.generate.${quality}`]!;
      expect(row.credits).toBe(charged({ operation: "images.generate", quality, count: 1, size: "1K" }));
      expect(row.surcharge).toEqual({
        size: "2K",
        percent: 25,
        credits: charged({ operation: "images.generate", quality, count: 1, size: "2K" }),
      });
    }
    expect(rows["images.generate.fast"]!.credits).toBe(1.005);
    expect(rows["training.query"]!.credits).toBe(charged({ operation: "training.query" }));
    expect(rows["images.upscale.x4"]!.credits).toBe(charged({ operation: "images.upscale", factor: 4 }));
    expect(rows["training.embed"]!.credits).toBe(charged({ operation: "training.embed", tokens: 1000 }));
    for (const row of Object.values(rows)) expect(Math.round(row.credits * 1000) / 1000).toBe(row.credits);
    pricing.costs.generate2kSurchargePercent = 0;
    expect(priceCatalogue(pricing, "o200k_base").some((r) => r.surcharge)).toBe(false);
  });
});

describe("live prices", () => {
  let app: TestApp;
  beforeAll(async () => {
    // A provider that generates, so generated images are on sale (it is never called: only its capabilities count).
    app = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "stability",
      STABILITY_API_KEY: "sk-test",
      STABILITY_BASE_URL: "http://127.0.0.1:9",
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it("an operator's change shows at once in packs, pricing, quotes, the pricing page and what is charged", async () => {
    const changed = structuredClone(DEFAULT_PRICING);
    changed.packs[0] = { ...changed.packs[0]!, id: "starter-1200", priceCents: 1200, credits: 1300, bonusCredits: 100 };
    changed.costs.queryCredits = 2;
    const put = await app.admin("PUT", "/v1/admin/pricing", changed);
    expect(put.status).toBe(200);
    expect(put.body.source).toBe("operator");
    expect((await app.api("GET", "/v1/packs")).body.data[0]).toMatchObject({ id: "starter-1200", priceCents: 1200 });
    const c = await newCustomer(app);
    await grant(app, c.accountId, 10);
    expect(
      (await app.api("POST", "/v1/quotes", { token: c.apiKey, body: { operation: "training.query" } })).body.credits,
    ).toBe(2);
    const page = await app.api("GET", "/pricing");
    expect(page.body).toContain("starter-1200");
    const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "k" } })).body.id;
    await app.api("POST", `/v1/knowledge-bases/${kb}/query`, {
      token: c.apiKey,
      body: { query: "anything", mode: "keyword" },
    });
    expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(8);

    // The API's price list and the page come from one catalogue: the 2K surcharge is its own field, not credits.
    const list = (await app.api("GET", "/v1/pricing")).body;
    const byOperation = Object.fromEntries(list.operations.map((o: { operation: string }) => [o.operation, o]));
    expect(Object.keys(byOperation)).not.toContain("images.generate.2k");
    expect(byOperation["training.query"].credits).toBe(2);
    expect(byOperation["images.generate.ultra"]).toMatchObject({
      credits: 30,
      surcharge: { size: "2K", percent: 50, credits: 45 },
    });
    for (const o of list.operations) expect(page.body).toContain(o.unit);

    const bad = await app.admin("PUT", "/v1/admin/pricing", { ...changed, packs: [] });
    expect(bad.status).toBe(400);
    const reset = await app.admin("DELETE", "/v1/admin/pricing");
    expect(reset.body.source).toBe("configuration");
    expect((await app.api("GET", "/v1/packs")).body.data[0].id).toBe("credits-1000");
  });
});
