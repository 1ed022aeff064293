import { z } from "zod";
import { cursorPage } from "../http/pages.js";
import { errors, ScopeSiteId } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { requireScopeChoice } from "../licenses/scope.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import { customer, type ImagePresenter, ImageSchema, ownerOf, security, tags } from "./route-schemas.js";
import type { ImageService } from "./service.js";

/** The customer's stored images: listing, reading, their bytes, which sites may use them, and deletion. */
export function imageLibraryRoutes(
  app: App,
  deps: { images: ImageService; licenses: LicenseStore; deleter: Deleter; presenter: ImagePresenter },
): void {
  const { images, deleter } = deps;
  const { present } = deps.presenter;

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
      const { page, nextCursor } = cursorPage(rows, limit);
      return { data: page.map(present), nextCursor };
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
