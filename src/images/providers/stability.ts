import { z } from "zod";
import type { Quality } from "../../credits/quotes.js";
import { ApiError } from "../../errors.js";
import { readJson } from "../../lib/provider-http.js";
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
  requiredText,
  seedFor,
} from "./common.js";
import { base64Image, binaryMaskPng, exactSize, outputImage, uprightPng } from "./image-ops.js";
import type {
  Capability,
  EditRequest,
  GeneratedImage,
  GenerateRequest,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

const StabilityEnv = z.object({
  STABILITY_API_KEY: requiredText,
  STABILITY_BASE_URL: optionalUrl.transform((v) => v ?? "https://api.stability.ai"),
  STABILITY_SD3_MODEL: optionalText.transform((v) => v ?? "sd3.5-large"),
  STABILITY_UPSCALER: z
    .preprocess((v) => (v === "" ? undefined : v), z.enum(["conservative", "creative"]).optional())
    .transform((v) => v ?? "conservative"),
});

const RATIOS = ["16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"] as const;
const ENGINE: Record<Quality, "core" | "sd3" | "ultra"> = { fast: "core", standard: "sd3", ultra: "ultra" };
const MAX_SEED = 4_294_967_294;
// Conservative and creative upscaling require a prompt; this one asks for fidelity, not new content.
const UPSCALE_PROMPT = "the same image in high resolution, sharp and detailed, faithful to the original";

/** `reason`: the provider's own words when it gave any (a moderation refusal's message). */
type Outcome = { kind: "image"; image: GeneratedImage } | { kind: "filtered"; reason?: string } | { kind: "pending" };

/**
 * Stability AI's v2beta REST API: multipart requests, `accept: image/*` answers with the image bytes and a
 * `finish-reason` header (CONTENT_FILTERED: the image is blurred by the filter and is not returned), and
 * asynchronous jobs (creative upscale, background replacement) polled at /v2beta/results/{id}.
 */
export class StabilityImageProvider implements ImageProvider {
  readonly name = "stability";
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    "generate",
    "edit.inpaint",
    "edit.remove",
    "edit.outpaint",
    "edit.background",
    "upscale",
  ]);
  private readonly http: ProviderHttp;

  constructor(
    private readonly cfg: z.infer<typeof StabilityEnv>,
    options: ProviderOptions,
  ) {
    this.http = new ProviderHttp("stability", options);
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkGenerate(this.name, this.capabilities, request);
    const engine = ENGINE[request.quality];
    const model = engine === "sd3" ? this.cfg.STABILITY_SD3_MODEL : `stable-image-${engine}`;
    const outcomes = await eachImage(request.count, (i) => {
      const form = this.form({
        prompt: request.prompt,
        negative_prompt: request.negativePrompt,
        aspect_ratio: nearestAspectRatio(request.aspectRatio, RATIOS),
        seed: seedFor(request.seed, i, MAX_SEED),
        ...(engine === "sd3" ? { model: this.cfg.STABILITY_SD3_MODEL } : {}),
      });
      return this.sync(`generate/${engine}`, form, ctx);
    });
    return this.finish(model, outcomes);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkEdit(this.name, this.capabilities, request);
    const image = new Blob([new Uint8Array(await uprightPng(request.image))], { type: "image/png" });
    const mask = request.mask
      ? new Blob([new Uint8Array(await binaryMaskPng(request.mask))], { type: "image/png" })
      : undefined;
    const prompt = request.prompt?.trim() || undefined;
    // Cutting out the subject gives the same picture every time: one call, one image, one charge.
    const count = request.mode === "background" && !prompt ? 1 : request.count;
    const outcomes = await eachImage(count, (i) => {
      const seed = seedFor(request.seed, i, MAX_SEED);
      switch (request.mode) {
        case "inpaint":
          return this.sync(
            "edit/inpaint",
            this.form({ prompt, negative_prompt: request.negativePrompt, seed }, { image, mask }),
            ctx,
          );
        case "remove":
          return this.sync("edit/erase", this.form({ seed }, { image, mask }), ctx);
        case "outpaint": {
          const { left, right, top, bottom } = request.outpaint!;
          const fields = { left, right, up: top, down: bottom, prompt, seed };
          return this.sync("edit/outpaint", this.form(fields, { image }), ctx);
        }
        default:
          // Without a description of the new background the subject is cut out onto transparency.
          if (!prompt) return this.sync("edit/remove-background", this.form({}, { image }), ctx);
          return this.async(
            "edit/replace-background-and-relight",
            this.form(
              { background_prompt: prompt, negative_prompt: request.negativePrompt, seed },
              { subject_image: image },
            ),
            ctx,
          );
      }
    });
    const endpoint = {
      inpaint: "inpaint",
      remove: "erase",
      outpaint: "outpaint",
      background: prompt ? "replace-background-and-relight" : "remove-background",
      instruct: "",
    }[request.mode];
    return this.finish(`stable-image-edit-${endpoint}`, outcomes);
  }

  async upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const image = new Blob([new Uint8Array(await uprightPng(request.image))], { type: "image/png" });
    // The fast upscaler (×4, then resized to the factor) unless a learned one is asked for.
    const kind = request.method === "learned" ? this.cfg.STABILITY_UPSCALER : "fast";
    const fields = kind === "fast" ? {} : { prompt: UPSCALE_PROMPT, seed: seedFor(undefined, 0, MAX_SEED) };
    const outcome =
      kind === "creative"
        ? await this.async("upscale/creative", this.form(fields, { image }), ctx)
        : await this.sync(`upscale/${kind}`, this.form(fields, { image }), ctx);
    const result = this.finish(`stable-image-upscale-${kind}`, [outcome]);
    return exactSize(result, request.image.width * request.factor, request.image.height * request.factor);
  }

  private form(
    fields: Record<string, string | number | undefined>,
    files: Record<string, Blob | undefined> = {},
  ): FormData {
    const form = new FormData();
    for (const [name, blob] of Object.entries(files)) if (blob) form.set(name, blob, `${name}.png`);
    for (const [name, value] of Object.entries(fields))
      if (value !== undefined && value !== "") form.set(name, String(value));
    form.set("output_format", "png");
    return form;
  }

  private headers(accept: string): Record<string, string> {
    return { authorization: `Bearer ${this.cfg.STABILITY_API_KEY}`, accept };
  }

  private sync(path: string, form: FormData, ctx: ProviderContext): Promise<Outcome> {
    const url = `${this.cfg.STABILITY_BASE_URL}/v2beta/stable-image/${path}`;
    return countRefusal(
      this.http
        .fetch(url, { method: "POST", headers: this.headers("image/*"), body: form }, ctx)
        .then((res) => this.read(res)),
    );
  }

  /** Starts an asynchronous job (200 `{id}`) and polls its result until it is no longer 202. */
  private async(path: string, form: FormData, ctx: ProviderContext): Promise<Outcome> {
    return countRefusal(this.job(path, form, ctx));
  }

  private async job(path: string, form: FormData, ctx: ProviderContext): Promise<Outcome> {
    const url = `${this.cfg.STABILITY_BASE_URL}/v2beta/stable-image/${path}`;
    const start = await this.http.fetch(
      url,
      { method: "POST", headers: this.headers("application/json"), body: form },
      ctx,
    );
    if (!start.ok) throw await this.failure(start);
    const { id } = await readJson<{ id?: string }>(start, this.name);
    if (!id) throw new ApiError("PROVIDER_ERROR", "stability started a job but returned no id");
    const resultUrl = `${this.cfg.STABILITY_BASE_URL}/v2beta/results/${encodeURIComponent(id)}`;
    return this.http.poll(ctx, `job ${id}`, async () => {
      const res = await this.http.fetch(resultUrl, { headers: this.headers("image/*") }, ctx);
      const outcome = await this.read(res);
      return outcome.kind === "pending" ? undefined : outcome;
    });
  }

  private async read(res: Response): Promise<Outcome> {
    if (res.status === 202) {
      await res.body?.cancel();
      return { kind: "pending" };
    }
    if (!res.ok) throw await this.failure(res);
    const type = res.headers.get("content-type") ?? "";
    if (type.startsWith("application/json")) {
      const body = await readJson<{ image?: string; result?: string; finish_reason?: string }>(res, this.name);
      if (body.finish_reason === "CONTENT_FILTERED") return { kind: "filtered" };
      const data = body.image ?? body.result;
      if (!data) throw new ApiError("PROVIDER_ERROR", "stability answered without an image");
      return { kind: "image", image: base64Image(this.name, data) };
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.headers.get("finish-reason") === "CONTENT_FILTERED") return { kind: "filtered" };
    return { kind: "image", image: outputImage(this.name, bytes) };
  }

  /** `{id, name, errors[]}`; a 403 content_moderation refusal is CONTENT_FILTERED, and costs nothing. */
  private async failure(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => "");
    let body: { name?: string; errors?: string[] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    const detail = body.errors?.join("; ") || text.slice(0, 300);
    if (res.status === 403 && body.name === "content_moderation") return contentFiltered(this.name, detail);
    return this.http.error(res.status, text, `${body.name ? `${body.name}: ` : ""}${detail}`);
  }

  private finish(model: string, outcomes: Outcome[]): ProviderResult {
    const images = outcomes.flatMap((o) => (o.kind === "image" ? [o.image] : []));
    const refusals = outcomes.flatMap((o) => (o.kind === "filtered" ? [o] : []));
    const why =
      refusals.find((o) => o.reason)?.reason ?? "the safety filter refused the image (finish-reason CONTENT_FILTERED)";
    return finishResult(this.name, model, images, refusals.length, refusals.length ? why : undefined);
  }
}

/** A moderation refusal of one image of a batch counts as filtered instead of failing the images that were drawn. */
async function countRefusal(outcome: Promise<Outcome>): Promise<Outcome> {
  try {
    return await outcome;
  } catch (error) {
    if (error instanceof ApiError && error.code === "CONTENT_FILTERED")
      return { kind: "filtered", reason: error.message.replace(/^stability: /, "") };
    throw error;
  }
}

export function createStabilityProvider(env: Record<string, string | undefined>, options: ProviderOptions) {
  return new StabilityImageProvider(parseProviderEnv("stability", StabilityEnv, env), options);
}
