import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Quality } from "../../credits/quotes.js";
import { ApiError } from "../../errors.js";
import { readJson } from "../../lib/provider-http.js";
import { fillWorkflow, loadWorkflows, type WorkflowKind, type Workflows } from "./comfyui-workflows.js";
import {
  checkEdit,
  checkGenerate,
  dimensionsFor,
  finishResult,
  optionalText,
  ProviderHttp,
  type ProviderOptions,
  parseProviderEnv,
  requiredText,
  seedFor,
} from "./common.js";
import { binaryMaskPng, exactSize, outputImage, uprightPng } from "./image-ops.js";
import type {
  Capability,
  EditRequest,
  GenerateRequest,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

const ComfyEnv = z.object({
  COMFYUI_URL: requiredText
    .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }))
    .transform((v) => v.replace(/\/+$/, "")),
  COMFYUI_WORKFLOWS_DIR: optionalText,
  COMFYUI_CHECKPOINT: optionalText.transform((v) => v ?? "sd_xl_base_1.0.safetensors"),
  COMFYUI_UPSCALE_MODEL: optionalText.transform((v) => v ?? "RealESRGAN_x4plus.pth"),
  COMFYUI_BASE_SIZE: z.coerce.number().int().min(256).max(2048).default(1024),
});

const STEPS: Record<Quality, number> = { fast: 15, standard: 25, ultra: 40 };

interface HistoryEntry {
  outputs?: Record<string, { images?: { filename: string; subfolder?: string; type?: string }[] }>;
  status?: { status_str?: string; completed?: boolean; messages?: [string, Record<string, unknown>][] };
}

/**
 * A ComfyUI server: workflow templates (API format) filled in, images uploaded to /upload/image, the graph queued
 * at /prompt, /history/{id} polled until its outputs appear, and the saved images fetched from /view.
 */
export class ComfyUiProvider implements ImageProvider {
  readonly name = "comfyui";
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    "generate",
    "edit.inpaint",
    "edit.remove",
    "edit.outpaint",
    "upscale",
  ]);
  private readonly http: ProviderHttp;
  private readonly clientId = randomUUID();

  constructor(
    private readonly cfg: z.infer<typeof ComfyEnv>,
    private readonly workflows: Workflows,
    options: ProviderOptions,
  ) {
    this.http = new ProviderHttp("comfyui", options);
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkGenerate(this.name, this.capabilities, request);
    const { width, height } = dimensionsFor(request.aspectRatio, this.cfg.COMFYUI_BASE_SIZE ** 2);
    return this.run("txt2img", this.cfg.COMFYUI_CHECKPOINT, ctx, {
      ...this.sampling(request.quality, request.count, request.seed),
      PROMPT: request.prompt,
      NEGATIVE_PROMPT: request.negativePrompt ?? "",
      WIDTH: width,
      HEIGHT: height,
    });
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkEdit(this.name, this.capabilities, request);
    const image = await this.upload(await uprightPng(request.image), ctx);
    const prompt =
      request.prompt?.trim() || (request.mode === "remove" ? "empty background, seamless, nothing there" : "");
    const values = {
      ...this.sampling(request.quality, request.count, request.seed),
      IMAGE: image,
      PROMPT: prompt,
      NEGATIVE_PROMPT: request.negativePrompt ?? "",
      WIDTH: request.image.width,
      HEIGHT: request.image.height,
    };
    if (request.mode === "outpaint") {
      const pads = request.outpaint!;
      return this.run("outpaint", this.cfg.COMFYUI_CHECKPOINT, ctx, {
        ...values,
        PAD_LEFT: pads.left,
        PAD_TOP: pads.top,
        PAD_RIGHT: pads.right,
        PAD_BOTTOM: pads.bottom,
      });
    }
    const mask = await this.upload(await binaryMaskPng(request.mask!), ctx);
    const denoise = request.mode === "remove" ? 1 : 0.85;
    return this.run("inpaint", this.cfg.COMFYUI_CHECKPOINT, ctx, { ...values, MASK: mask, DENOISE: denoise });
  }

  async upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const image = await this.upload(await uprightPng(request.image), ctx);
    const width = request.image.width * request.factor;
    const height = request.image.height * request.factor;
    const result = await this.run("upscale", this.cfg.COMFYUI_UPSCALE_MODEL, ctx, {
      IMAGE: image,
      UPSCALE_MODEL: this.cfg.COMFYUI_UPSCALE_MODEL,
      FACTOR: request.factor,
      TARGET_WIDTH: width,
      TARGET_HEIGHT: height,
      WIDTH: request.image.width,
      HEIGHT: request.image.height,
    });
    return exactSize(result, width, height);
  }

  private sampling(quality: Quality, count: number, seed: number | undefined) {
    return {
      SEED: seedFor(seed, 0),
      STEPS: STEPS[quality],
      CFG: 7,
      BATCH_SIZE: count,
      CHECKPOINT: this.cfg.COMFYUI_CHECKPOINT,
    };
  }

  /** Uploads to ComfyUI's input folder under a unique name; the name is what LoadImage nodes refer to. */
  private async upload(png: Buffer, ctx: ProviderContext): Promise<string> {
    const form = new FormData();
    form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }), `api-credits-${randomUUID()}.png`);
    form.set("type", "input");
    form.set("overwrite", "true");
    const saved = await this.http.json<{ name?: string; subfolder?: string }>(
      `${this.cfg.COMFYUI_URL}/upload/image`,
      { method: "POST", body: form },
      ctx,
    );
    if (!saved.name) throw new ApiError("PROVIDER_ERROR", "comfyui accepted an upload but named no file");
    return saved.subfolder ? `${saved.subfolder}/${saved.name}` : saved.name;
  }

  private async run(
    kind: WorkflowKind,
    model: string,
    ctx: ProviderContext,
    values: Record<string, string | number>,
  ): Promise<ProviderResult> {
    const prompt = fillWorkflow(this.workflows[kind], values);
    const res = await this.http.fetch(
      `${this.cfg.COMFYUI_URL}/prompt`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt, client_id: this.clientId }),
      },
      ctx,
    );
    if (!res.ok) throw promptError(res.status, await res.text().catch(() => ""));
    const { prompt_id: id } = await readJson<{ prompt_id?: string }>(res, this.name);
    if (!id) throw new ApiError("PROVIDER_ERROR", "comfyui queued the workflow but returned no prompt_id");

    const entry = await this.http.poll(ctx, `prompt ${id}`, async () => {
      const history = await this.http.json<Record<string, HistoryEntry>>(
        `${this.cfg.COMFYUI_URL}/history/${encodeURIComponent(id)}`,
        {},
        ctx,
      );
      const found = history[id];
      if (found?.status?.status_str === "error") throw executionError(found);
      // The entry appears when execution ends; outputs alone may be partial while nodes still run.
      return found && (found.status?.completed ?? true) ? found : undefined;
    });

    const files = Object.values(entry.outputs ?? {})
      .flatMap((o) => o.images ?? [])
      .filter((f) => (f.type ?? "output") === "output");
    const images = await Promise.all(
      files.map(async (f) => {
        const query = new URLSearchParams({
          filename: f.filename,
          subfolder: f.subfolder ?? "",
          type: f.type ?? "output",
        });
        const view = await this.http.fetch(`${this.cfg.COMFYUI_URL}/view?${query}`, {}, ctx);
        if (!view.ok) throw this.http.error(view.status, await view.text().catch(() => ""));
        return outputImage(this.name, Buffer.from(await view.arrayBuffer()));
      }),
    );
    return finishResult(this.name, model, images, 0, "the workflow saved no output image");
  }
}

/** /prompt refuses an invalid graph with 400 `{error: {message}, node_errors: {id: {class_type, errors: [...]}}}`. */
function promptError(status: number, text: string): ApiError {
  let detail = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as {
      error?: { message?: string; details?: string };
      node_errors?: Record<string, { class_type?: string; errors?: { message?: string; details?: string }[] }>;
    };
    const nodes = Object.entries(body.node_errors ?? {}).map(
      ([id, n]) =>
        `node ${id} (${n.class_type ?? "?"}): ${(n.errors ?? []).map((e) => [e.message, e.details].filter(Boolean).join(": ")).join("; ")}`,
    );
    detail = [body.error?.message, ...nodes].filter(Boolean).join(" | ") || detail;
  } catch {
    // not JSON
  }
  return new ApiError("PROVIDER_ERROR", `comfyui refused the workflow (${status}): ${detail}`, {
    upstreamStatus: status,
  });
}

function executionError(entry: HistoryEntry): ApiError {
  const failure = entry.status?.messages?.find(([event]) => event === "execution_error")?.[1] ?? {};
  const node = failure.node_type ? ` in ${String(failure.node_type)} (node ${String(failure.node_id)})` : "";
  const message = failure.exception_message ? String(failure.exception_message).trim() : "execution failed";
  return new ApiError("PROVIDER_ERROR", `comfyui failed${node}: ${message}`);
}

export function createComfyUiProvider(env: Record<string, string | undefined>, options: ProviderOptions) {
  const cfg = parseProviderEnv("comfyui", ComfyEnv, env);
  return new ComfyUiProvider(cfg, loadWorkflows(cfg.COMFYUI_WORKFLOWS_DIR), options);
}
