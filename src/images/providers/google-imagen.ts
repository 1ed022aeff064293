import type { Quality } from "../../credits/quotes.js";
import { finishResult, nearestAspectRatio, type ProviderHttp } from "./common.js";
import { googleError, type ServiceAccountTokens, type VertexTarget, vertexModelUrl } from "./google-vertex.js";
import { base64Image, binaryMaskPng, exactSize, padForOutpaint, uprightPng } from "./image-ops.js";
import type {
  EditRequest,
  GeneratedImage,
  GenerateRequest,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

/** Imagen models and request settings (GOOGLE_IMAGEN_* variables). */
export interface ImagenConfig {
  models: Record<Quality, string>;
  editModel: string;
  upscaleModel: string;
  personGeneration: string;
  safetySetting: string;
}

const IMAGEN_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"] as const;
const BASE_STEPS: Record<Quality, number> = { fast: 20, standard: 35, ultra: 50 };

interface Prediction {
  bytesBase64Encoded?: string;
  mimeType?: string;
  raiFilteredReason?: string;
}

/** Imagen on Vertex AI: `:predict` for generation (Imagen 4), mask editing (capability model) and upscaling. */
export class ImagenClient {
  constructor(
    private readonly http: ProviderHttp,
    private readonly target: VertexTarget,
    private readonly tokens: ServiceAccountTokens,
    readonly config: ImagenConfig,
  ) {}

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    // The fast model has no 2K output, so a 2K request at that tier uses the standard model.
    const quality = request.size === "2K" && request.quality === "fast" ? "standard" : request.quality;
    const model = this.config.models[quality];
    // Imagen 3.0-generate-002 and later take no negativePrompt parameter; the wish goes into the prompt instead.
    const prompt = request.negativePrompt ? `${request.prompt}\n\nAvoid: ${request.negativePrompt}` : request.prompt;
    const parameters: Record<string, unknown> = {
      sampleCount: request.count,
      aspectRatio: nearestAspectRatio(request.aspectRatio, IMAGEN_RATIOS),
      personGeneration: this.config.personGeneration,
      safetySetting: this.config.safetySetting,
      includeRaiReason: true,
      outputOptions: { mimeType: "image/png" },
      ...(request.size === "2K" ? { sampleImageSize: "2K" } : {}),
      // A seed is only honoured with the watermark off.
      ...(request.seed !== undefined ? { seed: request.seed, addWatermark: false } : {}),
    };
    const predictions = await this.predict(model, { instances: [{ prompt }], parameters }, ctx);
    return this.result(model, predictions, request.count);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const raw = request.mode === "outpaint" ? await padForOutpaint(request) : undefined;
    const image = raw?.image ?? (await uprightPng(request.image));
    const mask = raw?.mask ?? (request.mask ? await binaryMaskPng(request.mask) : undefined);
    const editMode = {
      inpaint: "EDIT_MODE_INPAINT_INSERTION",
      remove: "EDIT_MODE_INPAINT_REMOVAL",
      outpaint: "EDIT_MODE_OUTPAINT",
      background: "EDIT_MODE_BGSWAP",
      instruct: undefined,
    }[request.mode];
    if (!editMode) throw new Error(`Imagen has no ${request.mode} mode`);
    // Google's recommended dilations: a little for inpainting, more for outpainting, none for a computed background.
    const dilation = request.mode === "outpaint" ? 0.03 : request.mode === "background" && !mask ? 0 : 0.01;
    const maskReference = mask
      ? {
          referenceType: "REFERENCE_TYPE_MASK",
          referenceId: 2,
          referenceImage: { bytesBase64Encoded: mask.toString("base64") },
          maskImageConfig: { maskMode: "MASK_MODE_USER_PROVIDED", dilation },
        }
      : {
          referenceType: "REFERENCE_TYPE_MASK",
          referenceId: 2,
          maskImageConfig: { maskMode: "MASK_MODE_BACKGROUND", dilation },
        };
    const instance = {
      prompt: request.prompt ?? (request.mode === "background" ? "a clean, neutral studio background" : ""),
      referenceImages: [
        {
          referenceType: "REFERENCE_TYPE_RAW",
          referenceId: 1,
          referenceImage: { bytesBase64Encoded: image.toString("base64") },
        },
        maskReference,
      ],
    };
    const parameters: Record<string, unknown> = {
      editMode,
      sampleCount: request.count,
      editConfig: { baseSteps: BASE_STEPS[request.quality] },
      personGeneration: this.config.personGeneration,
      safetySetting: this.config.safetySetting,
      includeRaiReason: true,
      outputOptions: { mimeType: "image/png" },
      ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
      ...(request.seed !== undefined ? { seed: request.seed, addWatermark: false } : {}),
    };
    const predictions = await this.predict(this.config.editModel, { instances: [instance], parameters }, ctx);
    return this.result(this.config.editModel, predictions, request.count);
  }

  async upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const model = this.config.upscaleModel;
    const image = await uprightPng(request.image);
    const body = {
      instances: [{ image: { bytesBase64Encoded: image.toString("base64"), mimeType: "image/png" } }],
      parameters: {
        mode: "upscale",
        sampleCount: 1,
        upscaleConfig: { upscaleFactor: `x${request.factor}` },
        outputOptions: { mimeType: "image/png" },
        includeRaiReason: true,
      },
    };
    const result = this.result(model, await this.predict(model, body, ctx), 1);
    return exactSize(result, request.image.width * request.factor, request.image.height * request.factor);
  }

  private async predict(model: string, body: unknown, ctx: ProviderContext): Promise<Prediction[]> {
    const url = vertexModelUrl(this.target, model, "predict");
    const headers = {
      authorization: await this.tokens.authorization(this.http.provider),
      "content-type": "application/json",
    };
    const answer = await this.http.json<{ predictions?: Prediction[] }>(
      url,
      { method: "POST", headers, body: JSON.stringify(body) },
      ctx,
      (res, text) => googleError(this.http.provider, res.status, text),
    );
    return answer.predictions ?? [];
  }

  /**
   * Filtered images come back as `{raiFilteredReason}` entries (includeRaiReason) or are simply missing, so the
   * filtered count is whichever is larger: the explicit entries, or what was asked for minus what arrived.
   */
  private result(model: string, predictions: Prediction[], requested: number): ProviderResult {
    const images: GeneratedImage[] = [];
    const reasons: string[] = [];
    for (const p of predictions) {
      if (p.bytesBase64Encoded) images.push(base64Image(this.http.provider, p.bytesBase64Encoded));
      else if (p.raiFilteredReason) reasons.push(p.raiFilteredReason);
    }
    const filtered = Math.max(reasons.length, requested - images.length);
    return finishResult(this.http.provider, model, images, filtered, reasons[0]);
  }
}
