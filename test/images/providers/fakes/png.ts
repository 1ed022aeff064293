import sharp from "sharp";
import type { ImageInput } from "../../../../src/images/providers/provider.js";

/** A real PNG of the given size (a colour gradient-free fill; enough for decoders and size checks). */
export async function makePng(width: number, height: number, colour = { r: 40, g: 120, b: 200 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

export async function imageInput(width: number, height: number): Promise<ImageInput> {
  return { bytes: await makePng(width, height), mimeType: "image/png", width, height };
}

/** Our mask convention: white (255) inside `rect`, black elsewhere. */
export async function maskInput(
  width: number,
  height: number,
  rect = { left: 2, top: 2, width: 4, height: 3 },
): Promise<ImageInput> {
  const bits = new Uint8Array(width * height);
  for (let y = rect.top; y < rect.top + rect.height; y++)
    bits.fill(255, y * width + rect.left, y * width + rect.left + rect.width);
  const bytes = await sharp(bits, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return { bytes, mimeType: "image/png", width, height };
}

export async function sizeOf(
  bytes: Buffer,
): Promise<{ width: number; height: number; format: string; channels: number }> {
  const meta = await sharp(bytes).metadata();
  return { width: meta.width!, height: meta.height!, format: meta.format!, channels: meta.channels! };
}

export async function isPng(bytes: Buffer | Uint8Array): Promise<boolean> {
  try {
    return (await sharp(bytes).metadata()).format === "png";
  } catch {
    return false;
  }
}

/** A small PNG whose shape follows an aspect ratio ("16:9" → 32×18 at scale 2). */
export function shapeOf(aspectRatio: string, scale = 2): { width: number; height: number } {
  const [w, h] = aspectRatio.split(":").map(Number);
  return { width: w! * scale, height: h! * scale };
}

export function b64(bytes: Buffer): string {
  return bytes.toString("base64");
}
