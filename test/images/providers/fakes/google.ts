import { answerTokenRequest, type FakeServiceAccount, writeServiceAccountKey } from "./google-oauth.js";
import { b64, makePng, shapeOf, sizeOf } from "./png.js";
import { FakeServer, jsonOf, type Recorded, type Reply, Rules } from "./server.js";

const IMAGEN_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"];
const GEMINI_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
const IMAGEN_PARAMS = new Set([
  "sampleCount",
  "aspectRatio",
  "personGeneration",
  "safetySetting",
  "includeRaiReason",
  "outputOptions",
  "sampleImageSize",
  "seed",
  "addWatermark",
  "enhancePrompt",
  "language",
  "storageUri",
]);
const EDIT_MODES = [
  "EDIT_MODE_INPAINT_INSERTION",
  "EDIT_MODE_INPAINT_REMOVAL",
  "EDIT_MODE_OUTPAINT",
  "EDIT_MODE_BGSWAP",
];
const MASK_MODES = ["MASK_MODE_USER_PROVIDED", "MASK_MODE_BACKGROUND", "MASK_MODE_FOREGROUND", "MASK_MODE_SEMANTIC"];

/** How the next API call refuses: Imagen drops images for RAI; Gemini blocks the prompt or the image. */
export type GoogleRefusal = "rai" | "block-reason" | "image-safety" | "prompt-400" | "no-image";

type Json = Record<string, unknown>;
type Instance = { prompt?: unknown; image?: Json; referenceImages?: Json[] };

/**
 * Vertex AI (Imagen `:predict`, Gemini `:generateContent`) and the Gemini API, with Google's OAuth token endpoint.
 * It checks each request against the documented shapes and answers with real PNGs shaped like the request asked.
 */
export class GoogleFake {
  readonly refusals: GoogleRefusal[] = [];
  /** How many of the next Imagen predictions come back filtered (partial refusal). */
  filterFirst = 0;
  lastBody: Json | undefined;

  private constructor(
    readonly server: FakeServer,
    readonly account: FakeServiceAccount,
    readonly apiKey: string,
  ) {}

  static async start(keyDir: string): Promise<GoogleFake> {
    let fake: GoogleFake | undefined;
    const server = await FakeServer.start(
      (req) => fake!.route(req),
      (req) => req.path !== "/token",
    );
    fake = new GoogleFake(server, writeServiceAccountKey(keyDir, `${server.url}/token`), "fake-gemini-key");
    return fake;
  }

  refuseNext(times = 1, style?: GoogleRefusal) {
    for (let i = 0; i < times; i++) this.refusals.push(style ?? "rai");
  }

  private async route(req: Recorded): Promise<Reply> {
    const rules = new Rules();
    let reply: Reply;
    if (req.path === "/token") reply = answerTokenRequest(req, this.account, rules);
    else {
      const vertex =
        /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(predict|generateContent)$/.exec(
          req.path,
        );
      const api = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.path);
      rules.check(req.method === "POST", `${req.path}: must be POST`);
      rules.check(String(req.headers["content-type"]).startsWith("application/json"), `${req.path}: body must be JSON`);
      if (vertex) {
        const auth = String(req.headers.authorization ?? "");
        rules.check(
          this.account.issued.has(auth.replace(/^Bearer /, "")),
          `vertex: authorization ${auth} is not a token the OAuth endpoint issued`,
        );
        rules.check(vertex[1] === "fake-project", `vertex: project ${vertex[1]}`);
        const [, , location, model, method] = vertex;
        if (method === "generateContent") reply = await this.gemini(req, model!, rules);
        else {
          rules.check(location !== "global", "imagen: the global location is not supported for Imagen");
          reply = await this.predict(req, model!, rules);
        }
      } else if (api) {
        rules.check(
          req.headers["x-goog-api-key"] === this.apiKey,
          "gemini api: x-goog-api-key header missing or wrong",
        );
        rules.check(!req.headers.authorization, "gemini api: no OAuth header with an API key");
        reply = await this.gemini(req, api[1]!, rules);
      } else {
        reply = { status: 404, body: { error: { code: 404, message: `no route ${req.path}`, status: "NOT_FOUND" } } };
        rules.check(false, `unknown path ${req.path}`);
      }
    }
    if (rules.broken.length) return this.server.violation(rules.broken.join("; "));
    return reply;
  }

  private async predict(req: Recorded, model: string, rules: Rules): Promise<Reply> {
    const body = jsonOf<{ instances?: Instance[]; parameters?: Json }>(req);
    this.lastBody = body;
    const instance = body.instances?.[0] ?? {};
    const p = body.parameters ?? {};
    rules.check(body.instances?.length === 1, "predict: exactly one instance");
    let images: { width: number; height: number }[] = [];
    if (/^imagen-4\.0-(fast-|ultra-)?generate-001$/.test(model)) {
      rules.check(typeof instance.prompt === "string" && instance.prompt.length > 0, "imagen: prompt required");
      for (const key of Object.keys(p))
        rules.check(IMAGEN_PARAMS.has(key), `imagen: parameter ${key} is not accepted by Imagen 4`);
      rules.check(
        Number.isInteger(p.sampleCount) && Number(p.sampleCount) >= 1 && Number(p.sampleCount) <= 4,
        "imagen: sampleCount 1-4",
      );
      rules.check(IMAGEN_RATIOS.includes(String(p.aspectRatio)), `imagen: aspectRatio ${String(p.aspectRatio)}`);
      rules.check(
        ["dont_allow", "allow_adult", "allow_all"].includes(String(p.personGeneration)),
        "imagen: personGeneration",
      );
      rules.check(
        ["block_low_and_above", "block_medium_and_above", "block_only_high", "block_none"].includes(
          String(p.safetySetting),
        ),
        "imagen: safetySetting",
      );
      rules.check(p.includeRaiReason === true, "imagen: includeRaiReason should be true to see filtered images");
      rules.check(
        p.sampleImageSize === undefined || p.sampleImageSize === "1K" || p.sampleImageSize === "2K",
        "imagen: sampleImageSize 1K|2K",
      );
      rules.check(!(p.sampleImageSize === "2K" && model.includes("fast")), "imagen: the fast model has no 2K output");
      if (p.seed !== undefined) rules.check(p.addWatermark === false, "imagen: seed requires addWatermark false");
      const shape = shapeOf(String(p.aspectRatio), p.sampleImageSize === "2K" ? 4 : 2);
      images = Array.from({ length: Number(p.sampleCount) || 1 }, () => shape);
    } else if (model === "imagen-3.0-capability-001") {
      images = await this.checkEdit(instance, p, rules);
    } else if (model === "imagen-4.0-upscale-preview") {
      rules.check(p.mode === "upscale", "upscale: parameters.mode must be upscale");
      const factor = (p.upscaleConfig as Json | undefined)?.upscaleFactor;
      rules.check(factor === "x2" || factor === "x4", `upscale: upscaleFactor ${String(factor)}`);
      const src = await this.decode(instance.image?.bytesBase64Encoded, "upscale: instances[0].image", rules);
      if (src)
        images = [{ width: src.width * (factor === "x4" ? 4 : 2), height: src.height * (factor === "x4" ? 4 : 2) }];
    } else rules.check(false, `predict: unexpected model ${model}`);
    if (rules.broken.length) return { status: 400, body: {} };

    const refusal = this.refusals.shift();
    const predictions = await Promise.all(
      images.map(async (size, i) =>
        refusal === "rai" || i < this.filterFirst
          ? {
              raiFilteredReason:
                "Your current safety filter threshold filtered out the generated image. Responsible AI (58061214).",
            }
          : { bytesBase64Encoded: b64(await makePng(size.width, size.height)), mimeType: "image/png" },
      ),
    );
    this.filterFirst = 0;
    if (refusal === "prompt-400") {
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message:
              "The prompt could not be submitted. Your current safety filter threshold prohibited one or more words in this prompt.",
            status: "INVALID_ARGUMENT",
          },
        },
      };
    }
    return { status: 200, body: { predictions } };
  }

  private async checkEdit(instance: Instance, p: Json, rules: Rules) {
    rules.check(typeof instance.prompt === "string", "edit: prompt must be a string");
    rules.check(EDIT_MODES.includes(String(p.editMode)), `edit: editMode ${String(p.editMode)}`);
    rules.check(
      Number.isInteger(p.sampleCount) && Number(p.sampleCount) >= 1 && Number(p.sampleCount) <= 4,
      "edit: sampleCount 1-4",
    );
    rules.check(Number.isInteger((p.editConfig as Json | undefined)?.baseSteps), "edit: editConfig.baseSteps");
    const refs = instance.referenceImages ?? [];
    const raw = refs.find((r) => r.referenceType === "REFERENCE_TYPE_RAW");
    const mask = refs.find((r) => r.referenceType === "REFERENCE_TYPE_MASK");
    rules.check(refs.length === 2 && raw && mask, "edit: one REFERENCE_TYPE_RAW and one REFERENCE_TYPE_MASK reference");
    rules.check(raw?.referenceId !== mask?.referenceId, "edit: distinct referenceIds");
    const rawSize = await this.decode(
      (raw?.referenceImage as Json | undefined)?.bytesBase64Encoded,
      "edit: raw image",
      rules,
    );
    const config = (mask?.maskImageConfig ?? {}) as Json;
    rules.check(MASK_MODES.includes(String(config.maskMode)), `edit: maskMode ${String(config.maskMode)}`);
    rules.check(
      typeof config.dilation === "number" && config.dilation >= 0 && config.dilation <= 1,
      "edit: dilation 0-1",
    );
    if (config.maskMode === "MASK_MODE_USER_PROVIDED") {
      const maskSize = await this.decode(
        (mask?.referenceImage as Json | undefined)?.bytesBase64Encoded,
        "edit: mask image",
        rules,
      );
      rules.check(
        maskSize && rawSize && maskSize.width === rawSize.width && maskSize.height === rawSize.height,
        "edit: mask size differs from the image",
      );
    }
    if (p.editMode === "EDIT_MODE_OUTPAINT")
      rules.check(config.maskMode === "MASK_MODE_USER_PROVIDED", "outpaint: needs the user-provided mask");
    return rawSize ? Array.from({ length: Number(p.sampleCount) || 1 }, () => rawSize) : [];
  }

  private async gemini(req: Recorded, model: string, rules: Rules): Promise<Reply> {
    const body = jsonOf<{ contents?: { role?: string; parts?: Json[] }[]; generationConfig?: Json }>(req);
    this.lastBody = body;
    const parts = body.contents?.[0]?.parts ?? [];
    rules.check(body.contents?.length === 1 && body.contents[0]!.role === "user", "gemini: one user content");
    rules.check(
      typeof parts[0]?.text === "string" && (parts[0].text as string).length > 0,
      "gemini: a text part first",
    );
    for (const part of parts.slice(1)) {
      const inline = part.inlineData as Json | undefined;
      rules.check(
        ["image/png", "image/jpeg", "image/webp"].includes(String(inline?.mimeType)),
        "gemini: inlineData.mimeType",
      );
      await this.decode(inline?.data, "gemini: inlineData.data", rules);
    }
    const config = body.generationConfig ?? {};
    const modalities = config.responseModalities as string[] | undefined;
    rules.check(
      Array.isArray(modalities) &&
        modalities.includes("IMAGE") &&
        modalities.every((m) => m === "IMAGE" || m === "TEXT"),
      "gemini: responseModalities",
    );
    rules.check(
      config.candidateCount === undefined || config.candidateCount === 1,
      `Multiple candidates is not enabled for models/${model}`,
    );
    const imageConfig = (config.imageConfig ?? {}) as Json;
    rules.check(
      GEMINI_RATIOS.includes(String(imageConfig.aspectRatio)),
      `gemini: aspectRatio ${String(imageConfig.aspectRatio)}`,
    );
    if (imageConfig.imageSize !== undefined) {
      rules.check(["1K", "2K", "4K"].includes(String(imageConfig.imageSize)), "gemini: imageSize 1K|2K|4K");
      rules.check(!model.startsWith("gemini-2."), `gemini: ${model} takes no imageSize`);
    }
    if (rules.broken.length) return { status: 400, body: {} };

    const refusal = this.refusals.shift();
    if (refusal === "block-reason" || refusal === "rai")
      return { status: 200, body: { promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, modelVersion: model } };
    if (refusal === "image-safety")
      return { status: 200, body: { candidates: [{ finishReason: "IMAGE_SAFETY", index: 0 }], modelVersion: model } };
    if (refusal === "no-image") {
      return {
        status: 200,
        body: {
          candidates: [
            {
              content: { role: "model", parts: [{ text: "Here is a description instead." }] },
              finishReason: "NO_IMAGE",
            },
          ],
        },
      };
    }
    if (refusal === "prompt-400")
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: "Request blocked by safety filters (prohibited content).",
            status: "INVALID_ARGUMENT",
          },
        },
      };
    const shape = shapeOf(String(imageConfig.aspectRatio), imageConfig.imageSize === "2K" ? 4 : 2);
    const final = { inlineData: { mimeType: "image/png", data: b64(await makePng(shape.width, shape.height)) } };
    // Gemini 3 image models think in draft images first; those parts carry `thought: true`.
    const draft = { inlineData: { mimeType: "image/png", data: b64(await makePng(3, 3)) }, thought: true };
    const out = model.startsWith("gemini-3") ? [{ text: "Planning the image.", thought: true }, draft, final] : [final];
    return {
      status: 200,
      body: {
        candidates: [{ content: { role: "model", parts: out }, finishReason: "STOP", index: 0 }],
        modelVersion: model,
      },
    };
  }

  private async decode(data: unknown, what: string, rules: Rules) {
    if (typeof data !== "string" || data.length === 0) {
      rules.check(false, `${what}: base64 image missing`);
      return undefined;
    }
    try {
      return await sizeOf(Buffer.from(data, "base64"));
    } catch {
      rules.check(false, `${what}: not a decodable image`);
      return undefined;
    }
  }
}
