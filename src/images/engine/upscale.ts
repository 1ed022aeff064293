import sharp from "sharp";
import { decodeRaster, encodePng, joinAlpha, type Raster, splitAlpha } from "./raster.js";
import { type EsrganVariant, loadEsrgan, loadTf } from "./tf-runtime.js";

export type UpscaleMethod = "learned" | "fast";

/** What to upscale and how; `variant` only matters for the learned method. */
export interface UpscaleOptions {
  factor: 2 | 4;
  method: UpscaleMethod;
  variant?: EsrganVariant;
  /** Decoding guard (the input was validated already; this is the second line). */
  maxInputPixels?: number;
  /** Checked between tiles; returning true abandons the work with an AbortError. */
  shouldStop?: () => boolean;
}

/** An upscaled PNG and the model string recorded in the ledger. */
export interface UpscaleOutput {
  png: Buffer;
  width: number;
  height: number;
  model: string;
}

/** Tile edge fed to the model (the ESRGAN packages were trained on 128-px patches). */
export const TILE = 128;
/** Real pixels added around each tile, about each model's receptive-field radius (≈7 px slim, ≈15 px medium). */
export const TILE_CONTEXT: Record<EsrganVariant, number> = { slim: 8, medium: 16 };

/** Upscales encoded image bytes ×2 or ×4 and returns a PNG. Alpha, if any, is resized with Lanczos. */
export async function upscaleImage(bytes: Buffer, options: UpscaleOptions): Promise<UpscaleOutput> {
  const { factor } = options;
  if (options.method === "fast") {
    const image = sharp(bytes, { autoOrient: true, limitInputPixels: options.maxInputPixels ?? true });
    const { width, height } = (await image.metadata()).autoOrient;
    const png = await image
      .resize(width * factor, height * factor, { kernel: "lanczos3", fit: "fill" })
      .png({ compressionLevel: 6 })
      .toBuffer();
    return { png, width: width * factor, height: height * factor, model: "local:lanczos3" };
  }
  const variant = options.variant ?? "slim";
  const raster = await decodeRaster(bytes, options.maxInputPixels ?? 268_402_689);
  const { rgb, alpha } = splitAlpha(raster);
  let out = await upscaleLearned(rgb, { factor, variant, shouldStop: options.shouldStop });
  if (alpha) {
    const big = await sharp(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } })
      .resize(out.width, out.height, { kernel: "lanczos3", fit: "fill" })
      .raw()
      .toBuffer();
    out = joinAlpha(out, big);
  }
  return {
    png: await encodePng(out),
    width: out.width,
    height: out.height,
    model: `local:esrgan-${variant}-x${factor}`,
  };
}

/**
 * ESRGAN on an RGB raster, one tile at a time: each 128-px tile runs with real neighbouring context on every side
 * and only its centre is kept, so seams do not show and memory stays at one tile's activations whatever the image
 * size. Yields to the event loop between tiles (one tile is 1–3 s of CPU here), but the service runs this on the
 * engine's worker thread, not its own.
 */
export async function upscaleLearned(
  rgb: Raster,
  options: { factor: 2 | 4; variant: EsrganVariant; shouldStop?: () => boolean },
): Promise<Raster> {
  const { factor } = options;
  const tf = await loadTf();
  const model = await loadEsrgan(options.variant, factor);
  const { width, height } = rgb;
  const context = TILE_CONTEXT[options.variant];
  const outWidth = width * factor;
  const out = new Uint8Array(outWidth * height * factor * 3);
  for (let ty = 0; ty < height; ty += TILE) {
    for (let tx = 0; tx < width; tx += TILE) {
      // A macrotask between tiles: awaiting tfjs data alone resolves as a microtask and would never let I/O in.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.shouldStop?.()) throw Object.assign(new Error("upscale aborted"), { name: "AbortError" });
      const x0 = Math.max(0, tx - context);
      const y0 = Math.max(0, ty - context);
      const x1 = Math.min(width, tx + TILE + context);
      const y1 = Math.min(height, ty + TILE + context);
      const w = x1 - x0;
      const h = y1 - y0;
      const patch = new Float32Array(w * h * 3);
      for (let y = 0; y < h; y++) {
        const row = ((y0 + y) * width + x0) * 3;
        for (let i = 0; i < w * 3; i++) patch[y * w * 3 + i] = rgb.data[row + i]!;
      }
      const result = tf.tidy(() => {
        const input = tf.tensor4d(patch, [1, h, w, 3]);
        return (model.predict(input) as import("@tensorflow/tfjs").Tensor).clipByValue(0, 255);
      });
      const pixels = await result.data();
      result.dispose();
      const coreW = Math.min(TILE, width - tx) * factor;
      const coreH = Math.min(TILE, height - ty) * factor;
      const offX = (tx - x0) * factor;
      const offY = (ty - y0) * factor;
      const patchW = w * factor;
      for (let y = 0; y < coreH; y++) {
        const src = ((offY + y) * patchW + offX) * 3;
        const dst = ((ty * factor + y) * outWidth + tx * factor) * 3;
        for (let i = 0; i < coreW * 3; i++) out[dst + i] = Math.round(pixels[src + i]!);
      }
    }
  }
  return { data: out, width: outWidth, height: height * factor, channels: 3 };
}
