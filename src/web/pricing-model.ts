import { bonusPercent, MC_PER_CREDIT, type Pack, type Pricing } from "../credits/pricing.js";
import { generateImageMc, type Quality, queryMc, upscaleMc } from "../credits/quotes.js";

/** What one pack is worth: its effective price per credit and what its credits buy of each operation. */
export interface PackTier {
  pack: Pack;
  name: string;
  bonusPercent: number;
  /** US dollars per credit after the bonus. */
  dollarsPerCredit: number;
  /** Training tokens the credits index; null when indexing is free. */
  trainingTokens: number | null;
  queries: number | null;
  images: Record<Quality, number | null>;
  upscalesX2: number | null;
}

/** How many whole operations costing `mc` fit in `credits`; null when the operation is free. */
const fits = (credits: number, mc: number): number | null =>
  mc > 0 ? Math.floor((credits * MC_PER_CREDIT) / mc) : null;

export function packTiers(pricing: Pricing): PackTier[] {
  return [...pricing.packs]
    .sort((a, b) => a.priceCents - b.priceCents)
    .map((pack) => ({
      pack,
      name: pack.name ?? `${pack.credits.toLocaleString("en-US")} credits`,
      bonusPercent: bonusPercent(pack),
      dollarsPerCredit: pack.priceCents / 100 / pack.credits,
      trainingTokens: fits(pack.credits, pricing.costs.embedMcPerToken),
      queries: fits(pack.credits, queryMc(pricing)),
      images: {
        fast: fits(pack.credits, generateImageMc(pricing, "fast")),
        standard: fits(pack.credits, generateImageMc(pricing, "standard")),
        ultra: fits(pack.credits, generateImageMc(pricing, "ultra")),
      },
      upscalesX2: fits(pack.credits, upscaleMc(pricing, 2)),
    }));
}
