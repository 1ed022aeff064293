import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createImageProvider } from "../../../src/images/providers/index.js";
import type { ImageProvider, ProviderContext } from "../../../src/images/providers/provider.js";
import { OpenAiFake } from "./fakes/openai.js";
import { imageInput, maskInput, sizeOf } from "./fakes/png.js";
import { jsonOf } from "./fakes/server.js";
import { editOf, expectApiError, FAST, generation, runImageProviderContract } from "./provider.contract.js";

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const envFor = (fake: OpenAiFake) => ({ OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: `${fake.server.url}/v1` });

runImageProviderContract("openai", async () => {
  const fake = await OpenAiFake.start();
  return {
    fake: { server: fake.server, refuseNext: (n) => fake.refuseNext(n), close: () => fake.server.close() },
    make: (options) => createImageProvider("openai", envFor(fake), options),
  };
});

describe("openai adapter", () => {
  let fake: OpenAiFake;
  let provider: ImageProvider;
  beforeAll(async () => {
    fake = await OpenAiFake.start();
    provider = createImageProvider("openai", envFor(fake), FAST);
  });
  afterAll(() => fake.server.close());
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    expect(violations).toEqual([]);
    fake.edits.length = 0;
  });

  it("needs OPENAI_API_KEY and a valid OPENAI_BASE_URL", () => {
    expect(() => createImageProvider("openai", {})).toThrow(/OPENAI_API_KEY/);
    expect(() => createImageProvider("openai", { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "ftp://x" })).toThrow(
      /OPENAI_BASE_URL/,
    );
  });

  it("maps quality tiers to low/medium/high and shapes to the three gpt-image sizes", async () => {
    const cases = [
      ["fast", "16:9", "low", "1536x1024"],
      ["standard", "1:1", "medium", "1024x1024"],
      ["ultra", "9:16", "high", "1024x1536"],
      ["standard", "4:5", "medium", "1024x1536"],
      ["standard", "5:4", "medium", "1536x1024"],
    ] as const;
    for (const [quality, aspectRatio, wantQuality, wantSize] of cases) {
      fake.server.reset();
      await provider.generate(generation({ quality, aspectRatio, count: 2 }), ctx());
      const body = jsonOf(fake.server.requests[0]!);
      expect(body).toMatchObject({
        model: "gpt-image-1",
        n: 2,
        quality: wantQuality,
        size: wantSize,
        output_format: "png",
      });
    }
  });

  it("sends a mask that is transparent exactly where our mask is white, opaque elsewhere", async () => {
    const mask = await maskInput(24, 16, { left: 3, top: 5, width: 7, height: 4 });
    await provider.edit(await editOf("inpaint", { mask }), ctx());
    const sent = fake.edits[0]!.mask!;
    const { data, info } = await sharp(sent).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    let mismatches = 0;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 24; x++) {
        const inside = x >= 3 && x < 10 && y >= 5 && y < 9;
        const alpha = data[(y * 24 + x) * 4 + 3];
        if (alpha !== (inside ? 0 : 255)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(fake.edits[0]!.fields.size).toBe("auto");
  });

  it("outpaints by sending a padded image with a mask transparent on the new border", async () => {
    const request = await editOf("outpaint");
    const result = await provider.edit(request, ctx());
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 32, height: 18 });
    const { data, info } = await sharp(fake.edits[0]!.mask!).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 32, height: 18 });
    expect(data[3]).toBe(0); // (0,0) is new border
    expect(data[(0 * 32 + 4) * 4 + 3]).toBe(255); // (4,0) is the original image
  });

  it("edits the background and follows instructions without a mask", async () => {
    for (const mode of ["background", "instruct"] as const) {
      fake.edits.length = 0;
      await provider.edit(await editOf(mode), ctx());
      expect(fake.edits[0]!.mask).toBeUndefined();
      expect(fake.edits[0]!.fields.prompt).toContain("a red boat");
    }
  });

  it("reports moderation_blocked as CONTENT_FILTERED and other 400s as PROVIDER_ERROR", async () => {
    fake.refuseNext();
    const filtered = await expectApiError(provider.generate(generation(), ctx()), "CONTENT_FILTERED");
    expect(filtered.message).toContain("safety system");
    fake.server.script({
      status: 400,
      body: { error: { message: "Invalid size", type: "invalid_request_error", code: "invalid_value" } },
    });
    const error = await expectApiError(provider.generate(generation(), ctx()), "PROVIDER_ERROR");
    expect(error.details).toMatchObject({ upstreamStatus: 400, upstreamCode: "invalid_value" });
  });

  it("refuses 2K (gpt-image-1 stops at 1536 px) and upscaling without calling OpenAI", async () => {
    await expectApiError(provider.generate(generation({ size: "2K" }), ctx()), "PROVIDER_NOT_CONFIGURED");
    await expectApiError(
      provider.upscale({ image: await imageInput(8, 8), factor: 2 }, ctx()),
      "PROVIDER_NOT_CONFIGURED",
    );
    expect(fake.server.requests).toHaveLength(0);
  });
});
