import { inpaintPatchMatch } from "./inpaint-patchmatch.js";
import { inpaintTelea } from "./inpaint-telea.js";
import { decodeRaster, encodePng, type Raster } from "./raster.js";

/** `patchmatch` copies texture (multi-scale exemplar-based); `telea` diffuses smoothly and is several times faster. */
export type InpaintMethod = "patchmatch" | "telea";

export interface InpaintOptions {
  method?: InpaintMethod;
  seed?: number;
  shouldStop?: () => boolean;
  /** Largest working area (hole box plus margin) filled at full resolution; see MAX_WORK_PIXELS. */
  maxWorkPixels?: number;
}

/**
 * Past this working area the fill is computed at a reduced scale and enlarged into the hole: PatchMatch time grows
 * with the hole's pixel count (≈20 s for a 400×400 hole here), and a removal should finish in seconds. Large holes
 * come out softer; small ones are untouched by this.
 */
export const MAX_WORK_PIXELS = 1_500_000;

/**
 * Fills the pixels where `hole` is non-zero (one byte per pixel) and returns a new raster; other pixels are kept
 * bit for bit. Works on the hole's bounding box plus a margin as wide as the box itself (at least 32 px), which
 * bounds memory and time by the hole's size rather than the image's, and keeps exemplar sources near the hole.
 */
export function inpaintRaster(raster: Raster, hole: Uint8Array, options: InpaintOptions = {}): Raster {
  const { width, height, channels } = raster;
  if (hole.length !== width * height) throw new Error("the mask must have one byte per image pixel");
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!hole[y * width + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  const out: Raster = { ...raster, data: Uint8Array.from(raster.data) };
  if (x1 < 0) return out;
  const margin = Math.max(32, x1 - x0 + 1, y1 - y0 + 1);
  const cx0 = Math.max(0, x0 - margin);
  const cy0 = Math.max(0, y0 - margin);
  const cw = Math.min(width, x1 + margin + 1) - cx0;
  const ch = Math.min(height, y1 + margin + 1) - cy0;
  const crop = new Float32Array(cw * ch * channels);
  const cropHole = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const src = (cy0 + y) * width + cx0 + x;
      cropHole[y * cw + x] = hole[src] ? 1 : 0;
      for (let c = 0; c < channels; c++) crop[(y * cw + x) * channels + c] = raster.data[src * channels + c]!;
    }
  }
  const maxWork = options.maxWorkPixels ?? MAX_WORK_PIXELS;
  const scale = Math.ceil(Math.sqrt((cw * ch) / maxWork));
  if (scale <= 1) fillHole(crop, cw, ch, channels, cropHole, options);
  else fillHoleReduced(crop, cw, ch, channels, cropHole, scale, options);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      if (!cropHole[y * cw + x]) continue;
      const dst = (cy0 + y) * width + cx0 + x;
      for (let c = 0; c < channels; c++) {
        out.data[dst * channels + c] = Math.round(Math.min(255, Math.max(0, crop[(y * cw + x) * channels + c]!)));
      }
    }
  }
  return out;
}

function fillHole(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  hole: Uint8Array,
  options: InpaintOptions,
): void {
  if ((options.method ?? "patchmatch") === "telea") inpaintTelea(image, width, height, channels, hole);
  else inpaintPatchMatch(image, width, height, channels, hole, { seed: options.seed, shouldStop: options.shouldStop });
}

/** Fills a box-averaged copy `scale` times smaller, then samples it bilinearly into the full-size hole. */
function fillHoleReduced(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  hole: Uint8Array,
  scale: number,
  options: InpaintOptions,
): void {
  const sw = Math.ceil(width / scale);
  const sh = Math.ceil(height / scale);
  const small = new Float32Array(sw * sh * channels);
  const smallHole = new Uint8Array(sw * sh);
  const counts = new Uint16Array(sw * sh);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = Math.floor(y / scale) * sw + Math.floor(x / scale);
      const p = y * width + x;
      if (hole[p]) smallHole[q] = 1;
      else {
        for (let c = 0; c < channels; c++) small[q * channels + c]! += image[p * channels + c]!;
        counts[q]!++;
      }
    }
  }
  for (let q = 0; q < sw * sh; q++) {
    for (let c = 0; c < channels; c++) small[q * channels + c] = counts[q] ? small[q * channels + c]! / counts[q]! : 0;
  }
  fillHole(small, sw, sh, channels, smallHole, options);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!hole[p]) continue;
      const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const ax = fx - x0;
      const ay = fy - y0;
      for (let c = 0; c < channels; c++) {
        const at = (xx: number, yy: number) => small[(yy * sw + xx) * channels + c]!;
        image[p * channels + c] =
          (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
      }
    }
  }
}

/** Decodes an image, removes what the mask marks, and returns a PNG with the model string for the ledger. */
export async function inpaintImage(
  bytes: Buffer,
  hole: Uint8Array,
  options: InpaintOptions & { maxInputPixels: number },
): Promise<{ png: Buffer; width: number; height: number; model: string }> {
  const raster = await decodeRaster(bytes, options.maxInputPixels);
  const method = options.method ?? "patchmatch";
  const filled = inpaintRaster(raster, hole, { ...options, method });
  return { png: await encodePng(filled), width: raster.width, height: raster.height, model: `local:inpaint-${method}` };
}
