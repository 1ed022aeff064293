import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import sharp from "sharp";
import { z } from "zod";
import type { Quality } from "../credits/quotes.js";
import { ApiError } from "../errors.js";
import { requireActiveLicense } from "../http/auth.js";
import { readMultipart } from "../http/multipart.js";
import type { App } from "../http/server.js";
import { ASPECT_RATIOS, type AspectRatio } from "../images/providers/provider.js";
import type { ImageResult } from "../images/service.js";
import type { StoredImage } from "../images/store.js";
import { DEFAULT_IMAGE_LIMITS, decodeImageInput, decodeMask } from "../images/validate.js";
import { CUSTOMER, idempotent, OPENAI_PREFIX, type OpenAiDeps, ownerOf } from "./routes.js";

const GenerateBody = z.object({
  prompt: z.string().trim().min(1).max(32_000),
  model: z.string().max(200).optional(),
  n: z.number().int().min(1).max(4).default(1),
  size: z.string().max(20).default("auto"),
  quality: z.enum(["auto", "low", "medium", "high", "standard", "hd"]).default("auto"),
  response_format: z.enum(["b64_json", "url"]).default("b64_json"),
  output_format: z.enum(["png", "jpeg", "webp"]).default("png"),
  background: z.enum(["auto", "opaque", "transparent"]).optional(),
  style: z.string().max(20).optional(),
  moderation: z.string().max(20).optional(),
  output_compression: z.number().int().min(0).max(100).optional(),
  user: z.string().max(500).optional(),
});

/** OpenAI's quality names onto our tiers: the cheap tier for `low`, the top one for `high`/`hd`. */
export function tierOf(quality: string): Quality {
  if (quality === "low") return "fast";
  if (quality === "high" || quality === "hd") return "ultra";
  return "standard";
}

/**
 * A `WxH` size onto our aspect ratios and output size: the ratio must be one we make (within 1%), and a long side
 * above 1792 pixels is 2K output (with its surcharge). `auto` is a 1K square.
 */
export function sizeOf(size: string): { aspectRatio: AspectRatio; size: "1K" | "2K" } {
  if (size === "auto") return { aspectRatio: "1:1", size: "1K" };
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(size);
  if (!m) throw new ApiError("VALIDATION_FAILED", `size must be WIDTHxHEIGHT or auto, not ${size}`, { field: "size" });
  const w = Number(m[1]);
  const h = Number(m[2]);
  const ratio = ASPECT_RATIOS.find((r) => {
    const [a, b] = r.split(":").map(Number) as [number, number];
    return Math.abs(w / h - a / b) / (a / b) < 0.01;
  });
  if (!ratio || Math.max(w, h) > 4096)
    throw new ApiError(
      "VALIDATION_FAILED",
      `size ${size} has no matching output: aspect ratios ${ASPECT_RATIOS.join(", ")}, long side up to 4096`,
      { field: "size" },
    );
  return { aspectRatio: ratio, size: Math.max(w, h) > 1792 ? "2K" : "1K" };
}

/** OpenAI masks are transparent where to edit; ours are white there. The alpha channel, inverted, is our mask. */
export async function maskFromAlpha(png: Buffer): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  if (!meta.hasAlpha)
    throw new ApiError("VALIDATION_FAILED", "the mask needs an alpha channel: transparent pixels mark what to edit", {
      field: "mask",
    });
  return sharp(png).ensureAlpha().extractChannel(3).negate().png().toBuffer();
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Image generations and edits in OpenAI's shape, on the same ImageService (and so the same metering, providers and
 * gallery) as /v1/images. `response_format: "url"` answers signed URLs that expire, which a plugin can fetch without
 * a key.
 */
export async function imageRoutes(scope: App, deps: OpenAiDeps): Promise<void> {
  const { images } = deps;
  const key = await deps.store.signingKey();
  const sign = (accountId: string, imageId: string, expires: number) =>
    createHmac("sha256", key).update(`${accountId}/${imageId}/${expires}`).digest("base64url");

  const urlOf = (img: StoredImage) => {
    const expires = Math.floor((Date.now() + deps.imageUrlTtlMs) / 1000);
    return `${deps.publicUrl}${OPENAI_PREFIX}/images/content/${img.accountId}/${img.id}?expires=${expires}&signature=${sign(img.accountId, img.id, expires)}`;
  };

  /**
   * What is stored as the idempotent reply is this recipe (image ids and formats), not the bytes: the stored reply
   * commits with the charge, before any bytes could be read, and a replay answers fresh URLs.
   */
  interface Recipe {
    created: number;
    imageIds: string[];
    response_format: "b64_json" | "url";
    output_format: "png" | "jpeg" | "webp";
    quality?: string;
    size?: string;
  }
  const recipeOf = (r: ImageResult, body: Omit<Recipe, "created" | "imageIds">): Recipe => ({
    created: Math.floor(Date.now() / 1000),
    imageIds: r.images.map((i) => i.id),
    ...body,
  });

  async function answer(owner: { accountId: string; siteId: string | null }, recipe: Recipe) {
    const data = await Promise.all(
      recipe.imageIds.map(async (id) => {
        const { image, bytes } = await images.content(owner, id);
        if (recipe.response_format === "url") return { url: urlOf(image) };
        const wanted = `image/${recipe.output_format}`;
        const out = image.mimeType === wanted ? bytes : await sharp(bytes).toFormat(recipe.output_format).toBuffer();
        return { b64_json: out.toString("base64") };
      }),
    );
    return {
      created: recipe.created,
      data,
      output_format: recipe.output_format,
      ...(recipe.quality ? { quality: recipe.quality } : {}),
      ...(recipe.size ? { size: recipe.size } : {}),
    };
  }

  const tagsOf = (r: ImageResult) => r.images.map((i) => `img:${i.id}`);

  scope.post(
    "/images/generations",
    { ...CUSTOMER, schema: { hide: true, body: GenerateBody } },
    async (request, reply) => {
      await requireActiveLicense(request, deps.licenses);
      const body = request.body;
      deps.models.resolve(body.model, "image");
      if (body.background === "transparent")
        throw new ApiError("VALIDATION_FAILED", "transparent backgrounds are not offered here", {
          field: "background",
        });
      const { aspectRatio, size } = sizeOf(body.size);
      const owner = ownerOf(request);
      const formats = {
        response_format: body.response_format,
        output_format: body.output_format,
        quality: body.quality,
        size: body.size,
      };
      const recipe = await idempotent(deps, request, reply, body, async (run) => {
        const writes = run.replyWrites;
        const result = await images.generate(
          owner,
          { prompt: body.prompt, quality: tierOf(body.quality), aspectRatio, count: body.n, size },
          {
            ledgerKey: run.ledgerKey,
            requestId: String(request.id),
            writes: writes && ((r) => writes({ status: 200, body: recipeOf(r, formats), tags: tagsOf(r) })),
          },
        );
        return { body: recipeOf(result, formats), chargedMc: result.chargedMc, tags: tagsOf(result) };
      });
      return answer(owner, recipe);
    },
  );

  scope.post("/images/edits", { ...CUSTOMER, schema: { hide: true } }, async (request, reply) => {
    await requireActiveLicense(request, deps.licenses);
    if (!request.isMultipart())
      throw new ApiError(
        "UNSUPPORTED_MEDIA_TYPE",
        "send the edit as multipart/form-data with `image`, `mask` and `prompt`",
      );
    const form = await readMultipart(request, ["image", "image[]", "mask"]);
    const imageFile = form.files.image ?? form.files["image[]"];
    if (!imageFile) throw new ApiError("VALIDATION_FAILED", "the form has no `image`", { field: "image" });
    const f = form.fields;
    deps.models.resolve(f.model, "image");
    const prompt = f.prompt?.trim();
    if (!prompt) throw new ApiError("VALIDATION_FAILED", "prompt is required", { field: "prompt" });
    const n = f.n === undefined ? 1 : Number(f.n);
    if (!Number.isInteger(n) || n < 1 || n > 4)
      throw new ApiError("VALIDATION_FAILED", "n must be 1 to 4", { field: "n" });
    const responseFormat = f.response_format ?? "b64_json";
    if (responseFormat !== "b64_json" && responseFormat !== "url")
      throw new ApiError("VALIDATION_FAILED", "response_format is b64_json or url", { field: "response_format" });
    const outputFormat = f.output_format ?? "png";
    if (outputFormat !== "png" && outputFormat !== "jpeg" && outputFormat !== "webp")
      throw new ApiError("VALIDATION_FAILED", "output_format is png, jpeg or webp", { field: "output_format" });
    const image = await decodeImageInput(imageFile.bytes, DEFAULT_IMAGE_LIMITS, "image");
    const mask = form.files.mask
      ? await decodeMask(await maskFromAlpha(form.files.mask.bytes), image, DEFAULT_IMAGE_LIMITS)
      : undefined;
    const owner = ownerOf(request);
    const formats = { response_format: responseFormat, output_format: outputFormat, quality: f.quality } as const;
    const fingerprint = { ...f, image: sha(imageFile.bytes), mask: form.files.mask && sha(form.files.mask.bytes) };
    const recipe = await idempotent(deps, request, reply, fingerprint, async (run) => {
      const writes = run.replyWrites;
      const result = await images.edit(
        owner,
        { mode: mask ? "inpaint" : "instruct", image, mask, prompt, quality: tierOf(f.quality ?? "auto"), count: n },
        {
          ledgerKey: run.ledgerKey,
          requestId: String(request.id),
          writes: writes && ((r) => writes({ status: 200, body: recipeOf(r, formats), tags: tagsOf(r) })),
        },
      );
      return { body: recipeOf(result, formats), chargedMc: result.chargedMc, tags: tagsOf(result) };
    });
    return answer(owner, recipe);
  });

  // Public: the signature is the key. It names the account, the image and the expiry, so it opens nothing else.
  const ContentParams = z.object({ accountId: z.string().max(100), imageId: z.string().max(100) });
  const ContentQuery = z.object({ expires: z.coerce.number().int(), signature: z.string().max(100) });
  scope.get(
    "/images/content/:accountId/:imageId",
    { config: { auth: "public" }, schema: { hide: true, params: ContentParams, querystring: ContentQuery } },
    async (request, reply) => {
      const { accountId, imageId } = request.params;
      const { expires, signature } = request.query;
      const expected = Buffer.from(sign(accountId, imageId, expires));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || expires * 1000 < Date.now())
        throw new ApiError("NOT_FOUND", "this image link is not valid or has expired");
      const { image, bytes } = await images.content({ accountId, siteId: null }, imageId);
      return reply
        .type(image.mimeType)
        .header("cache-control", `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}`)
        .send(bytes);
    },
  );
}
