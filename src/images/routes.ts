import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { mcToCredits } from "../credits/pricing.js";
import { OutputSize, Quality } from "../credits/quotes.js";
import { principalOf, requireActiveLicense } from "../http/auth.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { jsonOrMultipart, parseBody, parseJsonField, readMultipart } from "../http/multipart.js";
import { Credits, errors, iso, ScopeSiteId } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { requireScopeChoice } from "../licenses/scope.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import { ASPECT_RATIOS, type ImageInput } from "./providers/provider.js";
import type { ImageResult, ImageService, RequestMeta } from "./service.js";
import type { ImageOwner, StoredImage } from "./store.js";
import { DEFAULT_IMAGE_LIMITS, decodeImageInput, decodeMask, MAX_PROMPT_CHARS } from "./validate.js";

const Prompt = z.string().trim().min(1).max(MAX_PROMPT_CHARS);
const Seed = z.number().int().min(0).max(4_294_967_295);
const ImageRef = z.string().min(1).describe("A PNG, JPEG or WebP as base64 or a data: URL");

export const GenerateBody = z.object({
  prompt: Prompt,
  negativePrompt: z.string().trim().max(MAX_PROMPT_CHARS).optional(),
  quality: Quality.default("standard"),
  aspectRatio: z.enum(ASPECT_RATIOS).default("1:1"),
  count: z.number().int().min(1).max(4).default(1),
  seed: Seed.optional(),
  size: OutputSize.default("1K").describe("2K costs 50% more and needs a provider that makes 2K images"),
});

const Outpaint = z.object({
  left: z.number().int().min(0).max(2048).default(0),
  right: z.number().int().min(0).max(2048).default(0),
  top: z.number().int().min(0).max(2048).default(0),
  bottom: z.number().int().min(0).max(2048).default(0),
});

export const EditBody = z
  .object({
    image: ImageRef.optional(),
    imageId: z.string().max(100).optional(),
    mask: ImageRef.optional().describe("The image's size; white (non-zero) pixels mark what to edit"),
    prompt: Prompt.optional(),
    negativePrompt: z.string().trim().max(MAX_PROMPT_CHARS).optional(),
    mode: z.enum(["inpaint", "remove", "outpaint", "background", "instruct"]),
    quality: Quality.default("standard"),
    count: z.number().int().min(1).max(4).default(1),
    seed: Seed.optional(),
    outpaint: Outpaint.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.image === undefined) === (b.imageId === undefined))
      ctx.addIssue({ code: "custom", path: ["image"], message: "send exactly one of image and imageId" });
    if ((b.mode === "inpaint" || b.mode === "remove") && !b.mask)
      ctx.addIssue({ code: "custom", path: ["mask"], message: `mode ${b.mode} needs a mask` });
    if (b.mode !== "remove" && !b.prompt)
      ctx.addIssue({ code: "custom", path: ["prompt"], message: `mode ${b.mode} needs a prompt` });
  });

export const UpscaleBody = z
  .object({
    image: ImageRef.optional(),
    imageId: z.string().max(100).optional(),
    factor: z.union([z.literal(2), z.literal(4)]),
    method: z.enum(["learned", "fast"]).optional().describe("learned (super-resolution model) or fast (Lanczos)"),
  })
  .refine((b) => (b.image === undefined) !== (b.imageId === undefined), {
    path: ["image"],
    message: "send exactly one of image and imageId",
  });

const ImageSchema = z.object({
  id: z.string(),
  url: z.string(),
  siteId: ScopeSiteId,
  width: z.number().int(),
  height: z.number().int(),
  mimeType: z.string(),
  operation: z.enum(["generate", "edit", "upscale"]),
  provider: z.string(),
  model: z.string(),
  prompt: z.string().nullable(),
  credits: Credits,
  sourceImageId: z.string().nullable(),
  createdAt: z.string(),
});

const ResultSchema = z.object({
  images: z.array(ImageSchema),
  credits: Credits,
  filtered: z.number().int().describe("Images the provider's safety filter removed (not charged)"),
});

const ownerOf = (request: FastifyRequest): ImageOwner => {
  const p = principalOf(request);
  return { accountId: p.accountId, siteId: p.siteId };
};

/** Multipart fields arrive as strings: numbers and objects are read back into the JSON shape. */
function fieldsAsJson(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (["count", "seed", "factor"].includes(k) && /^\d+$/.test(v)) out[k] = Number(v);
    else if (k === "outpaint") out[k] = parseJsonField(v, "outpaint");
    else out[k] = v;
  }
  return out;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export function imageRoutes(
  app: App,
  deps: {
    images: ImageService;
    licenses: LicenseStore;
    idempotency: IdempotencyStore;
    deleter: Deleter;
    publicUrl: string;
  },
): void {
  const { images, licenses, idempotency, deleter } = deps;
  const customer = { config: { auth: "customer" as const } };
  const tags = ["images"];
  const security = [{ apiKey: [] }];
  const limits = DEFAULT_IMAGE_LIMITS;

  const present = (img: StoredImage): z.infer<typeof ImageSchema> => ({
    id: img.id,
    url: `${deps.publicUrl}/v1/images/${img.id}/content`,
    siteId: img.siteId,
    width: img.width,
    height: img.height,
    mimeType: img.mimeType,
    operation: img.operation,
    provider: img.provider,
    model: img.model,
    prompt: img.prompt,
    credits: mcToCredits(img.chargedMc),
    sourceImageId: img.sourceImageId,
    createdAt: iso(img.createdAt)!,
  });
  const presentResult = (r: ImageResult) => ({
    images: r.images.map(present),
    credits: mcToCredits(r.chargedMc),
    filtered: r.filtered,
  });

  /** Reads an image request sent as JSON (base64 or imageId) or multipart (files `image`, `mask`). */
  async function readImageRequest<S extends z.ZodType>(
    request: FastifyRequest,
    schema: S,
  ): Promise<{ body: z.infer<S>; image: ImageInput; mask?: ImageInput; sourceImageId?: string; fingerprint: unknown }> {
    const owner = ownerOf(request);
    let raw: Record<string, unknown>;
    let imageBytes: Buffer | string | undefined;
    let maskBytes: Buffer | string | undefined;
    let fingerprint: unknown;
    if (request.isMultipart()) {
      const form = await readMultipart(request, ["image", "mask"]);
      raw = fieldsAsJson(form.fields);
      imageBytes = form.files.image?.bytes;
      maskBytes = form.files.mask?.bytes;
      if (imageBytes) raw.image = "(file)";
      if (maskBytes) raw.mask = "(file)";
      fingerprint = { ...raw, image: imageBytes && sha(imageBytes), mask: maskBytes && sha(maskBytes) };
    } else {
      raw = (request.body ?? {}) as Record<string, unknown>;
      fingerprint = request.body;
    }
    const body = parseBody(schema, raw) as z.infer<S> & { image?: string; imageId?: string; mask?: string };
    if (!imageBytes && typeof body.image === "string") imageBytes = body.image;
    if (!maskBytes && typeof body.mask === "string") maskBytes = body.mask;
    const image = body.imageId
      ? await images.input(owner, body.imageId)
      : await decodeImageInput(imageBytes!, limits, "image");
    const mask = maskBytes !== undefined ? await decodeMask(maskBytes, image, limits) : undefined;
    return { body, image, mask, sourceImageId: body.imageId, fingerprint };
  }

  const run = async (
    request: FastifyRequest,
    reply: FastifyReply,
    fingerprint: unknown,
    work: (meta: RequestMeta) => Promise<ImageResult>,
  ) => {
    const owner = ownerOf(request);
    const replyOf = (out: ImageResult) => ({
      status: 200,
      body: presentResult(out),
      tags: out.images.map((i) => `img:${i.id}`),
    });
    const result = await idempotency.run(request, owner, fingerprint, async (r) => {
      const writes = r.replyWrites;
      const out = await work({
        ledgerKey: r.ledgerKey,
        requestId: String(request.id),
        writes: writes && ((o) => writes(replyOf(o))),
      });
      return replyOf(out);
    });
    if (result.replayed) reply.header("idempotent-replayed", "true");
    return result.body as z.infer<typeof ResultSchema>;
  };

  app.post(
    "/v1/images/generations",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Generate images from a prompt (charged per image returned)",
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: GenerateBody,
        response: { 200: ResultSchema, ...errors(400, 401, 402, 403, 409, 422, 429, 501, 502, 504) },
      },
    },
    async (request, reply) => {
      await requireActiveLicense(request, licenses);
      return run(request, reply, request.body, (meta) => images.generate(ownerOf(request), request.body, meta));
    },
  );

  app.post(
    "/v1/images/edits",
    {
      ...customer,
      validatorCompiler: jsonOrMultipart,
      schema: {
        tags,
        security,
        summary: "Edit an image: inpaint, remove an object, outpaint, swap the background, or follow an instruction",
        description:
          "JSON with base64 `image`/`mask` or the `imageId` of a stored image, or multipart with files `image` and `mask`.",
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: EditBody,
        response: { 200: ResultSchema, ...errors(400, 401, 402, 403, 404, 409, 413, 415, 422, 429, 501, 502, 504) },
      },
    },
    async (request, reply) => {
      await requireActiveLicense(request, licenses);
      const { body, image, mask, sourceImageId, fingerprint } = await readImageRequest(request, EditBody);
      return run(request, reply, fingerprint, (meta) =>
        images.edit(ownerOf(request), { ...body, image, mask, sourceImageId }, meta),
      );
    },
  );

  app.post(
    "/v1/images/upscales",
    {
      ...customer,
      validatorCompiler: jsonOrMultipart,
      schema: {
        tags,
        security,
        summary: "Upscale an image ×2 or ×4",
        description:
          "JSON with a base64 `image` or the `imageId` of a stored image, or multipart with the file `image`.",
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: UpscaleBody,
        response: { 200: ResultSchema, ...errors(400, 401, 402, 403, 404, 409, 413, 415, 422, 429, 501, 502, 504) },
      },
    },
    async (request, reply) => {
      await requireActiveLicense(request, licenses);
      const { body, image, sourceImageId, fingerprint } = await readImageRequest(request, UpscaleBody);
      return run(request, reply, fingerprint, (meta) =>
        images.upscale(ownerOf(request), { image, factor: body.factor, method: body.method, sourceImageId }, meta),
      );
    },
  );

  app.get(
    "/v1/images/capabilities",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "What the configured image providers can do",
        response: {
          200: z.object({ providers: z.array(z.string()), capabilities: z.array(z.string()) }),
          ...errors(401),
        },
      },
    },
    async () => ({ providers: images.providerNames, capabilities: images.capabilities }),
  );

  app.get(
    "/v1/images",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Stored images, newest first",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ data: z.array(ImageSchema), nextCursor: z.string().nullable() }), ...errors(401) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await images.list(ownerOf(request), { limit: limit + 1, before: cursor });
      const page = rows.slice(0, limit);
      return { data: page.map(present), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  const IdParams = z.object({ id: z.string().max(100) });

  app.get(
    "/v1/images/:id",
    { ...customer, schema: { tags, security, params: IdParams, response: { 200: ImageSchema, ...errors(401, 404) } } },
    async (request) => present(await images.get(ownerOf(request), request.params.id)),
  );

  app.patch(
    "/v1/images/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Change which sites may use an image (owner only)",
        params: IdParams,
        body: z.object({ siteId: ScopeSiteId }),
        response: { 200: ImageSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      await requireScopeChoice(deps.licenses, owner, request.body.siteId);
      return present(await images.setScope(owner, request.params.id, request.body.siteId));
    },
  );

  app.get(
    "/v1/images/:id/content",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "The image's bytes",
        params: IdParams,
        produces: ["image/png", "image/jpeg", "image/webp"],
      },
    },
    async (request, reply) => {
      const { image, bytes } = await images.content(ownerOf(request), request.params.id);
      return reply
        .type(image.mimeType)
        .header("cache-control", "private, max-age=31536000, immutable")
        .header("content-disposition", `inline; filename="${image.id}.${image.mimeType.split("/")[1]}"`)
        .send(bytes);
    },
  );

  app.delete(
    "/v1/images/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Delete an image and its bytes, permanently (free)",
        params: IdParams,
        response: {
          200: z.object({
            deleted: z.object({ images: z.number().int(), bytes: z.number().int(), storedReplies: z.number().int() }),
            credits: z.literal(0),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      const { images, bytes, storedReplies } = await deleter.deleteImage(owner, request.params.id);
      return { deleted: { images, bytes, storedReplies }, credits: 0 as const };
    },
  );
}
