import { z } from "zod";
import type { Quality } from "../../credits/quotes.js";
import { ApiError } from "../../errors.js";
import {
  checkEdit,
  checkGenerate,
  contentFiltered,
  eachImage,
  finishResult,
  nearestAspectRatio,
  optionalText,
  optionalUrl,
  ProviderHttp,
  type ProviderOptions,
  parseProviderEnv,
  ratioOf,
  requiredText,
  unsupported,
} from "./common.js";
import { alphaMaskPng, base64Image, padForOutpaint, uprightPng } from "./image-ops.js";
import type {
  Capability,
  EditRequest,
  GeneratedImage,
  GenerateRequest,
  ImageInput,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

const OpenAiEnv = z.object({
  OPENAI_API_KEY: requiredText,
  OPENAI_BASE_URL: optionalUrl.transform((v) => v ?? "https://api.openai.com/v1"),
  OPENAI_IMAGE_MODEL: optionalText.transform((v) => v ?? "gpt-image-1"),
  OPENAI_ORG_ID: optionalText,
});

interface ImagesResponse {
  data?: { b64_json?: string }[];
}

// gpt-image models take low/medium/high; DALL·E 3 takes standard/hd.
const GPT_IMAGE_QUALITY: Record<Quality, string> = { fast: "low", standard: "medium", ultra: "high" };
const DALLE3_QUALITY: Record<Quality, string> = { fast: "standard", standard: "standard", ultra: "hd" };
const FILTER_CODES = new Set(["content_policy_violation", "moderation_blocked"]);

/** OpenAI Images API: /images/generations (JSON) and /images/edits (multipart, mask transparent where to edit). */
export class OpenAiImageProvider implements ImageProvider {
  readonly name = "openai";
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    "generate",
    "edit.inpaint",
    "edit.remove",
    "edit.outpaint",
    "edit.background",
    "edit.instruct",
  ]);
  private readonly http: ProviderHttp;
  private readonly family: "gpt-image" | "dall-e-3" | "dall-e-2";

  constructor(
    private readonly cfg: z.infer<typeof OpenAiEnv>,
    options: ProviderOptions,
  ) {
    this.http = new ProviderHttp("openai", options);
    const model = cfg.OPENAI_IMAGE_MODEL;
    this.family = model.startsWith("dall-e-3") ? "dall-e-3" : model.startsWith("dall-e-2") ? "dall-e-2" : "gpt-image";
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkGenerate(this.name, this.capabilities, request);
    const prompt = request.negativePrompt ? `${request.prompt}\n\nAvoid: ${request.negativePrompt}` : request.prompt;
    const body = (n: number) => ({
      model: this.cfg.OPENAI_IMAGE_MODEL,
      prompt,
      n,
      size: this.size(ratioOf(request.aspectRatio)),
      ...this.qualityAndFormat(request.quality),
    });
    // DALL·E 3 draws one image per request.
    const batches =
      this.family === "dall-e-3"
        ? await eachImage(request.count, () => this.post(body(1), ctx))
        : [await this.post(body(request.count), ctx)];
    return finishResult(this.name, this.cfg.OPENAI_IMAGE_MODEL, batches.flat(), 0);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkEdit(this.name, this.capabilities, request);
    let image: ImageInput = request.image;
    let mask = request.mask;
    if (request.mode === "outpaint") {
      const canvas = await padForOutpaint(request);
      const input = (bytes: Buffer): ImageInput => ({
        bytes,
        mimeType: "image/png",
        width: canvas.width,
        height: canvas.height,
      });
      image = input(canvas.image);
      mask = input(canvas.mask);
    }
    const form = new FormData();
    form.set("model", this.cfg.OPENAI_IMAGE_MODEL);
    form.set("prompt", editPrompt(request));
    form.set("n", String(request.count));
    form.set("size", this.family === "gpt-image" ? "auto" : "1024x1024");
    for (const [k, v] of Object.entries(this.qualityAndFormat(request.quality))) form.set(k, v);
    form.set("image", new Blob([new Uint8Array(await uprightPng(image))], { type: "image/png" }), "image.png");
    if (mask) {
      const alpha = await alphaMaskPng(image, mask);
      form.set("mask", new Blob([new Uint8Array(alpha)], { type: "image/png" }), "mask.png");
    }
    const images = await this.send(`${this.cfg.OPENAI_BASE_URL}/images/edits`, form, ctx);
    return finishResult(this.name, this.cfg.OPENAI_IMAGE_MODEL, images, 0);
  }

  async upscale(_request: UpscaleRequest, _ctx: ProviderContext): Promise<ProviderResult> {
    throw unsupported(this.name, "upscale");
  }

  /** The model's supported size nearest the wanted shape: square, landscape or portrait. */
  private size(ratio: number): string {
    if (this.family === "dall-e-2") return "1024x1024";
    const sizes =
      this.family === "dall-e-3" ? ["1024x1024", "1792x1024", "1024x1792"] : ["1024x1024", "1536x1024", "1024x1536"];
    return nearestAspectRatio(
      ratio,
      sizes.map((s) => s.replace("x", ":")),
    ).replace(":", "x");
  }

  private qualityAndFormat(quality: Quality): Record<string, string> {
    if (this.family === "gpt-image") return { quality: GPT_IMAGE_QUALITY[quality], output_format: "png" };
    // DALL·E models answer with URLs unless asked for base64.
    return this.family === "dall-e-3"
      ? { quality: DALLE3_QUALITY[quality], response_format: "b64_json" }
      : { response_format: "b64_json" };
  }

  private post(body: unknown, ctx: ProviderContext): Promise<GeneratedImage[]> {
    return this.send(`${this.cfg.OPENAI_BASE_URL}/images/generations`, JSON.stringify(body), ctx);
  }

  private async send(url: string, body: string | FormData, ctx: ProviderContext): Promise<GeneratedImage[]> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.cfg.OPENAI_API_KEY}` };
    if (typeof body === "string") headers["content-type"] = "application/json";
    if (this.cfg.OPENAI_ORG_ID) headers["openai-organization"] = this.cfg.OPENAI_ORG_ID;
    const answer = await this.http.json<ImagesResponse>(url, { method: "POST", headers, body }, ctx, (res, text) =>
      openAiError(res.status, text),
    );
    return (answer.data ?? []).flatMap((d) => (d.b64_json ? [base64Image(this.name, d.b64_json)] : []));
  }
}

/** `{error: {message, type, code}}`; a safety-system refusal (content_policy_violation, moderation_blocked) is CONTENT_FILTERED. */
function openAiError(status: number, body: string): ApiError {
  let error: { message?: string; code?: string | null; type?: string } = {};
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error ?? {};
  } catch {
    // not JSON
  }
  const message = error.message ?? body.slice(0, 300);
  if (FILTER_CODES.has(error.code ?? "")) return contentFiltered("openai", message);
  return new ApiError("PROVIDER_ERROR", `openai answered ${status}: ${message}`, {
    upstreamStatus: status,
    ...(error.code ? { upstreamCode: error.code } : {}),
  });
}

function editPrompt(request: EditRequest): string {
  const wish = request.prompt?.trim() ?? "";
  const avoid = request.negativePrompt ? ` Avoid: ${request.negativePrompt}.` : "";
  switch (request.mode) {
    case "remove":
      return `Remove the object in the transparent (masked) area and fill it so it blends naturally with its surroundings.${wish ? ` ${wish}` : ""}${avoid}`;
    case "outpaint":
      return `Extend the scene into the transparent border so it continues the picture naturally.${wish ? ` ${wish}` : ""}${avoid}`;
    case "background":
      return `Replace the background${wish ? ` with: ${wish}` : " with a clean, neutral studio background"}. Keep the main subject exactly as it is.${avoid}`;
    default:
      return `${wish}${avoid}`;
  }
}

export function createOpenAiProvider(env: Record<string, string | undefined>, options: ProviderOptions) {
  return new OpenAiImageProvider(parseProviderEnv("openai", OpenAiEnv, env), options);
}
