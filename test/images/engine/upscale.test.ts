import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import type { Raster } from "../../../src/images/engine/raster.js";
import { createLocalProvider } from "../../../src/images/providers/local.js";
import { decodeImageInput } from "../../../src/images/validate.js";
import { naturalScene, psnr } from "./synthetic.js";

const provider = createLocalProvider();
afterAll(() => provider.close());
const ctx = () => ({ signal: new AbortController().signal });

const png = (r: Raster) =>
  sharp(r.data, { raw: { width: r.width, height: r.height, channels: r.channels } })
    .png()
    .toBuffer();

async function decoded(bytes: Buffer) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

describe("local upscaling", () => {
  it("doubles a 256×256 PNG to 512×512, learned (ESRGAN slim) and fast (Lanczos)", async () => {
    const image = await decodeImageInput(await png(naturalScene(256)));
    const learned = await provider.upscale({ image, factor: 2 }, ctx());
    const fast = await provider.upscale({ image, factor: 2, method: "fast" }, ctx());
    expect(learned.model).toBe("local:esrgan-slim-x2");
    expect(fast.model).toBe("local:lanczos3");
    for (const result of [learned, fast]) {
      expect(result.filtered).toBe(0);
      expect(result.images).toHaveLength(1);
      expect(result.images[0]!.mimeType).toBe("image/png");
      const out = await decoded(result.images[0]!.bytes);
      expect([out.width, out.height, out.channels]).toEqual([512, 512, 3]);
    }
  });

  it("quadruples: 256×256 fast → 1024×1024, and a 100×72 image learned → 400×288 across uneven tile edges", async () => {
    const big = await decodeImageInput(await png(naturalScene(256)));
    const fast = await provider.upscale({ image: big, factor: 4, method: "fast" }, ctx());
    expect(await decoded(fast.images[0]!.bytes)).toMatchObject({ width: 1024, height: 1024 });

    const scene = naturalScene(100);
    const odd = await sharp(scene.data, { raw: { width: 100, height: 100, channels: 3 } })
      .extract({ left: 0, top: 0, width: 100, height: 72 })
      .png()
      .toBuffer();
    const learned = await provider.upscale({ image: await decodeImageInput(odd), factor: 4 }, ctx());
    expect(learned.model).toBe("local:esrgan-slim-x4");
    expect(await decoded(learned.images[0]!.bytes)).toMatchObject({ width: 400, height: 288, channels: 3 });
  });

  it("restores a downscaled natural-ish image better than nearest-neighbour (PSNR against the original)", async () => {
    const original = naturalScene(256);
    const small = await sharp(original.data, { raw: { width: 256, height: 256, channels: 3 } })
      .resize(128, 128, { kernel: "lanczos3" })
      .png()
      .toBuffer();
    const learned = await provider.upscale({ image: await decodeImageInput(small), factor: 2 }, ctx());
    const nearest = await sharp(small).resize(256, 256, { kernel: "nearest" }).raw().toBuffer();
    const learnedPsnr = psnr(original.data, (await decoded(learned.images[0]!.bytes)).data);
    const nearestPsnr = psnr(original.data, nearest);
    // Measured: 28.6 dB against 28.0 dB; a model that only blurred or misaligned would fall below nearest.
    expect(learnedPsnr).toBeGreaterThan(nearestPsnr + 0.3);
  });

  it("keeps an alpha channel through learned upscaling", async () => {
    const rgba = Buffer.alloc(32 * 32 * 4);
    for (let p = 0; p < 32 * 32; p++) rgba.set([200, 100, 50, p % 32 < 16 ? 255 : 0], p * 4);
    const bytes = await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } })
      .png()
      .toBuffer();
    const out = await decoded(
      (await provider.upscale({ image: await decodeImageInput(bytes), factor: 2 }, ctx())).images[0]!.bytes,
    );
    expect([out.width, out.height, out.channels]).toEqual([64, 64, 4]);
    expect(out.data[(10 * 64 + 5) * 4 + 3]).toBe(255); // left half opaque
    expect(out.data[(10 * 64 + 58) * 4 + 3]).toBe(0); // right half transparent
  });

  it("refuses an upscale whose output would exceed the engine's limit", async () => {
    const small = createLocalProvider({ maxUpscaleOutputPixels: 1000 * 1000 });
    try {
      const image = await decodeImageInput(await png(naturalScene(256)));
      await expect(small.upscale({ image, factor: 4 }, ctx())).rejects.toMatchObject({
        code: "PAYLOAD_TOO_LARGE",
        details: { limit: "maxUpscaleOutputPixels" },
      });
      expect((await small.upscale({ image, factor: 2, method: "fast" }, ctx())).images).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it("stops a learned upscale that is aborted, and keeps serving afterwards", async () => {
    const image = await decodeImageInput(await png(naturalScene(256)));
    const controller = new AbortController();
    const running = provider.upscale({ image, factor: 4 }, { signal: controller.signal });
    const queued = provider.upscale({ image, factor: 4 }, { signal: controller.signal });
    const settled = Promise.allSettled([running, queued]);
    controller.abort();
    for (const outcome of await settled) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ name: "AbortError" });
    }
    const after = await provider.upscale(
      { image: await decodeImageInput(await png(naturalScene(64))), factor: 2 },
      ctx(),
    );
    expect(await decoded(after.images[0]!.bytes)).toMatchObject({ width: 128, height: 128 });
  });
});
