import type { OutputSize, Quality } from "../../credits/quotes.js";

/** A decoded-and-checked input image (see images/validate.ts): bytes plus what was read from its header. */
export interface ImageInput {
  bytes: Buffer;
  mimeType: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
}

export interface GeneratedImage {
  bytes: Buffer;
  mimeType: string;
}

export interface ProviderResult {
  images: GeneratedImage[];
  /** Images the provider's safety filter removed (not charged). */
  filtered: number;
  /** The model that produced the images, recorded in the ledger. */
  model: string;
}

export interface ProviderContext {
  signal: AbortSignal;
  requestId?: string;
}

export const ASPECT_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "4:5", "5:4", "21:9"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export interface GenerateRequest {
  prompt: string;
  negativePrompt?: string;
  quality: Quality;
  aspectRatio: AspectRatio;
  count: number;
  seed?: number;
  size: OutputSize;
}

export type EditMode = "inpaint" | "remove" | "outpaint" | "background" | "instruct";

export interface EditRequest {
  mode: EditMode;
  image: ImageInput;
  /** Same size as the image; non-zero (white) pixels mark what to edit. Required for inpaint and remove. */
  mask?: ImageInput;
  prompt?: string;
  negativePrompt?: string;
  quality: Quality;
  count: number;
  seed?: number;
  /** Pixels to add on each side (outpaint). */
  outpaint?: { left: number; right: number; top: number; bottom: number };
}

export interface UpscaleRequest {
  image: ImageInput;
  factor: 2 | 4;
  /** `learned` (a super-resolution model) or `fast` (Lanczos); providers may ignore it. */
  method?: "learned" | "fast";
}

/**
 * What an adapter can do. `generate.2k` marks a provider that really produces 2K output (2K is priced higher), so a
 * 2K request can be refused before any credits are held when the configured provider cannot honour it.
 */
export type Capability = "generate" | "generate.2k" | `edit.${EditMode}` | "upscale";

/**
 * One image back end. An adapter throws ApiError: PROVIDER_ERROR (5xx, bad answers), PROVIDER_TIMEOUT,
 * CONTENT_FILTERED (every image refused by a safety filter), RATE_LIMITED (429 after its retries).
 */
export interface ImageProvider {
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability>;
  generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult>;
  edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult>;
  upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult>;
}
