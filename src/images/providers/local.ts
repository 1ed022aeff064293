import { ApiError } from "../../errors.js";
import { EngineWorker } from "../engine/engine-pool.js";
import type { InpaintMethod } from "../engine/inpaint.js";
import type { EsrganVariant } from "../engine/tf-runtime.js";
import { upscaleImage } from "../engine/upscale.js";
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, readMaskBits } from "../validate.js";
import type {
  Capability,
  EditRequest,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

/** Configuration of the offline engine; every field has a working default. */
export interface LocalProviderOptions {
  /** ESRGAN size for learned upscaling: `slim` (default, ~4× faster) or `medium`. */
  variant?: EsrganVariant;
  /** Object removal algorithm: `patchmatch` (default, copies texture) or `telea` (smooth, faster). */
  inpaintMethod?: InpaintMethod;
  /** Decoding guard for inputs (they were validated at the edge; this is the second line). */
  limits?: ImageLimits;
  /** Largest upscale result, in pixels (default 4096 × 4096). */
  maxUpscaleOutputPixels?: number;
  /** Largest share of the image a removal mask may cover (default 0.5): past it there is too little to copy from. */
  maxMaskFraction?: number;
  /** Runs learned upscaling and inpainting off the event loop; one is created when absent. */
  engine?: EngineWorker;
}

/** The local provider plus `close()`, which stops its worker thread. */
export type LocalImageProvider = ImageProvider & { close(): Promise<void> };

const GENERATIVE =
  "needs a generative provider: set IMAGE_PROVIDER to google, openai, stability, automatic1111 or comfyui";

/**
 * The offline image back end: learned (ESRGAN) or Lanczos upscaling and object removal by inpainting. It has no
 * generative model, so generation and every other edit mode are refused with PROVIDER_NOT_CONFIGURED.
 */
export function createLocalProvider(options: LocalProviderOptions = {}): LocalImageProvider {
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  const maxOutput = options.maxUpscaleOutputPixels ?? 4096 * 4096;
  const maxMaskFraction = options.maxMaskFraction ?? 0.5;
  const engine = options.engine ?? new EngineWorker();
  const capabilities: ReadonlySet<Capability> = new Set<Capability>(["upscale", "edit.remove"]);

  async function upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const { image, factor } = request;
    if (factor !== 2 && factor !== 4)
      throw new ApiError("VALIDATION_FAILED", "factor must be 2 or 4", { field: "factor" });
    const outPixels = image.width * factor * image.height * factor;
    if (outPixels > maxOutput) {
      throw new ApiError(
        "PAYLOAD_TOO_LARGE",
        `×${factor} of a ${image.width}×${image.height} image would be ${outPixels} pixels; the local engine makes at most ${maxOutput}`,
        { field: "image", limit: "maxUpscaleOutputPixels", maxUpscaleOutputPixels: maxOutput },
      );
    }
    ctx.signal.throwIfAborted();
    if (request.method === "fast") {
      // sharp runs on libuv's thread pool, so Lanczos needs no worker of ours.
      const out = await upscaleImage(image.bytes, { factor, method: "fast", maxInputPixels: limits.maxPixels });
      return { images: [{ bytes: out.png, mimeType: "image/png" }], filtered: 0, model: out.model };
    }
    const out = await runEngine(
      {
        kind: "upscale",
        bytes: compact(image.bytes),
        factor,
        variant: options.variant ?? "slim",
        maxInputPixels: limits.maxPixels,
      },
      ctx,
    );
    return { images: [{ bytes: Buffer.from(out.png), mimeType: "image/png" }], filtered: 0, model: out.model };
  }

  async function edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    if (request.mode !== "remove") {
      throw new ApiError("PROVIDER_NOT_CONFIGURED", `Edit mode "${request.mode}" ${GENERATIVE}`, {
        operation: "images.edit",
        mode: request.mode,
      });
    }
    const { image, mask } = request;
    if (!mask) throw new ApiError("VALIDATION_FAILED", "mode remove needs a mask", { field: "mask" });
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new ApiError("VALIDATION_FAILED", "mask must be the image's size", { field: "mask" });
    }
    const bits = await readMaskBits(mask);
    let marked = 0;
    for (const b of bits) if (b) marked++;
    if (marked === 0) throw new ApiError("VALIDATION_FAILED", "mask marks no pixel to remove", { field: "mask" });
    if (marked > bits.length * maxMaskFraction) {
      throw new ApiError(
        "VALIDATION_FAILED",
        `mask covers ${Math.round((100 * marked) / bits.length)}% of the image; local object removal works up to ${Math.round(100 * maxMaskFraction)}%`,
        { field: "mask" },
      );
    }
    // Removal is deterministic: however many images were asked for, one is made (and so one is charged).
    const out = await runEngine(
      {
        kind: "inpaint",
        bytes: compact(image.bytes),
        mask: bits,
        method: options.inpaintMethod ?? "patchmatch",
        maxInputPixels: limits.maxPixels,
      },
      ctx,
    );
    return { images: [{ bytes: Buffer.from(out.png), mimeType: "image/png" }], filtered: 0, model: out.model };
  }

  async function runEngine(job: Parameters<EngineWorker["run"]>[0], ctx: ProviderContext) {
    try {
      return await engine.run(job, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new ApiError("PROVIDER_ERROR", `the local image engine failed: ${(error as Error).message}`, {
        provider: "local",
      });
    }
  }

  return {
    name: "local",
    capabilities,
    generate: async () => {
      throw new ApiError("PROVIDER_NOT_CONFIGURED", `Image generation ${GENERATIVE}`, { operation: "images.generate" });
    },
    edit,
    upscale,
    close: () => engine.close(),
  };
}

/** A copy that owns exactly its bytes: posting a view to a thread would clone its whole (possibly pooled) buffer. */
function compact(bytes: Buffer): Uint8Array {
  return new Uint8Array(bytes);
}
