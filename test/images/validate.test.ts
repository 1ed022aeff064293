import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.js";
import { DEFAULT_IMAGE_LIMITS, decodeImageInput, decodeMask, readMaskBits } from "../../src/images/validate.js";

const limits = DEFAULT_IMAGE_LIMITS;

function rgb(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
  return data;
}
const raw = (w: number, h: number, channels: 1 | 2 | 3 | 4 = 3, data?: Buffer) =>
  sharp(data ?? rgb(w, h), { raw: { width: w, height: h, channels } });

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** A PNG whose IHDR declares any size, with valid CRCs, and one tiny IDAT: a decompression bomb's header. */
function craftPng(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([head, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from("\x89PNG\r\n\x1a\n", "latin1"),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(4096))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

describe("decodeImageInput", () => {
  it("accepts PNG, JPEG and WebP (lossy and lossless) as bytes, base64 and data URLs", async () => {
    const png = await raw(40, 30).png().toBuffer();
    const jpeg = await raw(40, 30).jpeg().toBuffer();
    const webp = await raw(40, 30).webp().toBuffer();
    const webpLossless = await raw(40, 30).webp({ lossless: true }).toBuffer();
    const webpAlpha = await raw(40, 30, 4, Buffer.alloc(40 * 30 * 4, 128))
      .webp()
      .toBuffer();
    for (const [bytes, type] of [
      [png, "image/png"],
      [jpeg, "image/jpeg"],
      [webp, "image/webp"],
      [webpLossless, "image/webp"],
      [webpAlpha, "image/webp"],
    ] as const) {
      for (const input of [bytes, bytes.toString("base64"), `data:${type};base64,${bytes.toString("base64")}`]) {
        const image = await decodeImageInput(input, limits);
        expect(image).toMatchObject({ mimeType: type, width: 40, height: 30 });
        expect(image.bytes.equals(bytes)).toBe(true);
      }
    }
  });

  it("reports the displayed size of a JPEG rotated by EXIF orientation", async () => {
    const jpeg = await raw(40, 30).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await decodeImageInput(jpeg, limits)).toMatchObject({ width: 30, height: 40 });
  });

  it("refuses GIF, BMP, SVG, text and a data URL of another type as UNSUPPORTED_FILE_TYPE", async () => {
    const gif = await raw(8, 8).gif().toBuffer();
    const bmp = Buffer.concat([Buffer.from("BM", "latin1"), Buffer.alloc(60)]);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
    const text = Buffer.from("hello, this is not an image");
    for (const input of [
      gif,
      bmp,
      svg,
      text,
      gif.toString("base64"),
      `data:image/gif;base64,${gif.toString("base64")}`,
    ]) {
      expect((await rejection(decodeImageInput(input, limits))).code).toBe("UNSUPPORTED_FILE_TYPE");
    }
    const png = await raw(4, 4).png().toBuffer();
    const error = await rejection(decodeImageInput(`data:text/plain;base64,${png.toString("base64")}`, limits));
    expect(error.code).toBe("UNSUPPORTED_FILE_TYPE");
  });

  it("refuses base64 junk as VALIDATION_FAILED naming the field", async () => {
    const good = (await raw(4, 4).png().toBuffer()).toString("base64");
    for (const junk of [
      "not base64 at all!",
      `${good}$$`,
      good.slice(0, -1), // wrong length
      `${good.slice(0, 10)} ${good.slice(10)}`, // whitespace inside
      `${good.slice(0, -4)}ab-_`, // base64url alphabet, right length
      "",
      "data:image/png,notbase64",
    ]) {
      const error = await rejection(decodeImageInput(junk, limits, "mask"));
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details.field).toBe("mask");
    }
  });

  it("refuses a tiny PNG declaring 100,000×100,000 pixels before decoding it", async () => {
    const bomb = craftPng(100_000, 100_000);
    expect(bomb.length).toBeLessThan(1000);
    const error = await rejection(decodeImageInput(bomb, limits));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.details).toMatchObject({ limit: "maxSide", maxSide: 8192, width: 100_000 });
    // Within the side limit but over the pixel budget.
    const wide = await rejection(decodeImageInput(craftPng(8000, 8000), limits));
    expect(wide.details).toMatchObject({ limit: "maxPixels", maxPixels: 40_000_000 });
    // A header within limits whose pixel data is missing is corrupt, not accepted.
    const hollow = await rejection(decodeImageInput(craftPng(2000, 2000), limits));
    expect(hollow.code).toBe("VALIDATION_FAILED");
  });

  it("refuses bytes over the size limit, raw or base64, with PAYLOAD_TOO_LARGE", async () => {
    const png = await raw(64, 64).png().toBuffer();
    const small = { ...limits, maxBytes: png.length - 1 };
    for (const input of [png, png.toString("base64")]) {
      const error = await rejection(decodeImageInput(input, small));
      expect(error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(error.details).toMatchObject({ limit: "maxBytes" });
    }
  });

  it("refuses truncated or corrupt images as VALIDATION_FAILED", async () => {
    const png = await raw(64, 64).png().toBuffer();
    const jpeg = await raw(64, 64).jpeg().toBuffer();
    const flipped = Buffer.from(png);
    flipped.fill(0x55, 40, 80);
    for (const bad of [png.subarray(0, png.length / 2), jpeg.subarray(0, 40), flipped, png.subarray(0, 20)]) {
      const error = await rejection(decodeImageInput(bad, limits));
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details.field).toBe("image");
    }
  });
});

describe("decodeMask", () => {
  const image = { width: 16, height: 8 };

  it("refuses a mask of another size than the image", async () => {
    const mask = await raw(8, 16, 1, Buffer.alloc(128, 255)).png().toBuffer();
    const error = await rejection(decodeMask(mask, image, limits));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details.field).toBe("mask");
  });

  it("normalises a colour mask to a single-channel 0/255 mask: non-zero marks the edit", async () => {
    const data = Buffer.alloc(16 * 8 * 3);
    data[3 * 5] = 1; // pixel 5: barely non-zero red
    data.fill(200, 3 * 20, 3 * 22); // pixels 20, 21: grey
    const mask = await decodeMask(await raw(16, 8, 3, data).png().toBuffer(), image, limits);
    expect(mask).toMatchObject({ mimeType: "image/png", width: 16, height: 8 });
    expect((await sharp(mask.bytes).metadata()).channels).toBe(1);
    const bits = await readMaskBits(mask);
    expect([...bits.keys()].filter((i) => bits[i] === 255)).toEqual([5, 20, 21]);
    expect(bits.every((v) => v === 0 || v === 255)).toBe(true);
  });

  it("reads an alpha-only mask: opaque pixels mark the edit, transparent ones keep", async () => {
    const data = Buffer.alloc(16 * 8 * 4); // black everywhere
    data[4 * 7 + 3] = 255;
    data[4 * 9 + 3] = 40;
    const mask = await decodeMask(await raw(16, 8, 4, data).png().toBuffer(), image, limits);
    const bits = await readMaskBits(mask);
    expect([...bits.keys()].filter((i) => bits[i] === 255)).toEqual([7, 9]);
  });

  it("ignores white colour under full transparency and refuses a mask that marks nothing", async () => {
    const data = Buffer.alloc(16 * 8 * 4, 255);
    for (let p = 0; p < 128; p++) data[p * 4 + 3] = 0;
    const error = await rejection(decodeMask(await raw(16, 8, 4, data).png().toBuffer(), image, limits));
    expect(error.code).toBe("VALIDATION_FAILED");
  });
});
