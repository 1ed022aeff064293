import type { Quality } from "../../credits/quotes.js";
import { ApiError } from "../../errors.js";
import { eachImage, finishResult, nearestAspectRatio, type ProviderHttp, seedFor } from "./common.js";
import { googleError } from "./google-vertex.js";
import { base64Image, binaryMaskPng, padForOutpaint, uprightPng } from "./image-ops.js";
import type { EditRequest, GeneratedImage, GenerateRequest, ProviderContext, ProviderResult } from "./provider.js";

/** Where generateContent is sent and how it is authorised: the Gemini API (API key) or Vertex AI (OAuth). */
export interface GeminiEndpoint {
  url(model: string): string;
  headers(): Promise<Record<string, string>>;
}

const GEMINI_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;

// Finish and block reasons that mean a filter withheld the image (not charged), as opposed to NO_IMAGE or OTHER,
// which mean the model simply did not draw one.
const FILTER_REASONS = new Set([
  "SAFETY",
  "IMAGE_SAFETY",
  "PROHIBITED_CONTENT",
  "IMAGE_PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "IMAGE_RECITATION",
]);

interface Part {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType?: string; data?: string };
}
interface GenerateContentResponse {
  candidates?: { content?: { parts?: Part[] }; finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
}

type Outcome = { kind: "image"; image: GeneratedImage } | { kind: "filtered" | "missing"; reason: string };

/**
 * Gemini image models (generateContent). They return one image per call (candidateCount > 1 is refused for image
 * models), so a request for n images is n calls with consecutive seeds.
 */
export class GeminiImages {
  constructor(
    private readonly http: ProviderHttp,
    private readonly endpoint: GeminiEndpoint,
    readonly models: Record<Quality, string>,
  ) {}

  /** Gemini 2.x image models have no imageSize; Gemini 3 image models take "1K" / "2K" / "4K". */
  static supportsImageSize(model: string): boolean {
    return !/^gemini-2\./.test(model);
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    let model = this.models[request.quality];
    // A 2K request at a tier whose model cannot size its output goes to the ultra model, which can.
    if (request.size === "2K" && !GeminiImages.supportsImageSize(model)) model = this.models.ultra;
    const text = request.negativePrompt ? `${request.prompt}\n\nAvoid: ${request.negativePrompt}` : request.prompt;
    const imageConfig = {
      aspectRatio: nearestAspectRatio(request.aspectRatio, GEMINI_RATIOS),
      ...(request.size === "2K" ? { imageSize: "2K" } : {}),
    };
    return this.run(model, request.count, request.seed, [{ text }], imageConfig, ctx);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    const model = this.models[request.quality];
    const canvas =
      request.mode === "outpaint" ? await padForOutpaint(request, { r: 255, g: 255, b: 255, alpha: 1 }) : undefined;
    const image = canvas?.image ?? (await uprightPng(request.image));
    const mask = canvas?.mask ?? (request.mask ? await binaryMaskPng(request.mask) : undefined);
    const parts: Part[] = [
      { text: editInstruction(request, mask !== undefined) },
      { inlineData: { mimeType: "image/png", data: image.toString("base64") } },
    ];
    if (mask) parts.push({ inlineData: { mimeType: "image/png", data: mask.toString("base64") } });
    const width = canvas?.width ?? request.image.width;
    const height = canvas?.height ?? request.image.height;
    const imageConfig = { aspectRatio: nearestAspectRatio(width / height, GEMINI_RATIOS) };
    return this.run(model, request.count, request.seed, parts, imageConfig, ctx);
  }

  private async run(
    model: string,
    count: number,
    seed: number | undefined,
    parts: Part[],
    imageConfig: Record<string, string>,
    ctx: ProviderContext,
  ): Promise<ProviderResult> {
    const outcomes = await eachImage(count, (i) => this.call(model, parts, imageConfig, seedFor(seed, i), ctx));
    const images = outcomes.flatMap((o) => (o.kind === "image" ? [o.image] : []));
    const filtered = outcomes.filter((o) => o.kind === "filtered").length;
    const failure = outcomes.find((o) => o.kind === "filtered") ?? outcomes.find((o) => o.kind === "missing");
    const why = failure && failure.kind !== "image" ? `${failure.kind}: ${failure.reason}` : undefined;
    return finishResult(this.http.provider, model, images, filtered, why);
  }

  private async call(
    model: string,
    parts: Part[],
    imageConfig: Record<string, string>,
    seed: number,
    ctx: ProviderContext,
  ): Promise<Outcome> {
    const body = {
      contents: [{ role: "user", parts }],
      generationConfig: { responseModalities: ["IMAGE"], imageConfig, seed },
    };
    const headers = { ...(await this.endpoint.headers()), "content-type": "application/json" };
    let answer: GenerateContentResponse;
    try {
      answer = await this.http.json<GenerateContentResponse>(
        this.endpoint.url(model),
        { method: "POST", headers, body: JSON.stringify(body) },
        ctx,
        (res, text) => googleError(this.http.provider, res.status, text),
      );
    } catch (error) {
      // A prompt refused with 400 counts as one filtered image, like a blockReason does.
      if (error instanceof ApiError && error.code === "CONTENT_FILTERED")
        return { kind: "filtered", reason: error.message };
      throw error;
    }
    const blocked = answer.promptFeedback?.blockReason;
    if (blocked) return { kind: "filtered", reason: blocked };
    const candidate = answer.candidates?.[0];
    // Thinking models may send draft images marked `thought`; only the final image counts.
    const part = candidate?.content?.parts?.find((p) => p.inlineData?.data && !p.thought);
    if (part?.inlineData?.data) return { kind: "image", image: base64Image(this.http.provider, part.inlineData.data) };
    const reason = candidate?.finishReason ?? "no candidate";
    if (FILTER_REASONS.has(reason)) return { kind: "filtered", reason };
    const said = candidate?.content?.parts?.find((p) => p.text)?.text;
    return { kind: "missing", reason: `${reason}${said ? `: ${said.slice(0, 200)}` : ""}` };
  }
}

/** The instruction that turns an edit mode into words; the mask, when sent, is the second image. */
function editInstruction(request: EditRequest, withMask: boolean): string {
  const wish = request.prompt?.trim();
  const region = withMask
    ? "Only change the region that is white in the second image (the mask); keep every black-masked pixel exactly as it is."
    : "";
  const avoid = request.negativePrompt ? ` Avoid: ${request.negativePrompt}.` : "";
  const lines: Record<EditRequest["mode"], string> = {
    inpaint: `Edit the first image: ${wish}. ${region}`,
    remove: `Remove what is in the masked region of the first image and fill it so it blends naturally with its surroundings.${wish ? ` ${wish}.` : ""} ${region}`,
    outpaint: `The first image has a blank white border. Fill the border (white in the mask) by extending the scene naturally${wish ? `: ${wish}` : ""}. Keep the original pixels unchanged.`,
    background: `Replace the background of the first image${wish ? ` with: ${wish}` : " with a clean, neutral studio background"}. Keep the main subject unchanged. ${region}`,
    instruct: `${wish}`,
  };
  return `${lines[request.mode].trim()}${avoid}`;
}
