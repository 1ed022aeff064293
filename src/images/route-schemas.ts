import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { mcToCredits } from "../credits/pricing.js";
import { OutputSize, Quality } from "../credits/quotes.js";
import { principalOf } from "../http/auth.js";
import { Credits, iso, ScopeSiteId } from "../http/schemas.js";
import { ASPECT_RATIOS } from "./providers/provider.js";
import type { ImageResult } from "./service.js";
import type { ImageOwner, StoredImage } from "./store.js";
import { MAX_PROMPT_CHARS } from "./validate.js";

const Prompt = z.string().trim().min(1).max(MAX_PROMPT_CHARS);
const Seed = z.number().int().min(0).max(4_294_967_295);
const ImageRef = z.string().min(1).describe("A PNG, JPEG or WebP as base64 or a data: URL");

export const GenerateBody = z.object({
  prompt: Prompt,
  negativePrompt: z.string().trim().max(MAX_PROMPT_CHARS).optional(),
  quality: Quality.default("standard"),
  aspectRatio: z.enum(ASPECT_RATIOS).default("1:1"),
  count: z.number().int().min(1).max(4).default(1),
  seed: Seed.optional(),
  size: OutputSize.default("1K").describe("2K costs 50% more and needs a provider that makes 2K images"),
});

const Outpaint = z.object({
  left: z.number().int().min(0).max(2048).default(0),
  right: z.number().int().min(0).max(2048).default(0),
  top: z.number().int().min(0).max(2048).default(0),
  bottom: z.number().int().min(0).max(2048).default(0),
});

export const EditBody = z
  .object({
    image: ImageRef.optional(),
    imageId: z.string().max(100).optional(),
    mask: ImageRef.optional().describe("The image's size; white (non-zero) pixels mark what to edit"),
    prompt: Prompt.optional(),
    negativePrompt: z.string().trim().max(MAX_PROMPT_CHARS).optional(),
    mode: z.enum(["inpaint", "remove", "outpaint", "background", "instruct"]),
    quality: Quality.default("standard"),
    count: z.number().int().min(1).max(4).default(1),
    seed: Seed.optional(),
    outpaint: Outpaint.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.image === undefined) === (b.imageId === undefined))
      ctx.addIssue({ code: "custom", path: ["image"], message: "send exactly one of image and imageId" });
    if ((b.mode === "inpaint" || b.mode === "remove") && !b.mask)
      ctx.addIssue({ code: "custom", path: ["mask"], message: `mode ${b.mode} needs a mask` });
    if (b.mode !== "remove" && !b.prompt)
      ctx.addIssue({ code: "custom", path: ["prompt"], message: `mode ${b.mode} needs a prompt` });
  });

export const UpscaleBody = z
  .object({
    image: ImageRef.optional(),
    imageId: z.string().max(100).optional(),
    factor: z.union([z.literal(2), z.literal(4)]),
    method: z.enum(["learned", "fast"]).optional().describe("learned (super-resolution model) or fast (Lanczos)"),
  })
  .refine((b) => (b.image === undefined) !== (b.imageId === undefined), {
    path: ["image"],
    message: "send exactly one of image and imageId",
  });

export const ImageSchema = z.object({
  id: z.string(),
  url: z.string(),
  siteId: ScopeSiteId,
  width: z.number().int(),
  height: z.number().int(),
  mimeType: z.string(),
  operation: z.enum(["generate", "edit", "upscale"]),
  provider: z.string(),
  model: z.string(),
  prompt: z.string().nullable(),
  credits: Credits,
  sourceImageId: z.string().nullable(),
  createdAt: z.string(),
});

export const ResultSchema = z.object({
  images: z.array(ImageSchema),
  credits: Credits,
  filtered: z.number().int().describe("Images the provider's safety filter removed (not charged)"),
});

/** What every customer image route shares: its authentication, its OpenAPI tag and security scheme. */
export const customer = { config: { auth: "customer" as const } };
export const tags = ["images"];
export const security = [{ apiKey: [] }];

export const ownerOf = (request: FastifyRequest): ImageOwner => {
  const p = principalOf(request);
  return { accountId: p.accountId, siteId: p.siteId };
};

/** A stored image as the API shows it (its bytes' URL under `publicUrl`), and a use case's result. */
export function imagePresenter(publicUrl: string) {
  const present = (img: StoredImage): z.infer<typeof ImageSchema> => ({
    id: img.id,
    url: `${publicUrl}/v1/images/${img.id}/content`,
    siteId: img.siteId,
    width: img.width,
    height: img.height,
    mimeType: img.mimeType,
    operation: img.operation,
    provider: img.provider,
    model: img.model,
    prompt: img.prompt,
    credits: mcToCredits(img.chargedMc),
    sourceImageId: img.sourceImageId,
    createdAt: iso(img.createdAt)!,
  });
  const presentResult = (r: ImageResult) => ({
    images: r.images.map(present),
    credits: mcToCredits(r.chargedMc),
    filtered: r.filtered,
  });
  return { present, presentResult };
}

export type ImagePresenter = ReturnType<typeof imagePresenter>;
