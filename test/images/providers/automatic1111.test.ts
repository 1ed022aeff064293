import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createImageProvider } from "../../../src/images/providers/index.js";
import type { ImageProvider, ProviderContext } from "../../../src/images/providers/provider.js";
import { Automatic1111Fake } from "./fakes/automatic1111.js";
import { sizeOf } from "./fakes/png.js";
import { jsonOf } from "./fakes/server.js";
import { editOf, expectApiError, FAST, generation, runImageProviderContract } from "./provider.contract.js";

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const AUTH = "artist:s3cret";

runImageProviderContract("automatic1111", async () => {
  const fake = await Automatic1111Fake.start(AUTH);
  return {
    fake: { server: fake.server, close: () => fake.server.close() },
    make: (options) => createImageProvider("automatic1111", { A1111_URL: fake.server.url, A1111_AUTH: AUTH }, options),
  };
});

describe("automatic1111 adapter", () => {
  let fake: Automatic1111Fake;
  let provider: ImageProvider;
  beforeAll(async () => {
    fake = await Automatic1111Fake.start(AUTH);
    provider = createImageProvider(
      "automatic1111",
      { A1111_URL: `${fake.server.url}/`, A1111_AUTH: AUTH, A1111_CHECKPOINT: "juggernautXL.safetensors" },
      FAST,
    );
  });
  afterAll(() => fake.server.close());
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    expect(violations).toEqual([]);
  });

  it("needs A1111_URL and a user:password A1111_AUTH", () => {
    expect(() => createImageProvider("automatic1111", {})).toThrow(/A1111_URL/);
    expect(() => createImageProvider("automatic1111", { A1111_URL: "http://x", A1111_AUTH: "nocolon" })).toThrow(
      /A1111_AUTH/,
    );
  });

  it("sends one batch without a grid and maps quality to steps, shape to SDXL-sized dimensions", async () => {
    const result = await provider.generate(
      generation({ count: 3, quality: "ultra", aspectRatio: "16:9", seed: 9 }),
      ctx(),
    );
    expect(result.images).toHaveLength(3);
    expect(result.model).toBe("sd_xl_base_1.0");
    const body = jsonOf(fake.server.requests[0]!);
    expect(body).toMatchObject({ batch_size: 3, steps: 40, seed: 9, do_not_save_grid: true, width: 1344, height: 768 });
    expect(body.override_settings).toEqual({ sd_model_checkpoint: "juggernautXL.safetensors" });
  });

  it("draws 2K with the hires fix at twice the size", async () => {
    const result = await provider.generate(generation({ size: "2K" }), ctx());
    expect(jsonOf(fake.server.requests[0]!)).toMatchObject({ enable_hr: true, hr_scale: 2, width: 1024, height: 1024 });
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 128, height: 128 });
  });

  it("inpaints with the mask and returns the image at the canvas size even when it is not a multiple of 8", async () => {
    const inpaint = await provider.edit(await editOf("inpaint"), ctx());
    expect(jsonOf(fake.server.requests[0]!)).toMatchObject({
      inpainting_fill: 1,
      inpaint_full_res: true,
      prompt: "a red boat",
    });
    expect(await sizeOf(inpaint.images[0]!.bytes)).toMatchObject({ width: 24, height: 16 });
    const outpaint = await provider.edit(await editOf("outpaint"), ctx());
    expect(jsonOf(fake.server.requests[1]!)).toMatchObject({ inpainting_fill: 2, width: 32, height: 16 });
    expect(await sizeOf(outpaint.images[0]!.bytes)).toMatchObject({ width: 32, height: 18 });
  });

  it("reports a rejected login as PROVIDER_ERROR that points at A1111_AUTH", async () => {
    const wrong = createImageProvider(
      "automatic1111",
      { A1111_URL: fake.server.url, A1111_AUTH: "artist:wrong" },
      FAST,
    );
    const error = await expectApiError(wrong.generate(generation(), ctx()), "PROVIDER_ERROR");
    expect(error.message).toContain("A1111_AUTH");
  });
});
