import { MC_PER_CREDIT, mcToCredits, type Pricing } from "./pricing.js";
import { editImageMc, embedMc, generateImageMc, type Quality, queryMc, upscaleMc } from "./quotes.js";

/** A price that applies on top of an operation's own, e.g. 2K output of a generated image. */
export interface Surcharge {
  /** The output size it applies to. */
  size: "2K";
  /** Percent added to the operation's price. */
  percent: number;
  /** What one unit costs with the surcharge, in credits. */
  credits: number;
}

/** One row of the price list: what the API (`GET /v1/pricing`) returns and the pricing page shows. */
export interface CatalogueEntry {
  /** Stable id, as the API names it (`images.generate.fast`). */
  operation: string;
  feature: "Training" | "Images";
  /** The row's name on the pricing page. */
  label: string;
  unit: string;
  /** Credits per unit, derived from whole millicredits (exactly what is charged). */
  credits: number;
  description: string;
  /** A short remark shown under the label on the page. */
  note?: string;
  surcharge?: Surcharge;
}

/**
 * The one price list, computed from the prices in force by the same helpers that charge, so the API, the pricing
 * page and the bill cannot disagree.
 */
export function priceCatalogue(pricing: Pricing, tokenizer: string): CatalogueEntry[] {
  const percent2k = pricing.costs.generate2kSurchargePercent;
  const generate = (quality: Quality): CatalogueEntry => ({
    operation: `images.generate.${quality}`,
    feature: "Images",
    label: `Generate, ${quality}`,
    unit: "image",
    credits: mcToCredits(generateImageMc(pricing, quality, "1K")),
    description: `A generated image, ${quality} quality`,
    ...(percent2k > 0
      ? {
          note: `2K output adds ${percent2k}%`,
          surcharge: { size: "2K", percent: percent2k, credits: mcToCredits(generateImageMc(pricing, quality, "2K")) },
        }
      : {}),
  });
  return [
    {
      operation: "training.embed",
      feature: "Training",
      label: "Index documents and websites",
      unit: "1,000 tokens",
      credits: mcToCredits(embedMc(pricing, MC_PER_CREDIT)),
      description: `Indexing a document, charged exactly per token of its extracted text (${tokenizer})`,
      note: `charged exactly per token of extracted text (${tokenizer}); chunk overlap is free`,
    },
    {
      operation: "training.query",
      feature: "Training",
      label: "Search a knowledge base",
      unit: "query",
      credits: mcToCredits(queryMc(pricing)),
      description: "A search of a knowledge base",
    },
    {
      operation: "training.delete",
      feature: "Training",
      label: "Delete documents, knowledge bases or everything",
      unit: "deletion",
      credits: 0,
      description: "Deleting documents, knowledge bases or all of an account's data is free",
    },
    generate("fast"),
    generate("standard"),
    generate("ultra"),
    {
      operation: "images.edit.small",
      feature: "Images",
      label: "Edit (inpaint, remove, outpaint, background)",
      unit: "image up to 1 MP",
      credits: mcToCredits(editImageMc(pricing, { width: 1024, height: 1024 })),
      description: "An edited image up to 1 megapixel",
    },
    {
      operation: "images.edit.large",
      feature: "Images",
      label: "Edit, larger or ultra quality",
      unit: "image",
      credits: mcToCredits(editImageMc(pricing, { width: 2048, height: 2048 })),
      description: "An edited image above 1 megapixel, or at ultra quality",
    },
    {
      operation: "images.upscale.x2",
      feature: "Images",
      label: "Upscale ×2",
      unit: "image",
      credits: mcToCredits(upscaleMc(pricing, 2)),
      description: "Upscaling ×2",
    },
    {
      operation: "images.upscale.x4",
      feature: "Images",
      label: "Upscale ×4",
      unit: "image",
      credits: mcToCredits(upscaleMc(pricing, 4)),
      description: "Upscaling ×4",
    },
  ];
}
