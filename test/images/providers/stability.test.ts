import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createImageProvider } from "../../../src/images/providers/index.js";
import type { ImageProvider, ProviderContext } from "../../../src/images/providers/provider.js";
import { imageInput, sizeOf } from "./fakes/png.js";
import { formOf } from "./fakes/server.js";
import { StabilityFake } from "./fakes/stability.js";
import { editOf, expectApiError, FAST, generation, runImageProviderContract } from "./provider.contract.js";

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const envFor = (fake: StabilityFake, extra: Record<string, string> = {}) => ({
  STABILITY_API_KEY: fake.apiKey,
  STABILITY_BASE_URL: fake.server.url,
  ...extra,
});

runImageProviderContract("stability", async () => {
  const fake = await StabilityFake.start();
  return {
    fake: { server: fake.server, refuseNext: (n) => fake.refuseNext(n), close: () => fake.server.close() },
    make: (options) => createImageProvider("stability", envFor(fake), options),
  };
});

describe("stability adapter", () => {
  let fake: StabilityFake;
  let provider: ImageProvider;
  beforeAll(async () => {
    fake = await StabilityFake.start();
    provider = createImageProvider("stability", envFor(fake), FAST);
  });
  afterAll(() => fake.server.close());
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    expect(violations).toEqual([]);
    fake.endpointsHit.length = 0;
  });

  it("needs STABILITY_API_KEY and names a bad STABILITY_UPSCALER", () => {
    expect(() => createImageProvider("stability", {})).toThrow(/STABILITY_API_KEY/);
    expect(() => createImageProvider("stability", { STABILITY_API_KEY: "k", STABILITY_UPSCALER: "magic" })).toThrow(
      /STABILITY_UPSCALER/,
    );
  });

  it("maps fast/standard/ultra to core, SD 3.5 and ultra, one call per image with distinct seeds", async () => {
    const fast = await provider.generate(generation({ quality: "fast", count: 2, seed: 5 }), ctx());
    const standard = await provider.generate(generation({ quality: "standard" }), ctx());
    const ultra = await provider.generate(generation({ quality: "ultra", aspectRatio: "4:3" }), ctx());
    expect([fast.model, standard.model, ultra.model]).toEqual([
      "stable-image-core",
      "sd3.5-large",
      "stable-image-ultra",
    ]);
    expect(fake.endpointsHit).toEqual(["generate/core", "generate/core", "generate/sd3", "generate/ultra"]);
    const seeds = await Promise.all(fake.server.requests.slice(0, 2).map(async (r) => (await formOf(r)).get("seed")));
    expect(new Set(seeds).size).toBe(2);
    // 4:3 is not a Stability ratio; the nearest (5:4) is asked for.
    expect((await formOf(fake.server.requests[3]!)).get("aspect_ratio")).toBe("5:4");
  });

  it("counts a finish-reason CONTENT_FILTERED image as filtered and keeps the others", async () => {
    fake.refuseNext(1, "finish-reason");
    const result = await provider.generate(generation({ count: 2 }), ctx());
    expect(result.images).toHaveLength(1);
    expect(result.filtered).toBe(1);
  });

  it("maps each edit to its endpoint", async () => {
    for (const mode of ["inpaint", "remove", "outpaint"] as const) await provider.edit(await editOf(mode), ctx());
    // Cutting out the subject is deterministic: one call (and one image to pay for) whatever the count.
    const cutout = await provider.edit(await editOf("background", { prompt: undefined, count: 3 }), ctx());
    expect(cutout.images).toHaveLength(1);
    expect(fake.endpointsHit).toEqual(["edit/inpaint", "edit/erase", "edit/outpaint", "edit/remove-background"]);
    const outpaint = await formOf(fake.server.requests[2]!);
    expect([outpaint.get("left"), outpaint.get("right"), outpaint.get("up"), outpaint.get("down")]).toEqual([
      "4",
      "4",
      "0",
      "2",
    ]);
  });

  it("replaces a background through the asynchronous job and polls until it is done", async () => {
    const result = await provider.edit(await editOf("background"), ctx());
    expect(result.model).toBe("stable-image-edit-replace-background-and-relight");
    const polls = fake.server.requests.filter((r) => r.path.startsWith("/v2beta/results/"));
    expect(polls.length).toBe(3); // 202, 202, 200
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 24, height: 16 });
  });

  it("upscales fast by default and with the configured learned upscaler on request, always to factor × input", async () => {
    const image = await imageInput(10, 6);
    const fast = await provider.upscale({ image, factor: 2 }, ctx());
    expect(fast.model).toBe("stable-image-upscale-fast");
    expect(await sizeOf(fast.images[0]!.bytes)).toMatchObject({ width: 20, height: 12 });
    const conservative = await provider.upscale({ image, factor: 4, method: "learned" }, ctx());
    expect(conservative.model).toBe("stable-image-upscale-conservative");
    expect(await sizeOf(conservative.images[0]!.bytes)).toMatchObject({ width: 40, height: 24 });
    const creative = createImageProvider("stability", envFor(fake, { STABILITY_UPSCALER: "creative" }), FAST);
    const result = await creative.upscale({ image, factor: 2, method: "learned" }, ctx());
    expect(result.model).toBe("stable-image-upscale-creative");
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 20, height: 12 });
  });

  it("gives up polling a job that never finishes with PROVIDER_TIMEOUT", async () => {
    const slow = createImageProvider("stability", envFor(fake), { ...FAST, maxWaitMs: 30, pollIntervalMs: 10 });
    fake.jobPolls = 1_000;
    try {
      await expectApiError(slow.edit(await editOf("background"), ctx()), "PROVIDER_TIMEOUT");
    } finally {
      fake.jobPolls = 2;
      fake.jobs.clear();
    }
  });

  it("surfaces Stability's {name, errors} on other failures", async () => {
    fake.server.script({
      status: 400,
      body: { id: "x", name: "bad_request", errors: ["image: dimensions too large"] },
    });
    const error = await expectApiError(
      provider.upscale({ image: await imageInput(8, 8), factor: 2 }, ctx()),
      "PROVIDER_ERROR",
    );
    expect(error.message).toContain("image: dimensions too large");
  });

  it("does not offer instruction-only edits or 2K", async () => {
    await expectApiError(provider.edit(await editOf("instruct"), ctx()), "PROVIDER_NOT_CONFIGURED");
    await expectApiError(provider.generate(generation({ size: "2K" }), ctx()), "PROVIDER_NOT_CONFIGURED");
    expect(fake.server.requests).toHaveLength(0);
  });
});
