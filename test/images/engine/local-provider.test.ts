import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalProvider } from "../../../src/images/providers/local.js";
import type { EditMode, EditRequest } from "../../../src/images/providers/provider.js";
import { decodeImageInput, decodeMask } from "../../../src/images/validate.js";
import { paint } from "./synthetic.js";

const provider = createLocalProvider();
afterAll(() => provider.close());
const ctx = () => ({ signal: new AbortController().signal });

const W = 96;
const texture = paint(W, W, (x, y) => {
  const wave = 50 * Math.sin((x * 2 * Math.PI) / 9) * Math.cos((y * 2 * Math.PI) / 13);
  return [120 + wave, 90 - 0.5 * wave, 60 + x];
});
const inSquare = (x: number, y: number) => x >= 30 && x < 58 && y >= 34 && y < 60;

async function removeRequest(maskPixel: (x: number, y: number) => boolean): Promise<EditRequest> {
  const withObject = Buffer.from(texture.data);
  const mask = Buffer.alloc(W * W);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      if (inSquare(x, y)) withObject.set([255, 0, 255], (y * W + x) * 3);
      if (maskPixel(x, y)) mask[y * W + x] = 255;
    }
  }
  const image = await decodeImageInput(
    await sharp(withObject, { raw: { width: W, height: W, channels: 3 } })
      .png()
      .toBuffer(),
  );
  const maskPng = await sharp(mask, { raw: { width: W, height: W, channels: 1 } })
    .png()
    .toBuffer();
  return { mode: "remove", image, mask: await decodeMask(maskPng, image), quality: "standard", count: 1 };
}

describe("the local provider", () => {
  it("declares only what it can do offline", () => {
    expect(provider.name).toBe("local");
    expect([...provider.capabilities].sort()).toEqual(["edit.remove", "upscale"]);
  });

  it("refuses generation and generative edit modes with PROVIDER_NOT_CONFIGURED naming IMAGE_PROVIDER", async () => {
    const generate = provider.generate(
      { prompt: "a cat", quality: "standard", aspectRatio: "1:1", count: 1, size: "1K" },
      ctx(),
    );
    await expect(generate).rejects.toMatchObject({ code: "PROVIDER_NOT_CONFIGURED", status: 501 });
    await expect(generate).rejects.toThrow(/IMAGE_PROVIDER/);
    const request = await removeRequest(inSquare);
    for (const mode of ["inpaint", "outpaint", "background", "instruct"] satisfies EditMode[]) {
      const edit = provider.edit({ ...request, mode, prompt: "a dog" }, ctx());
      await expect(edit).rejects.toMatchObject({ code: "PROVIDER_NOT_CONFIGURED" });
      await expect(edit).rejects.toThrow(/IMAGE_PROVIDER/);
    }
  });

  it("removes the masked object: one PNG of the same size, the object gone, the rest untouched", async () => {
    const request = await removeRequest(inSquare);
    const result = await provider.edit({ ...request, count: 3 }, ctx());
    expect(result.model).toBe("local:inpaint-patchmatch");
    expect(result.images).toHaveLength(1);
    const { data, info } = await sharp(result.images[0]!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([W, W, 3]);
    let inside = 0;
    let outsideChanged = 0;
    let magenta = 0;
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 3;
        const err = Math.abs(data[o]! - texture.data[o]!) + Math.abs(data[o + 2]! - texture.data[o + 2]!);
        if (inSquare(x, y)) {
          inside += err;
          if (data[o]! > 240 && data[o + 1]! < 15 && data[o + 2]! > 240) magenta++;
        } else if (err > 0) outsideChanged++;
      }
    }
    expect(magenta).toBe(0);
    expect(outsideChanged).toBe(0);
    expect(inside / (28 * 26)).toBeLessThan(40); // mean |error| over R and B; the magenta object itself is ~300
  });

  it("refuses a removal without a mask, with a mask of another size, or with a mask covering most of the image", async () => {
    const request = await removeRequest(inSquare);
    await expect(provider.edit({ ...request, mask: undefined }, ctx())).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { field: "mask" },
    });
    await expect(provider.edit({ ...request, mask: { ...request.mask!, width: 10 } }, ctx())).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    const huge = await removeRequest((x) => x > 10);
    await expect(provider.edit(huge, ctx())).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { field: "mask" },
    });
  });
});
