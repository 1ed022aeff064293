import sharp from "sharp";
import { ApiError } from "../errors.js";
import type { ImageInput } from "./providers/provider.js";

/** What an input image may weigh and measure; checked on the encoded bytes and the header before any decoding. */
export interface ImageLimits {
  /** Encoded size in bytes (after base64 decoding). */
  maxBytes: number;
  /** width × height as declared by the header. */
  maxPixels: number;
  /** The longer side, in pixels. */
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxSide: 8192,
};

/** Longest prompt (and negative prompt) accepted, in characters: the tightest hosted limit we pass prompts to. */
export const MAX_PROMPT_CHARS = 4000;

type ImageMimeType = ImageInput["mimeType"];

/**
 * Turns raw bytes, plain base64 or a `data:image/…;base64,` URL into a checked image: PNG, JPEG or WebP by its magic
 * bytes; size and declared dimensions within `limits` before a pixel is decoded (decompression bombs); then fully
 * decoded once (into a thumbnail, so memory stays small) so truncated or corrupt data is refused here. A data URL must
 * declare PNG, JPEG or WebP, but the magic bytes decide which. Width and height are as displayed (EXIF orientation
 * applied); the local engine decodes with the same orientation.
 */
export async function decodeImageInput(
  input: string | Buffer,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  field = "image",
): Promise<ImageInput> {
  const bytes = typeof input === "string" ? decodeBase64Image(input, limits, field) : input;
  if (bytes.length > limits.maxBytes) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `${field} is larger than ${limits.maxBytes} bytes`, {
      field,
      limit: "maxBytes",
      maxBytes: limits.maxBytes,
    });
  }
  if (bytes.length === 0) throw invalid(field, `${field} is empty`);
  const mimeType = sniffImageType(bytes);
  if (!mimeType) {
    throw new ApiError("UNSUPPORTED_FILE_TYPE", `${field} must be a PNG, JPEG or WebP image`, { field });
  }
  const size = readImageSize(bytes, mimeType);
  if (!size) throw invalid(field, `${field} has a corrupt ${mimeType} header`);
  checkDimensions(size, limits, field);

  let oriented: { width: number; height: number };
  try {
    const decoder = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "warning", autoOrient: true });
    const meta = await decoder.metadata();
    // A header our parser read differently from libvips is not an image we can trust.
    if (meta.width !== size.width || meta.height !== size.height) throw new Error("header mismatch");
    oriented = meta.autoOrient;
    // Decode every pixel into a thumbnail: truncated or corrupt data fails here, with memory bounded by strips.
    await decoder.resize(16, 16, { fit: "inside" }).raw().toBuffer();
  } catch {
    throw invalid(field, `${field} is not a readable ${mimeType} image`);
  }
  return { bytes, mimeType, width: oriented.width, height: oriented.height };
}

/**
 * Decodes a mask, requires it to be the image's exact size, and normalises it to a single-channel PNG whose pixels
 * are 255 (edit) or 0 (keep). Rule: a pixel marks an edit when its brightness composited over black is non-zero
 * (at least 128 for JPEG masks, whose compression noise would otherwise mark stray pixels). A mask whose colour is
 * black everywhere but has an alpha channel is an alpha-only mask: opaque (alpha > 0) pixels mark the edit —
 * "non-zero marks what to edit" holds for alpha too. A mask that marks nothing is refused.
 */
export async function decodeMask(
  input: string | Buffer,
  image: Pick<ImageInput, "width" | "height">,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<ImageInput> {
  const mask = await decodeImageInput(input, limits, "mask");
  if (mask.width !== image.width || mask.height !== image.height) {
    throw invalid(
      "mask",
      `mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}; they must be the same size`,
    );
  }
  const bits = await readMaskBits(mask);
  if (!bits.includes(255)) throw invalid("mask", "mask marks no pixel to edit");
  const bytes = await sharp(bits, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace("b-w")
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { bytes, mimeType: "image/png", width: mask.width, height: mask.height };
}

/** A mask image as one byte per pixel, 255 = edit, 0 = keep, by the rule of `decodeMask` (idempotent on its output). */
export async function readMaskBits(mask: ImageInput): Promise<Uint8Array> {
  const { data, info } = await sharp(mask.bytes, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  const hasAlpha = channels === 2 || channels === 4;
  const colourChannels = hasAlpha ? channels - 1 : channels;
  const threshold = mask.mimeType === "image/jpeg" ? 128 : 1;
  const pixels = info.width * info.height;
  const bits = new Uint8Array(pixels);
  let colourSeen = false;
  for (let p = 0, o = 0; p < pixels; p++, o += channels) {
    let bright = 0;
    for (let c = 0; c < colourChannels; c++) bright = Math.max(bright, data[o + c]!);
    if (bright > 0) colourSeen = true;
    const value = hasAlpha ? (bright * data[o + colourChannels]!) / 255 : bright;
    bits[p] = value >= threshold ? 255 : 0;
  }
  if (hasAlpha && !colourSeen) {
    for (let p = 0; p < pixels; p++) bits[p] = data[p * channels + colourChannels]! > 0 ? 255 : 0;
  }
  return bits;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_TYPES = new Set(["image/png", "image/jpeg", "image/jpg", "image/webp"]);

/** Strict base64 (standard alphabet, padded, no whitespace inside), optionally inside a data URL. */
function decodeBase64Image(text: string, limits: ImageLimits, field: string): Buffer {
  let body = text.trim();
  const dataUrl = DATA_URL.exec(body);
  if (dataUrl) {
    const type = dataUrl[1]!.toLowerCase();
    const params = dataUrl[2]!.toLowerCase().split(";");
    if (!params.includes("base64")) throw invalid(field, `${field} data URL must be base64-encoded`);
    if (!DATA_URL_TYPES.has(type)) {
      throw new ApiError("UNSUPPORTED_FILE_TYPE", `${field} must be a PNG, JPEG or WebP image`, { field });
    }
    body = body.slice(dataUrl[0].length);
  } else if (body.startsWith("data:")) {
    throw invalid(field, `${field} is not a valid data URL`);
  }
  // Refuse an oversized body before allocating its decoded bytes.
  if (Math.floor(body.length / 4) * 3 > limits.maxBytes + 2) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `${field} is larger than ${limits.maxBytes} bytes`, {
      field,
      limit: "maxBytes",
      maxBytes: limits.maxBytes,
    });
  }
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) {
    throw invalid(field, `${field} must be base64 (plain or a data URL) or raw image bytes`);
  }
  return Buffer.from(body, "base64");
}

/** The image type by its magic bytes; anything but PNG, JPEG and WebP is undefined. */
export function sniffImageType(bytes: Uint8Array): ImageMimeType | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString("latin1");
  if (bytes.length >= 8 && ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 16 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/** Width and height as the header declares them (before orientation), or undefined when the header is corrupt. */
export function readImageSize(bytes: Buffer, type: ImageMimeType): { width: number; height: number } | undefined {
  const size = type === "image/png" ? pngSize(bytes) : type === "image/jpeg" ? jpegSize(bytes) : webpSize(bytes);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

function pngSize(b: Buffer) {
  if (b.length < 24 || b.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpegSize(b: Buffer) {
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    const length = b.readUInt16BE(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) return undefined;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

function webpSize(b: Buffer) {
  if (b.length < 30) return undefined;
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}

function checkDimensions(size: { width: number; height: number }, limits: ImageLimits, field: string): void {
  const side = Math.max(size.width, size.height);
  if (side > limits.maxSide) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `${field} is ${size.width}×${size.height}; the longest side allowed is ${limits.maxSide} px`,
      {
        field,
        limit: "maxSide",
        maxSide: limits.maxSide,
        width: size.width,
        height: size.height,
      },
    );
  }
  if (size.width * size.height > limits.maxPixels) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `${field} is ${size.width}×${size.height}; at most ${limits.maxPixels} pixels are allowed`,
      {
        field,
        limit: "maxPixels",
        maxPixels: limits.maxPixels,
        width: size.width,
        height: size.height,
      },
    );
  }
}

function invalid(field: string, detail: string): ApiError {
  return new ApiError("VALIDATION_FAILED", detail, { field });
}
