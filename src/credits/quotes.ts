import { z } from "zod";
import { creditsToMc, type Pricing } from "./pricing.js";

/** The operations credits pay for; the ledger records one of these on every usage entry. */
export const OPERATIONS = [
  "training.embed",
  "training.query",
  "images.generate",
  "images.edit",
  "images.upscale",
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const Quality = z.enum(["fast", "standard", "ultra"]);
export type Quality = z.infer<typeof Quality>;
export const OutputSize = z.enum(["1K", "2K"]);
export type OutputSize = z.infer<typeof OutputSize>;

export const QuoteRequest = z.discriminatedUnion("operation", [
  z.object({
    operation: z.literal("training.embed"),
    text: z.string().max(50_000_000).optional().describe("Text to be indexed; its tokens are counted exactly"),
    name: z
      .string()
      .max(300)
      .optional()
      .describe("The name it will be uploaded under: .md, .html and .csv texts are read as such, as on upload"),
    tokens: z.number().int().min(0).max(1e12).optional().describe("A token count, when the text is not sent"),
  }),
  z.object({ operation: z.literal("training.query") }),
  z.object({
    operation: z.literal("images.generate"),
    quality: Quality.default("standard"),
    count: z.number().int().min(1).max(4).default(1),
    size: OutputSize.default("1K"),
  }),
  z.object({
    operation: z.literal("images.edit"),
    quality: Quality.default("standard"),
    count: z.number().int().min(1).max(4).default(1),
    width: z.number().int().min(1).max(16384).default(1024),
    height: z.number().int().min(1).max(16384).default(1024),
  }),
  z.object({ operation: z.literal("images.upscale"), factor: z.union([z.literal(2), z.literal(4)]) }),
]);
export type QuoteRequest = z.infer<typeof QuoteRequest>;

const ONE_MEGAPIXEL = 1024 * 1024;

/**
 * Price of one generated image, in millicredits. A price may be fractional credits (1.005 × 1000 is 1004.999… in
 * floating point): the 1K price is rounded to whole millicredits first, and the 2K surcharge applies to that integer,
 * so both tiers are exact and 2K never costs less than 1K.
 */
export function generateImageMc(pricing: Pricing, quality: Quality, size: OutputSize = "1K"): number {
  const base = creditsToMc(pricing.costs.generate[quality]);
  return size === "2K" ? Math.round((base * (100 + pricing.costs.generate2kSurchargePercent)) / 100) : base;
}

/** Price of one edited image: the small rate up to one megapixel, the large rate above it or at ultra quality. */
export function editImageMc(pricing: Pricing, input: { width: number; height: number; quality?: Quality }): number {
  const large = input.width * input.height > ONE_MEGAPIXEL || input.quality === "ultra";
  return creditsToMc(large ? pricing.costs.edit.larger : pricing.costs.edit.upTo1MP);
}

export function upscaleMc(pricing: Pricing, factor: 2 | 4): number {
  return creditsToMc(factor === 4 ? pricing.costs.upscale.x4 : pricing.costs.upscale.x2);
}

export function queryMc(pricing: Pricing): number {
  return creditsToMc(pricing.costs.queryCredits);
}

export function embedMc(pricing: Pricing, tokens: number): number {
  return tokens * pricing.costs.embedMcPerToken;
}

export interface Quote {
  operation: Operation;
  mc: number;
  /** What the price was computed from (tokens, images, pixels…). */
  quantity: Record<string, number | string>;
}

/**
 * Prices an operation without running it. `textTokens` counts a text's billable tokens exactly as uploading it would
 * (see knowledge/extract/billable.ts).
 */
export function quote(
  pricing: Pricing,
  request: QuoteRequest,
  textTokens: (text: string, name?: string) => number,
): Quote {
  switch (request.operation) {
    case "training.embed": {
      const tokens = request.text !== undefined ? textTokens(request.text, request.name) : (request.tokens ?? 0);
      return { operation: request.operation, mc: embedMc(pricing, tokens), quantity: { tokens } };
    }
    case "training.query":
      return { operation: request.operation, mc: queryMc(pricing), quantity: { queries: 1 } };
    case "images.generate":
      return {
        operation: request.operation,
        mc: request.count * generateImageMc(pricing, request.quality, request.size),
        quantity: { images: request.count, quality: request.quality, size: request.size },
      };
    case "images.edit":
      return {
        operation: request.operation,
        mc: request.count * editImageMc(pricing, request),
        quantity: { images: request.count, quality: request.quality, pixels: request.width * request.height },
      };
    case "images.upscale":
      return {
        operation: request.operation,
        mc: upscaleMc(pricing, request.factor),
        quantity: { factor: request.factor },
      };
  }
}
