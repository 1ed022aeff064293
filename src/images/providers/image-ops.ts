import sharp from "sharp";
import { ApiError } from "../../errors.js";
import { readMaskBits, sniffImageType } from "../validate.js";
import type { EditRequest, GeneratedImage, ImageInput, ProviderResult } from "./provider.js";

/**
 * Pixel work the adapters need before and after a call: our masks (white marks the edit) in each provider's
 * convention, outpaint canvases, and checks that what came back is an image of the promised size.
 */

/** The image as an upright PNG: masks are read upright too (EXIF orientation applied), so both line up. */
export async function uprightPng(image: ImageInput): Promise<Buffer> {
  return sharp(image.bytes, { autoOrient: true }).png().toBuffer();
}

/** Our mask as a single-channel PNG, 255 where to edit and 0 where to keep (Imagen, Stability, A1111, ComfyUI). */
export async function binaryMaskPng(mask: ImageInput): Promise<Buffer> {
  const bits = await readMaskBits(mask);
  return sharp(bits, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .png()
    .toBuffer();
}

/**
 * OpenAI's mask: the image itself as RGBA whose alpha is 0 exactly where our mask marks the edit and 255 elsewhere
 * ("fully transparent areas indicate where the image should be edited").
 */
export async function alphaMaskPng(image: ImageInput, mask: ImageInput): Promise<Buffer> {
  const bits = await readMaskBits(mask);
  const { data, info } = await sharp(image.bytes, { autoOrient: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let p = 0; p < bits.length; p++) {
    rgba[p * 4] = data[p * 3]!;
    rgba[p * 4 + 1] = data[p * 3 + 1]!;
    rgba[p * 4 + 2] = data[p * 3 + 2]!;
    rgba[p * 4 + 3] = bits[p] === 255 ? 0 : 255;
  }
  return sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
}

export interface OutpaintCanvas {
  /** The image placed on the larger canvas, the new border filled with `fill`. */
  image: Buffer;
  /** White on the new border (to paint), black over the original pixels (to keep). */
  mask: Buffer;
  width: number;
  height: number;
}

/** Pads the image for outpainting and builds the matching mask, the way Imagen's and Stability's docs describe. */
export async function padForOutpaint(
  request: Pick<EditRequest, "image" | "outpaint">,
  fill: { r: number; g: number; b: number; alpha: number } = { r: 0, g: 0, b: 0, alpha: 1 },
): Promise<OutpaintCanvas> {
  const { image } = request;
  const pads = request.outpaint!;
  const width = image.width + pads.left + pads.right;
  const height = image.height + pads.top + pads.bottom;
  const extend = { top: pads.top, bottom: pads.bottom, left: pads.left, right: pads.right };
  const padded = await sharp(image.bytes, { autoOrient: true })
    .ensureAlpha()
    .extend({ ...extend, background: fill })
    .png()
    .toBuffer();
  const bits = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < image.height; y++) {
    const row = (y + pads.top) * width + pads.left;
    bits.fill(0, row, row + image.width);
  }
  const mask = await sharp(bits, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return { image: padded, mask, width, height };
}

/** Provider output as a GeneratedImage, refusing bytes that are not a PNG, JPEG or WebP image. */
export function outputImage(provider: string, bytes: Buffer): GeneratedImage {
  const mimeType = sniffImageType(bytes);
  if (!mimeType) throw new ApiError("PROVIDER_ERROR", `${provider} returned data that is not an image`);
  return { bytes, mimeType };
}

/** Base64 (or a base64 data URL) from a provider's JSON, decoded and checked. */
export function base64Image(provider: string, text: string): GeneratedImage {
  const body = text.startsWith("data:") ? text.slice(text.indexOf(",") + 1) : text;
  return outputImage(provider, Buffer.from(body, "base64"));
}

/**
 * Upscalers do not all honour the factor exactly (Stability's fast upscaler is always ×4, its conservative one
 * aims at ~4 MP): the port promises factor × the input, so anything else is resized to that with Lanczos.
 */
export async function exactSize(result: ProviderResult, width: number, height: number): Promise<ProviderResult> {
  const images = await Promise.all(
    result.images.map(async (img) => {
      const meta = await sharp(img.bytes).metadata();
      if (meta.width === width && meta.height === height) return img;
      const bytes = await sharp(img.bytes).resize(width, height, { fit: "fill", kernel: "lanczos3" }).png().toBuffer();
      return { bytes, mimeType: "image/png" };
    }),
  );
  return { ...result, images };
}
