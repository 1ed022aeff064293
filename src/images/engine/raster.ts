import sharp from "sharp";

/** Decoded pixels, interleaved, 8 bits per channel: 3 (RGB) or 4 (RGBA) channels. */
export interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** Decodes PNG/JPEG/WebP bytes to sRGB pixels, oriented as displayed, keeping alpha only when the image has it. */
export async function decodeRaster(bytes: Buffer, maxPixels: number): Promise<Raster> {
  const image = sharp(bytes, { autoOrient: true, limitInputPixels: maxPixels });
  const { hasAlpha } = await image.metadata();
  const pipeline = image.toColourspace("srgb");
  const { data, info } = await (hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha())
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: hasAlpha ? 4 : 3,
  };
}

/** Lossless PNG of a raster. */
export function encodePng(raster: Raster): Promise<Buffer> {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: raster.channels } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Splits RGBA into RGB and a one-channel alpha plane; RGB rasters pass through. */
export function splitAlpha(raster: Raster): { rgb: Raster; alpha?: Uint8Array } {
  if (raster.channels === 3) return { rgb: raster };
  const pixels = raster.width * raster.height;
  const rgb = new Uint8Array(pixels * 3);
  const alpha = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    rgb[p * 3] = raster.data[p * 4]!;
    rgb[p * 3 + 1] = raster.data[p * 4 + 1]!;
    rgb[p * 3 + 2] = raster.data[p * 4 + 2]!;
    alpha[p] = raster.data[p * 4 + 3]!;
  }
  return { rgb: { data: rgb, width: raster.width, height: raster.height, channels: 3 }, alpha };
}

/** Joins an RGB raster with an alpha plane of the same size. */
export function joinAlpha(rgb: Raster, alpha: Uint8Array): Raster {
  const pixels = rgb.width * rgb.height;
  const data = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    data[p * 4] = rgb.data[p * 3]!;
    data[p * 4 + 1] = rgb.data[p * 3 + 1]!;
    data[p * 4 + 2] = rgb.data[p * 3 + 2]!;
    data[p * 4 + 3] = alpha[p]!;
  }
  return { data, width: rgb.width, height: rgb.height, channels: 4 };
}
