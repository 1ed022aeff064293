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
 * Which image operations this deployment offers, from its image providers' capabilities (`generate`, `edit.remove`,
 * `upscale`, …): the price list and the pricing page sell only these. Absent: every operation (no provider filter).
 */
export interface ImageOffer {
  generate: boolean;
  /** The edit modes offered (`remove`, `inpaint`, …); empty: no editing. */
  editModes: string[];
  upscale: boolean;
}

export function imageOffer(capabilities: readonly string[]): ImageOffer {
  return {
    generate: capabilities.includes("generate"),
    editModes: capabilities.filter((c) => c.startsWith("edit.")).map((c) => c.slice("edit.".length)),
    upscale: capabilities.includes("upscale"),
  };
}

/** The image operations offered, in a customer's words: "generate, edit and upscale images", "upscale images and remove objects". */
export function imageOfferWords(offer: ImageOffer): string {
  const editsOnlyRemove = offer.editModes.length === 1 && offer.editModes[0] === "remove";
  const parts = [
    ...(offer.generate ? ["generate"] : []),
    ...(offer.editModes.length > 0 && !editsOnlyRemove ? ["edit"] : []),
    ...(offer.upscale ? ["upscale"] : []),
  ];
  const verbs = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "");
  if (editsOnlyRemove) return verbs ? `${verbs} images and remove objects from them` : "remove objects from images";
  return verbs ? `${verbs} images` : "";
}

const EDIT_LABELS: Record<string, string> = {
  inpaint: "inpaint",
  remove: "remove objects",
  outpaint: "outpaint",
  background: "background",
  instruct: "instructions",
};

/**
 * The one price list, computed from the prices in force by the same helpers that charge, so the API, the pricing
 * page and the bill cannot disagree. With `offer`, only the image operations this deployment can run.
 */
export function priceCatalogue(pricing: Pricing, tokenizer: string, offer?: ImageOffer): CatalogueEntry[] {
  const edits = offer ? offer.editModes : ["inpaint", "remove", "outpaint", "background"];
  const editWhat =
    edits.length === 4 ? "inpaint, remove, outpaint, background" : edits.map((m) => EDIT_LABELS[m] ?? m).join(", ");
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
  const all: CatalogueEntry[] = [
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
      label: `Edit (${editWhat})`,
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
  if (!offer) return all;
  return all.filter(
    (e) =>
      e.feature === "Training" ||
      (e.operation.startsWith("images.generate.") && offer.generate) ||
      (e.operation.startsWith("images.edit.") && offer.editModes.length > 0) ||
      (e.operation.startsWith("images.upscale.") && offer.upscale),
  );
}
