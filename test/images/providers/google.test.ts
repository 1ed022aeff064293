import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createImageProvider, type ProviderOptions } from "../../../src/images/providers/index.js";
import type { ImageProvider, ProviderContext } from "../../../src/images/providers/provider.js";
import { GoogleFake } from "./fakes/google.js";
import { imageInput, sizeOf } from "./fakes/png.js";
import { jsonOf } from "./fakes/server.js";
import { editOf, expectApiError, FAST, generation, runImageProviderContract } from "./provider.contract.js";

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startFake(): Promise<GoogleFake> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "google-fake-"));
  dirs.push(dir);
  return GoogleFake.start(dir);
}

function envFor(fake: GoogleFake, backend: string): Record<string, string> {
  return backend === "gemini-api"
    ? { GOOGLE_IMAGE_BACKEND: backend, GEMINI_API_KEY: fake.apiKey, GEMINI_BASE_URL: fake.server.url }
    : {
        GOOGLE_IMAGE_BACKEND: backend,
        GOOGLE_APPLICATION_CREDENTIALS: fake.account.file,
        VERTEX_BASE_URL: fake.server.url,
      };
}

for (const backend of ["imagen", "gemini-vertex", "gemini-api"]) {
  runImageProviderContract(`google (${backend})`, async () => {
    const fake = await startFake();
    return {
      fake: { server: fake.server, refuseNext: (n) => fake.refuseNext(n), close: () => fake.server.close() },
      make: (options?: Partial<ProviderOptions>) => createImageProvider("google", envFor(fake, backend), options),
    };
  });
}

describe("google configuration", () => {
  it("names the missing variable", () => {
    expect(() => createImageProvider("google", {})).toThrow(/GOOGLE_APPLICATION_CREDENTIALS|GEMINI_API_KEY/);
    expect(() => createImageProvider("google", { GOOGLE_IMAGE_BACKEND: "gemini-api" })).toThrow(/GEMINI_API_KEY/);
    expect(() => createImageProvider("google", { GOOGLE_IMAGE_BACKEND: "imagen" })).toThrow(
      /GOOGLE_APPLICATION_CREDENTIALS/,
    );
    expect(() => createImageProvider("google", { GOOGLE_IMAGE_BACKEND: "dall-e", GEMINI_API_KEY: "k" })).toThrow(
      /GOOGLE_IMAGE_BACKEND/,
    );
    expect(() => createImageProvider("google", { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/key.json" })).toThrow(
      /GOOGLE_APPLICATION_CREDENTIALS/,
    );
    expect(() => createImageProvider("google", { GEMINI_API_KEY: "k", IMAGE_PROVIDER_TIMEOUT_MS: "soon" })).toThrow(
      /IMAGE_PROVIDER_TIMEOUT_MS/,
    );
  });

  it("IMAGE_PROVIDER=gemini prefers the Gemini API key and never picks Imagen", () => {
    expect(() => createImageProvider("gemini", { GOOGLE_IMAGE_BACKEND: "imagen", GEMINI_API_KEY: "k" })).toThrow(
      /imagen/,
    );
    const provider = createImageProvider("gemini", { GEMINI_API_KEY: "k" });
    expect(provider.capabilities.has("upscale")).toBe(false);
  });
});

describe("google on Vertex AI: Imagen", () => {
  let fake: GoogleFake;
  let provider: ImageProvider;
  beforeAll(async () => {
    fake = await startFake();
    provider = createImageProvider("google", envFor(fake, "imagen"), FAST);
  });
  afterAll(() => fake.server.close());
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    expect(violations).toEqual([]);
  });

  const predictCalls = () => fake.server.requests.filter((r) => r.path.endsWith(":predict"));

  it("fetches one OAuth token through the key file's token_uri and reuses it", async () => {
    await provider.generate(generation(), ctx());
    await provider.generate(generation(), ctx());
    const tokens = fake.server.requests.filter((r) => r.path === "/token").length;
    expect(tokens).toBeLessThanOrEqual(1);
    expect(fake.account.issued.size).toBe(1);
  });

  it("maps quality, 2K, seed, aspect ratio and negative prompt onto the Imagen 4 request", async () => {
    const result = await provider.generate(
      generation({ quality: "fast", size: "2K", seed: 7, aspectRatio: "21:9", negativePrompt: "fog" }),
      ctx(),
    );
    const call = predictCalls()[0]!;
    // The fast model has no 2K output: the standard model draws it.
    expect(call.path).toContain("/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict");
    expect(result.model).toBe("imagen-4.0-generate-001");
    const body = jsonOf<{ instances: { prompt: string }[]; parameters: Record<string, unknown> }>(call);
    expect(body.parameters).toMatchObject({ sampleImageSize: "2K", seed: 7, addWatermark: false, aspectRatio: "16:9" });
    expect(body.parameters.negativePrompt).toBeUndefined();
    expect(body.instances[0]!.prompt).toContain("fog");
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 64, height: 36 });
  });

  it("uses the ultra model for ultra quality", async () => {
    const result = await provider.generate(generation({ quality: "ultra" }), ctx());
    expect(result.model).toBe("imagen-4.0-ultra-generate-001");
  });

  it("counts RAI-filtered predictions and returns the rest", async () => {
    fake.filterFirst = 1;
    const result = await provider.generate(generation({ count: 3 }), ctx());
    expect(result.images).toHaveLength(2);
    expect(result.filtered).toBe(1);
  });

  it("treats a prompt refused with 400 by the safety filter as CONTENT_FILTERED", async () => {
    fake.refuseNext(1, "prompt-400");
    await expectApiError(provider.generate(generation(), ctx()), "CONTENT_FILTERED");
  });

  it("outpaints on a padded canvas with a mask that is white exactly on the new border", async () => {
    const request = await editOf("outpaint");
    await provider.edit(request, ctx());
    const body = fake.lastBody as {
      instances: { referenceImages: Record<string, any>[] }[];
      parameters: Record<string, unknown>;
    };
    expect(body.parameters.editMode).toBe("EDIT_MODE_OUTPAINT");
    const [raw, mask] = body.instances[0]!.referenceImages;
    const canvas = await sizeOf(Buffer.from(raw!.referenceImage.bytesBase64Encoded, "base64"));
    expect(canvas).toMatchObject({ width: 24 + 8, height: 16 + 2 });
    const { data, info } = await sharp(Buffer.from(mask!.referenceImage.bytesBase64Encoded, "base64"))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels];
    expect(at(0, 0)).toBe(255); // left border
    expect(at(31, 5)).toBe(255); // right border
    expect(at(10, 17)).toBe(255); // bottom border
    expect(at(4, 0)).toBe(0); // first original pixel
    expect(at(27, 15)).toBe(0); // last original pixel
  });

  it("maps inpaint, remove and background to Imagen's edit modes and mask modes", async () => {
    const modes: Record<string, [string, string]> = {
      inpaint: ["EDIT_MODE_INPAINT_INSERTION", "MASK_MODE_USER_PROVIDED"],
      remove: ["EDIT_MODE_INPAINT_REMOVAL", "MASK_MODE_USER_PROVIDED"],
      background: ["EDIT_MODE_BGSWAP", "MASK_MODE_BACKGROUND"],
    };
    for (const [mode, [editMode, maskMode]] of Object.entries(modes)) {
      const result = await provider.edit(await editOf(mode as "inpaint"), ctx());
      expect(result.model).toBe("imagen-3.0-capability-001");
      const body = fake.lastBody as {
        instances: { referenceImages: Record<string, any>[] }[];
        parameters: Record<string, unknown>;
      };
      expect(body.parameters.editMode).toBe(editMode);
      expect(body.instances[0]!.referenceImages[1]!.maskImageConfig.maskMode).toBe(maskMode);
    }
  });

  it("sends instruction-only edits to Gemini on Vertex (global), since Imagen has no such mode", async () => {
    const result = await provider.edit(await editOf("instruct"), ctx());
    expect(result.model).toBe("gemini-2.5-flash-image");
    expect(
      fake.server.requests.some((r) =>
        r.path.includes("/locations/global/publishers/google/models/gemini-2.5-flash-image:generateContent"),
      ),
    ).toBe(true);
  });
});

describe("google Gemini image models", () => {
  let fake: GoogleFake;
  let provider: ImageProvider;
  beforeAll(async () => {
    fake = await startFake();
    provider = createImageProvider("google", envFor(fake, "gemini-api"), FAST);
  });
  afterAll(() => fake.server.close());
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    expect(violations).toEqual([]);
  });

  const calls = () => fake.server.requests.filter((r) => r.path.endsWith(":generateContent"));

  it("draws n images with n calls and consecutive seeds (image models take no candidateCount)", async () => {
    const result = await provider.generate(generation({ count: 3, seed: 100 }), ctx());
    expect(result.images).toHaveLength(3);
    const seeds = calls().map((c) => jsonOf<{ generationConfig: { seed: number } }>(c).generationConfig.seed);
    expect(seeds.sort()).toEqual([100, 101, 102]);
  });

  it("counts a blocked image and returns the others", async () => {
    fake.refuseNext(1, "image-safety");
    const result = await provider.generate(generation({ count: 2 }), ctx());
    expect(result.images).toHaveLength(1);
    expect(result.filtered).toBe(1);
  });

  it("reports a prompt blocked by promptFeedback as CONTENT_FILTERED", async () => {
    fake.refuseNext(2, "block-reason");
    const error = await expectApiError(provider.generate(generation({ count: 2 }), ctx()), "CONTENT_FILTERED");
    expect(error.details.filtered).toBe(2);
  });

  it("reports a model that drew nothing (NO_IMAGE) as PROVIDER_ERROR, not as filtered", async () => {
    fake.refuseNext(1, "no-image");
    const error = await expectApiError(provider.generate(generation(), ctx()), "PROVIDER_ERROR");
    expect(error.message).toContain("NO_IMAGE");
  });

  it("sends 2K to a model that can size its output and skips draft (thought) images", async () => {
    const result = await provider.generate(generation({ size: "2K", aspectRatio: "3:2" }), ctx());
    expect(result.model).toBe("gemini-3-pro-image-preview");
    const body = jsonOf<{ generationConfig: { imageConfig: Record<string, string> } }>(calls()[0]!);
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: "3:2", imageSize: "2K" });
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 12, height: 8 });
  });

  it("sends the image and the mask as inline data for a masked edit", async () => {
    const result = await provider.edit(await editOf("inpaint"), ctx());
    expect(result.images).toHaveLength(1);
    const parts = jsonOf<{ contents: { parts: Record<string, any>[] }[] }>(calls()[0]!).contents[0]!.parts;
    expect(parts).toHaveLength(3);
    expect(parts[0]!.text).toContain("a red boat");
    const mask = await sizeOf(Buffer.from(parts[2]!.inlineData.data, "base64"));
    expect(mask).toMatchObject({ width: 24, height: 16 });
  });

  it("refuses upscaling on the Gemini API (no upscaler there)", async () => {
    await expectApiError(
      provider.upscale({ image: await imageInput(8, 8), factor: 2 }, ctx()),
      "PROVIDER_NOT_CONFIGURED",
    );
    expect(fake.server.requests).toHaveLength(0);
  });
});
