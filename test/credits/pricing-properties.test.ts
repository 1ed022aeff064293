import { describe, expect, it } from "vitest";
import { rng } from "../../bench/lib/synthetic.js";
import { creditsToMc, DEFAULT_PRICING, type Pricing, PricingSchema, topUpPurchase } from "../../src/credits/pricing.js";
import {
  editImageMc,
  embedMc,
  generateImageMc,
  type OutputSize,
  type Quality,
  queryMc,
  quote,
  upscaleMc,
} from "../../src/credits/quotes.js";

// Property tests of every price helper over many operator price lists with fractional credit prices (the pricing
// schema allows them). A seeded generator makes every run check the same lists, so a failure reproduces.
const RUNS = 500;
const QUALITIES: Quality[] = ["fast", "standard", "ultra"];
const SIZES: OutputSize[] = ["1K", "2K"];

/** A fractional price in credits: often with three decimals (1.005), sometimes with arbitrary float noise. */
function price(random: () => number): number {
  const r = random();
  if (r < 0.05) return 0;
  if (r < 0.6) return Math.round(random() * 100_000) / 1000;
  if (r < 0.8) return Math.round(random() * 1_000_000) / 100_000;
  return random() * 500;
}

function randomPricing(random: () => number): Pricing {
  const pricing = structuredClone(DEFAULT_PRICING);
  pricing.costs = {
    embedMcPerToken: Math.floor(random() * 20),
    queryCredits: price(random),
    generate: { fast: price(random), standard: price(random), ultra: price(random) },
    generate2kSurchargePercent: Math.floor(random() * 300),
    edit: { upTo1MP: price(random), larger: price(random) },
    upscale: { x2: price(random), x4: price(random) },
  };
  return PricingSchema.parse(pricing);
}

function expectMc(value: number, what: string): void {
  expect(Number.isSafeInteger(value) && value >= 0, `${what} = ${value}`).toBe(true);
}

describe("price helpers with fractional prices", () => {
  it("1.005 credits is 1,005 mc at 1K and 1,508 mc at 2K (+50%)", () => {
    const pricing = structuredClone(DEFAULT_PRICING);
    pricing.costs.generate.standard = 1.005;
    expect(generateImageMc(pricing, "standard", "1K")).toBe(1005);
    expect(generateImageMc(pricing, "standard", "2K")).toBe(1508);
    const q = quote(pricing, { operation: "images.generate", quality: "standard", count: 3, size: "1K" }, () => 0);
    expect(q.mc).toBe(3015);
  });

  it("every helper returns a non-negative safe integer of mc", () => {
    const random = rng(20250801);
    for (let i = 0; i < RUNS; i++) {
      const p = randomPricing(random);
      const label = JSON.stringify(p.costs);
      for (const quality of QUALITIES) {
        for (const size of SIZES) expectMc(generateImageMc(p, quality, size), `generate ${quality} ${size} ${label}`);
        const width = 1 + Math.floor(random() * 4096);
        const height = 1 + Math.floor(random() * 4096);
        expectMc(editImageMc(p, { width, height, quality }), `edit ${width}x${height} ${quality} ${label}`);
        for (const count of [1, 2, 3, 4]) {
          const size = SIZES[Math.floor(random() * 2)]!;
          const q = quote(p, { operation: "images.generate", quality, count, size }, () => 0);
          expectMc(q.mc, `quote generate ×${count} ${label}`);
          expect(q.mc).toBe(count * generateImageMc(p, quality, size));
          const e = quote(p, { operation: "images.edit", quality, count, width, height }, () => 0);
          expectMc(e.mc, `quote edit ×${count} ${label}`);
        }
      }
      expectMc(upscaleMc(p, 2), `upscale ×2 ${label}`);
      expectMc(upscaleMc(p, 4), `upscale ×4 ${label}`);
      expectMc(queryMc(p), `query ${label}`);
      const tokens = Math.floor(random() * 10_000_000);
      expectMc(embedMc(p, tokens), `embed ${tokens} ${label}`);
      const cents = 100 + Math.floor(random() * 1_000_000);
      const top = topUpPurchase(p, cents);
      expectMc(top.baseMc, `top-up base ${cents}`);
      expectMc(top.bonusMc, `top-up bonus ${cents}`);
    }
  });

  it("a higher price never costs less, 2K never less than 1K, and mc is the price rounded to the nearest mc", () => {
    const random = rng(7);
    for (let i = 0; i < RUNS; i++) {
      const p = randomPricing(random);
      const higher = structuredClone(p);
      const bump = (x: number) => x + Math.round(random() * 5000) / 1000;
      higher.costs.generate = {
        fast: bump(p.costs.generate.fast),
        standard: bump(p.costs.generate.standard),
        ultra: bump(p.costs.generate.ultra),
      };
      higher.costs.edit = { upTo1MP: bump(p.costs.edit.upTo1MP), larger: bump(p.costs.edit.larger) };
      higher.costs.upscale = { x2: bump(p.costs.upscale.x2), x4: bump(p.costs.upscale.x4) };
      higher.costs.queryCredits = bump(p.costs.queryCredits);
      higher.costs.generate2kSurchargePercent = p.costs.generate2kSurchargePercent + Math.floor(random() * 50);
      for (const quality of QUALITIES) {
        const oneK = generateImageMc(p, quality, "1K");
        expect(Math.abs(oneK - p.costs.generate[quality] * 1000)).toBeLessThanOrEqual(0.5 + 1e-6);
        expect(generateImageMc(p, quality, "2K")).toBeGreaterThanOrEqual(oneK);
        for (const size of SIZES)
          expect(generateImageMc(higher, quality, size)).toBeGreaterThanOrEqual(generateImageMc(p, quality, size));
        for (const pixels of [
          { width: 512, height: 512 },
          { width: 2048, height: 2048 },
        ])
          expect(editImageMc(higher, { ...pixels, quality })).toBeGreaterThanOrEqual(
            editImageMc(p, { ...pixels, quality }),
          );
      }
      for (const factor of [2, 4] as const)
        expect(upscaleMc(higher, factor)).toBeGreaterThanOrEqual(upscaleMc(p, factor));
      expect(queryMc(higher)).toBeGreaterThanOrEqual(queryMc(p));
      expect(queryMc(p)).toBe(creditsToMc(p.costs.queryCredits));
      const tokens = Math.floor(random() * 1_000_000);
      expect(embedMc(p, tokens + 1)).toBeGreaterThanOrEqual(embedMc(p, tokens));
      // The default packs' bonus rates rise with their price, so a larger top-up never delivers fewer credits.
      const cents = 100 + Math.floor(random() * 200_000);
      const total = (c: number) => {
        const t = topUpPurchase(p, c);
        return t.baseMc + t.bonusMc;
      };
      expect(total(cents + 1 + Math.floor(random() * 5000))).toBeGreaterThanOrEqual(total(cents));
    }
  });
});
