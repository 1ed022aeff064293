import { z } from "zod";
import type { Quality } from "../../credits/quotes.js";
import { ApiError } from "../../errors.js";
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
} from "./common.js";
import { base64Image, binaryMaskPng, exactSize, padForOutpaint, uprightPng } from "./image-ops.js";
import type {
  Capability,
  EditRequest,
  GenerateRequest,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

const A1111Env = z.object({
  A1111_URL: requiredText
    .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }))
    .transform((v) => v.replace(/\/+$/, "")),
  A1111_AUTH: optionalText.refine((v) => v === undefined || v.includes(":"), "must be user:password"),
  A1111_CHECKPOINT: optionalText,
  A1111_SAMPLER: optionalText,
  A1111_UPSCALER: optionalText.transform((v) => v ?? "R-ESRGAN 4x+"),
  A1111_BASE_SIZE: z.coerce.number().int().min(256).max(2048).default(1024),
});

const STEPS: Record<Quality, number> = { fast: 15, standard: 25, ultra: 40 };
// inpainting_fill: 0 fill from surroundings, 1 keep the original, 2 latent noise.
const EDIT_SETTINGS = {
  inpaint: { fill: 1, fullRes: true, denoise: 0.75 },
  remove: { fill: 0, fullRes: true, denoise: 0.9 },
  outpaint: { fill: 2, fullRes: false, denoise: 0.95 },
} as const;

interface A1111Images {
  images?: string[];
  info?: string;
}

/**
 * Automatic1111 / Forge web UI API (`--api`): txt2img, img2img inpainting with a white-on-black mask, and the
 * extras upscaler. 2K output uses the hires fix (×2). No safety filter, so nothing is ever counted as filtered.
 */
export class Automatic1111Provider implements ImageProvider {
  readonly name = "automatic1111";
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    "generate",
    "generate.2k",
    "edit.inpaint",
    "edit.remove",
    "edit.outpaint",
    "upscale",
  ]);
  private readonly http: ProviderHttp;

  constructor(
    private readonly cfg: z.infer<typeof A1111Env>,
    options: ProviderOptions,
  ) {
    this.http = new ProviderHttp("automatic1111", options);
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkGenerate(this.name, this.capabilities, request);
    const steps = STEPS[request.quality];
    const { width, height } = dimensionsFor(request.aspectRatio, this.cfg.A1111_BASE_SIZE ** 2);
    const body = {
      ...this.common(request.quality, request.count, request.seed),
      prompt: request.prompt,
      negative_prompt: request.negativePrompt ?? "",
      width,
      height,
      ...(request.size === "2K"
        ? {
            enable_hr: true,
            hr_scale: 2,
            hr_upscaler: this.cfg.A1111_UPSCALER,
            hr_second_pass_steps: Math.ceil(steps / 2),
            denoising_strength: 0.45,
          }
        : {}),
    };
    return this.images("txt2img", body, request.count, ctx);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkEdit(this.name, this.capabilities, request);
    const mode = request.mode as keyof typeof EDIT_SETTINGS;
    const settings = EDIT_SETTINGS[mode];
    const canvas = mode === "outpaint" ? await padForOutpaint(request) : undefined;
    const image = canvas?.image ?? (await uprightPng(request.image));
    const mask = canvas?.mask ?? (await binaryMaskPng(request.mask!));
    const width = canvas?.width ?? request.image.width;
    const height = canvas?.height ?? request.image.height;
    const prompt = request.prompt?.trim() || (mode === "remove" ? "empty background, seamless, nothing there" : "");
    const body = {
      ...this.common(request.quality, request.count, request.seed),
      init_images: [image.toString("base64")],
      mask: mask.toString("base64"),
      prompt,
      negative_prompt: request.negativePrompt ?? "",
      // SD works in 8-pixel latent cells; the result is resized back to the canvas below.
      width: roundTo8(width),
      height: roundTo8(height),
      resize_mode: 0,
      denoising_strength: settings.denoise,
      inpainting_fill: settings.fill,
      inpaint_full_res: settings.fullRes,
      inpaint_full_res_padding: 32,
      inpainting_mask_invert: 0,
      mask_blur: 4,
    };
    return exactSize(await this.images("img2img", body, request.count, ctx), width, height);
  }

  async upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const upscaler = request.method === "fast" ? "Lanczos" : this.cfg.A1111_UPSCALER;
    const body = {
      image: (await uprightPng(request.image)).toString("base64"),
      resize_mode: 0,
      upscaling_resize: request.factor,
      upscaler_1: upscaler,
    };
    const answer = await this.post<{ image?: string }>("extra-single-image", body, ctx);
    const images = answer.image ? [base64Image(this.name, answer.image)] : [];
    const result = finishResult(this.name, upscaler, images, 0);
    return exactSize(result, request.image.width * request.factor, request.image.height * request.factor);
  }

  private common(quality: Quality, count: number, seed: number | undefined) {
    return {
      seed: seed ?? -1,
      batch_size: count,
      n_iter: 1,
      steps: STEPS[quality],
      cfg_scale: 7,
      ...(this.cfg.A1111_SAMPLER ? { sampler_name: this.cfg.A1111_SAMPLER } : {}),
      ...(this.cfg.A1111_CHECKPOINT ? { override_settings: { sd_model_checkpoint: this.cfg.A1111_CHECKPOINT } } : {}),
      send_images: true,
      save_images: false,
      // A grid would come back as an extra first image.
      do_not_save_grid: true,
    };
  }

  private async images(path: "txt2img" | "img2img", body: unknown, count: number, ctx: ProviderContext) {
    const answer = await this.post<A1111Images>(path, body, ctx);
    const images = (answer.images ?? []).slice(0, count).map((b64) => base64Image(this.name, b64));
    return finishResult(this.name, modelName(answer.info) ?? this.cfg.A1111_CHECKPOINT ?? "automatic1111", images, 0);
  }

  private post<T>(path: string, body: unknown, ctx: ProviderContext): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.cfg.A1111_AUTH) headers.authorization = `Basic ${Buffer.from(this.cfg.A1111_AUTH).toString("base64")}`;
    const url = `${this.cfg.A1111_URL}/sdapi/v1/${path}`;
    return this.http.json<T>(url, { method: "POST", headers, body: JSON.stringify(body) }, ctx, (res, text) =>
      a1111Error(res.status, text),
    );
  }
}

const roundTo8 = (v: number) => Math.max(8, Math.round(v / 8) * 8);

/** FastAPI errors: `{detail}` (422 validation) or `{error, detail, errors}` (500). */
function a1111Error(status: number, text: string): ApiError {
  let detail = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as { error?: string; detail?: unknown; errors?: string };
    detail = [body.error, body.errors, typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)]
      .filter(Boolean)
      .join(": ")
      .slice(0, 300);
  } catch {
    // not JSON
  }
  const auth = status === 401 ? " (check A1111_AUTH)" : "";
  return new ApiError("PROVIDER_ERROR", `automatic1111 answered ${status}${auth}: ${detail}`, {
    upstreamStatus: status,
  });
}

/** The checkpoint that drew the images, from the `info` JSON string A1111 returns. */
function modelName(info: string | undefined): string | undefined {
  try {
    const parsed = info ? (JSON.parse(info) as { sd_model_name?: string }) : undefined;
    return parsed?.sd_model_name || undefined;
  } catch {
    return undefined;
  }
}

export function createAutomatic1111Provider(env: Record<string, string | undefined>, options: ProviderOptions) {
  return new Automatic1111Provider(parseProviderEnv("automatic1111", A1111Env, env), options);
}
