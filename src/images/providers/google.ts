import { z } from "zod";
import {
  checkEdit,
  checkGenerate,
  optionalText,
  optionalUrl,
  ProviderHttp,
  type ProviderOptions,
  parseProviderEnv,
  unsupported,
} from "./common.js";
import { GeminiImages } from "./google-gemini.js";
import { ImagenClient } from "./google-imagen.js";
import { readServiceAccountKey, ServiceAccountTokens, type VertexTarget, vertexModelUrl } from "./google-vertex.js";
import type {
  Capability,
  EditRequest,
  GenerateRequest,
  ImageProvider,
  ProviderContext,
  ProviderResult,
  UpscaleRequest,
} from "./provider.js";

/** Which Google service draws the images (GOOGLE_IMAGE_BACKEND). */
export type GoogleBackend = "imagen" | "gemini-vertex" | "gemini-api";

const text = (fallback: string) => optionalText.transform((v) => v ?? fallback);

const GoogleEnv = z.object({
  GOOGLE_IMAGE_BACKEND: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["imagen", "gemini-vertex", "gemini-api"]).optional(),
  ),
  GOOGLE_APPLICATION_CREDENTIALS: optionalText,
  GOOGLE_CLOUD_PROJECT: optionalText,
  GOOGLE_CLOUD_LOCATION: text("us-central1"),
  GEMINI_VERTEX_LOCATION: text("global"),
  VERTEX_BASE_URL: optionalText.refine(
    (v) => v === undefined || URL.canParse(v.replaceAll("{location}", "us-central1")),
    "must be an http(s) URL (it may contain {location})",
  ),
  GEMINI_API_KEY: optionalText,
  GEMINI_BASE_URL: optionalUrl.transform((v) => v ?? "https://generativelanguage.googleapis.com"),
  GOOGLE_IMAGEN_MODEL_FAST: text("imagen-4.0-fast-generate-001"),
  GOOGLE_IMAGEN_MODEL_STANDARD: text("imagen-4.0-generate-001"),
  GOOGLE_IMAGEN_MODEL_ULTRA: text("imagen-4.0-ultra-generate-001"),
  GOOGLE_IMAGEN_EDIT_MODEL: text("imagen-3.0-capability-001"),
  GOOGLE_IMAGEN_UPSCALE_MODEL: text("imagen-4.0-upscale-preview"),
  GOOGLE_IMAGEN_PERSON_GENERATION: z
    .preprocess((v) => (v === "" ? undefined : v), z.enum(["dont_allow", "allow_adult", "allow_all"]).optional())
    .transform((v) => v ?? "allow_adult"),
  GOOGLE_IMAGEN_SAFETY_SETTING: z
    .preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(["block_low_and_above", "block_medium_and_above", "block_only_high", "block_none"]).optional(),
    )
    .transform((v) => v ?? "block_medium_and_above"),
  GEMINI_IMAGE_MODEL_FAST: text("gemini-2.5-flash-image"),
  GEMINI_IMAGE_MODEL_STANDARD: text("gemini-2.5-flash-image"),
  GEMINI_IMAGE_MODEL_ULTRA: text("gemini-3-pro-image-preview"),
});

const ALL_EDITS: Capability[] = ["edit.inpaint", "edit.remove", "edit.outpaint", "edit.background", "edit.instruct"];

/**
 * Google's image models behind one adapter. `imagen`: Imagen 4 generation, Imagen mask editing and upscaling on
 * Vertex AI, with instruction edits on Gemini through the same credentials. `gemini-vertex` / `gemini-api`: Gemini
 * image models for generation and every edit (Imagen is deprecated); Vertex also upscales with the Imagen upscaler.
 */
export class GoogleImageProvider implements ImageProvider {
  readonly name = "google";
  readonly capabilities: ReadonlySet<Capability>;

  constructor(
    readonly backend: GoogleBackend,
    private readonly gemini: GeminiImages,
    private readonly imagen?: ImagenClient,
    private readonly upscaler?: ImagenClient,
  ) {
    this.capabilities = new Set<Capability>([
      "generate",
      "generate.2k",
      ...ALL_EDITS,
      ...(upscaler ? ["upscale" as const] : []),
    ]);
  }

  async generate(request: GenerateRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkGenerate(this.name, this.capabilities, request);
    return this.backend === "imagen" && this.imagen
      ? this.imagen.generate(request, ctx)
      : this.gemini.generate(request, ctx);
  }

  async edit(request: EditRequest, ctx: ProviderContext): Promise<ProviderResult> {
    checkEdit(this.name, this.capabilities, request);
    // Imagen has no instruction-only edit mode; Gemini does those.
    return this.imagen && request.mode !== "instruct" ? this.imagen.edit(request, ctx) : this.gemini.edit(request, ctx);
  }

  async upscale(request: UpscaleRequest, ctx: ProviderContext): Promise<ProviderResult> {
    if (!this.upscaler) throw unsupported(this.name, "upscale");
    return this.upscaler.upscale(request, ctx);
  }
}

/** Builds the Google adapter from its variables; `flavour` "gemini" (IMAGE_PROVIDER=gemini) never picks Imagen. */
export function createGoogleProvider(
  env: Record<string, string | undefined>,
  options: ProviderOptions,
  flavour: "google" | "gemini" = "google",
): GoogleImageProvider {
  const cfg = parseProviderEnv("google", GoogleEnv, env);
  const backend: GoogleBackend | undefined =
    cfg.GOOGLE_IMAGE_BACKEND ??
    (flavour === "gemini" && cfg.GEMINI_API_KEY
      ? "gemini-api"
      : cfg.GOOGLE_APPLICATION_CREDENTIALS
        ? "gemini-vertex"
        : cfg.GEMINI_API_KEY
          ? "gemini-api"
          : undefined);
  if (!backend) {
    throw new Error(
      "the google image provider is not configured: set GOOGLE_APPLICATION_CREDENTIALS (Vertex AI) or GEMINI_API_KEY (Gemini API)",
    );
  }
  if (flavour === "gemini" && backend === "imagen") {
    throw new Error("IMAGE_PROVIDER=gemini cannot use GOOGLE_IMAGE_BACKEND=imagen; use IMAGE_PROVIDER=google");
  }
  const http = new ProviderHttp("google", options);
  const geminiModels = {
    fast: cfg.GEMINI_IMAGE_MODEL_FAST,
    standard: cfg.GEMINI_IMAGE_MODEL_STANDARD,
    ultra: cfg.GEMINI_IMAGE_MODEL_ULTRA,
  };

  if (backend === "gemini-api") {
    if (!cfg.GEMINI_API_KEY) throw new Error("GEMINI_API_KEY is required for GOOGLE_IMAGE_BACKEND=gemini-api");
    const apiKey = cfg.GEMINI_API_KEY;
    const endpoint = {
      url: (model: string) => `${cfg.GEMINI_BASE_URL}/v1beta/models/${encodeURIComponent(model)}:generateContent`,
      headers: async () => ({ "x-goog-api-key": apiKey }),
    };
    return new GoogleImageProvider(backend, new GeminiImages(http, endpoint, geminiModels));
  }

  if (!cfg.GOOGLE_APPLICATION_CREDENTIALS) {
    throw new Error(`GOOGLE_APPLICATION_CREDENTIALS is required for GOOGLE_IMAGE_BACKEND=${backend}`);
  }
  const key = readServiceAccountKey(cfg.GOOGLE_APPLICATION_CREDENTIALS);
  const project = cfg.GOOGLE_CLOUD_PROJECT ?? key.project_id;
  if (!project) throw new Error("GOOGLE_CLOUD_PROJECT is required (the key file names no project_id)");
  const tokens = new ServiceAccountTokens(key, options.timeoutMs);
  const imagenTarget: VertexTarget = { baseUrl: cfg.VERTEX_BASE_URL, project, location: cfg.GOOGLE_CLOUD_LOCATION };
  const geminiTarget: VertexTarget = { ...imagenTarget, location: cfg.GEMINI_VERTEX_LOCATION };
  const endpoint = {
    url: (model: string) => vertexModelUrl(geminiTarget, model, "generateContent"),
    headers: async () => ({ authorization: await tokens.authorization("google") }),
  };
  const imagen = new ImagenClient(http, imagenTarget, tokens, {
    models: {
      fast: cfg.GOOGLE_IMAGEN_MODEL_FAST,
      standard: cfg.GOOGLE_IMAGEN_MODEL_STANDARD,
      ultra: cfg.GOOGLE_IMAGEN_MODEL_ULTRA,
    },
    editModel: cfg.GOOGLE_IMAGEN_EDIT_MODEL,
    upscaleModel: cfg.GOOGLE_IMAGEN_UPSCALE_MODEL,
    personGeneration: cfg.GOOGLE_IMAGEN_PERSON_GENERATION,
    safetySetting: cfg.GOOGLE_IMAGEN_SAFETY_SETTING,
  });
  const upscaler = cfg.GOOGLE_IMAGEN_UPSCALE_MODEL === "none" ? undefined : imagen;
  const gemini = new GeminiImages(http, endpoint, geminiModels);
  return new GoogleImageProvider(backend, gemini, backend === "imagen" ? imagen : undefined, upscaler);
}
