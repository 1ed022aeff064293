import { bonusPercent, MC_PER_CREDIT, type Pack, type Pricing } from "../credits/pricing.js";
import { editImageMc, generateImageMc, type Quality, queryMc, upscaleMc } from "../credits/quotes.js";

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

export interface OperationCost {
  feature: "Training" | "Images";
  operation: string;
  unit: string;
  credits: number;
  note?: string;
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

const credits = (mc: number) => mc / MC_PER_CREDIT;

export function operationCosts(pricing: Pricing, tokenizer: string): OperationCost[] {
  const c = pricing.costs;
  const surcharge = c.generate2kSurchargePercent;
  const gen = (q: Quality) => credits(generateImageMc(pricing, q));
  return [
    {
      feature: "Training",
      operation: "Index documents and websites",
      unit: "1,000 tokens",
      credits: credits(c.embedMcPerToken * 1000),
      note: `charged exactly per token of extracted text (${tokenizer}); chunk overlap is free`,
    },
    { feature: "Training", operation: "Search a knowledge base", unit: "query", credits: credits(queryMc(pricing)) },
    { feature: "Training", operation: "Delete documents, knowledge bases or everything", unit: "deletion", credits: 0 },
    { feature: "Images", operation: "Generate, fast", unit: "image", credits: gen("fast") },
    { feature: "Images", operation: "Generate, standard", unit: "image", credits: gen("standard") },
    {
      feature: "Images",
      operation: "Generate, ultra",
      unit: "image",
      credits: gen("ultra"),
      note: surcharge > 0 ? `2K output adds ${surcharge}%` : undefined,
    },
    {
      feature: "Images",
      operation: "Edit (inpaint, remove, outpaint, background)",
      unit: "image up to 1 MP",
      credits: credits(editImageMc(pricing, { width: 1024, height: 1024 })),
    },
    {
      feature: "Images",
      operation: "Edit, larger or ultra quality",
      unit: "image",
      credits: credits(editImageMc(pricing, { width: 2048, height: 2048 })),
    },
    { feature: "Images", operation: "Upscale ×2", unit: "image", credits: credits(upscaleMc(pricing, 2)) },
    { feature: "Images", operation: "Upscale ×4", unit: "image", credits: credits(upscaleMc(pricing, 4)) },
  ];
}
