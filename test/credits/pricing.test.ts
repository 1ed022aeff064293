import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICING, packPurchase, topUpPurchase } from "../../src/credits/pricing.js";
import { editImageMc, generateImageMc, quote } from "../../src/credits/quotes.js";
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

describe("live prices", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
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

    const bad = await app.admin("PUT", "/v1/admin/pricing", { ...changed, packs: [] });
    expect(bad.status).toBe(400);
    const reset = await app.admin("DELETE", "/v1/admin/pricing");
    expect(reset.body.source).toBe("configuration");
    expect((await app.api("GET", "/v1/packs")).body.data[0].id).toBe("credits-1000");
  });
});
