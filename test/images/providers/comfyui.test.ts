import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createImageProvider } from "../../../src/images/providers/index.js";
import type { ImageProvider, ProviderContext } from "../../../src/images/providers/provider.js";
import { ComfyUiFake } from "./fakes/comfyui.js";
import { sizeOf } from "./fakes/png.js";
import { formOf } from "./fakes/server.js";
import { editOf, expectApiError, FAST, generation, runImageProviderContract } from "./provider.contract.js";

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const SHIPPED = path.resolve(import.meta.dirname, "../../../src/images/providers/comfyui-workflows");

runImageProviderContract("comfyui", async () => {
  const fake = await ComfyUiFake.start();
  return {
    fake: { server: fake.server, close: () => fake.server.close() },
    make: (options) => createImageProvider("comfyui", { COMFYUI_URL: fake.server.url }, options),
  };
});

describe("comfyui adapter", () => {
  let fake: ComfyUiFake;
  let provider: ImageProvider;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "comfy-workflows-"));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    fake = await ComfyUiFake.start();
    provider = createImageProvider("comfyui", { COMFYUI_URL: fake.server.url }, FAST);
  });
  afterAll(async () => {
    await fake.server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    const violations = [...fake.server.violations];
    fake.server.reset();
    fake.queued.length = 0;
    expect(violations).toEqual([]);
  });

  it("needs COMFYUI_URL", () => {
    expect(() => createImageProvider("comfyui", {})).toThrow(/COMFYUI_URL/);
  });

  it("fills the txt2img template with typed values and polls history until the images exist", async () => {
    const result = await provider.generate(
      generation({ count: 2, seed: 11, quality: "fast", negativePrompt: "fog" }),
      ctx(),
    );
    expect(result.images).toHaveLength(2);
    expect(result.model).toBe("sd_xl_base_1.0.safetensors");
    const graph = fake.queued[0]!;
    expect(graph["3"]!.inputs).toMatchObject({ seed: 11, steps: 15, cfg: 7 });
    expect(graph["5"]!.inputs).toMatchObject({ width: 1024, height: 1024, batch_size: 2 });
    expect(graph["6"]!.inputs.text).toBe("a lighthouse on a cliff");
    expect(graph["7"]!.inputs.text).toBe("fog");
    expect(fake.server.requests.filter((r) => r.path.startsWith("/history/")).length).toBe(2);
  });

  it("uploads the image and a white-on-black mask for inpainting", async () => {
    const request = await editOf("inpaint");
    const result = await provider.edit(request, ctx());
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 24, height: 16 });
    const uploads = fake.server.requests.filter((r) => r.path === "/upload/image");
    expect(uploads).toHaveLength(2);
    const maskFile = (await formOf(uploads[1]!)).get("image") as File;
    const { data } = await sharp(Buffer.from(await maskFile.arrayBuffer()))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[3 * 24 + 3]).toBe(255); // inside the default mask rectangle
    expect(data[0]).toBe(0);
    const graph = fake.queued[0]!;
    expect(graph["2"]!.inputs).toMatchObject({ image: maskFile.name, channel: "red" });
    expect(graph["3"]!.inputs.denoise).toBe(0.85);
  });

  it("outpaints with ImagePadForOutpaint and returns the bigger canvas", async () => {
    const result = await provider.edit(await editOf("outpaint"), ctx());
    expect(fake.queued[0]!["2"]!.inputs).toMatchObject({ left: 4, right: 4, top: 0, bottom: 2 });
    expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 32, height: 18 });
  });

  it("reports node errors from /prompt as PROVIDER_ERROR with ComfyUI's message", async () => {
    const misconfigured = createImageProvider(
      "comfyui",
      { COMFYUI_URL: fake.server.url, COMFYUI_CHECKPOINT: "missing.safetensors" },
      FAST,
    );
    const error = await expectApiError(misconfigured.generate(generation(), ctx()), "PROVIDER_ERROR");
    expect(error.message).toContain("Prompt outputs failed validation");
    expect(error.message).toContain("ckpt_name: 'missing.safetensors' not in");
    expect(error.details.upstreamStatus).toBe(400);
  });

  it("reports an execution error from history as PROVIDER_ERROR naming the node", async () => {
    fake.failNextRun = true;
    const error = await expectApiError(provider.generate(generation(), ctx()), "PROVIDER_ERROR");
    expect(error.message).toContain("KSampler");
    expect(error.message).toContain("CUDA out of memory");
  });

  it("uses the operator's template from COMFYUI_WORKFLOWS_DIR, with placeholders inside longer strings", async () => {
    const dir = tempDir();
    const template = JSON.parse(readFileSync(path.join(SHIPPED, "txt2img.json"), "utf8"));
    template["6"].inputs.text = "masterpiece, {{PROMPT}}, best quality";
    template["9"].inputs.filename_prefix = "operator";
    writeFileSync(path.join(dir, "txt2img.json"), JSON.stringify(template));
    const custom = createImageProvider("comfyui", { COMFYUI_URL: fake.server.url, COMFYUI_WORKFLOWS_DIR: dir }, FAST);
    await custom.generate(generation(), ctx());
    expect(fake.queued[0]!["6"]!.inputs.text).toBe("masterpiece, a lighthouse on a cliff, best quality");
    expect(fake.queued[0]!["9"]!.inputs.filename_prefix).toBe("operator");
  });

  it("refuses an operator template that cannot work, naming the file", () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /API format/],
      [{ "1": { class_type: "LoadImage" } }, /class_type and inputs/],
      [{ "1": { class_type: "CLIPTextEncode", inputs: { text: "{{PROMT}}" } } }, /unknown placeholder.*PROMT/],
      [{ "1": { class_type: "CLIPTextEncode", inputs: { text: "fixed" } } }, /needs placeholder.*PROMPT/],
    ];
    for (const [json, message] of cases) {
      const dir = tempDir();
      writeFileSync(path.join(dir, "txt2img.json"), JSON.stringify(json));
      expect(() =>
        createImageProvider("comfyui", { COMFYUI_URL: fake.server.url, COMFYUI_WORKFLOWS_DIR: dir }),
      ).toThrow(message);
      expect(() =>
        createImageProvider("comfyui", { COMFYUI_URL: fake.server.url, COMFYUI_WORKFLOWS_DIR: dir }),
      ).toThrow(/txt2img\.json/);
    }
  });
});
