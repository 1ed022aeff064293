import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { requireActiveLicense } from "../http/auth.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { jsonOrMultipart, parseBody, parseJsonField, readMultipart } from "../http/multipart.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { LicenseStore } from "../licenses/store.js";
import type { ImageInput } from "./providers/provider.js";
import {
  customer,
  EditBody,
  GenerateBody,
  type ImagePresenter,
  ownerOf,
  ResultSchema,
  security,
  tags,
  UpscaleBody,
} from "./route-schemas.js";
import type { ImageResult, ImageService, RequestMeta } from "./service.js";
import { DEFAULT_IMAGE_LIMITS, decodeImageInput, decodeMask } from "./validate.js";

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

/** The charged use cases (generate, edit, upscale) and what the configured providers can do. */
export function imageUseCaseRoutes(
  app: App,
  deps: { images: ImageService; licenses: LicenseStore; idempotency: IdempotencyStore; presenter: ImagePresenter },
): void {
  const { images, licenses, idempotency } = deps;
  const { presentResult } = deps.presenter;
  const limits = DEFAULT_IMAGE_LIMITS;

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
}
