import { z } from "zod";
import { principalOf } from "../http/auth.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { Deleter } from "./deleter.js";

/**
 * DELETE /v1/data: every knowledge base, document and image of the account, permanently and for free — also with an
 * expired or revoked licence. The ledger stays: it is the account's financial record and holds no content.
 */
export function privacyRoutes(app: App, deps: { deleter: Deleter }): void {
  app.delete(
    "/v1/data",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["privacy"],
        summary:
          "Delete data permanently and free: with the owner's key every knowledge base, document and image of the account; with a site's key only that site's",
        security: [{ apiKey: [] }],
        response: {
          200: z.object({
            deleted: z.object({
              knowledgeBases: z.number().int(),
              documents: z.number().int(),
              chunks: z.number().int(),
              images: z.number().int(),
              files: z.number().int(),
              bytes: z.number().int(),
              storedReplies: z.number().int(),
              jobs: z.number().int(),
            }),
            credits: z.literal(0),
            completedAt: z.string(),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const { accountId, siteId } = principalOf(request);
      // A site's key erases that site's data; the owner's erases the whole account's.
      const d = siteId
        ? await deps.deleter.deleteSiteData(accountId, siteId)
        : await deps.deleter.deleteAccountData(accountId);
      request.log.info({ accountId, siteId }, siteId ? "a site's data deleted" : "all account data deleted");
      return {
        deleted: {
          knowledgeBases: d.knowledgeBases,
          documents: d.documents,
          chunks: d.chunks,
          images: d.images,
          files: d.files,
          bytes: d.bytes,
          storedReplies: d.storedReplies,
          jobs: d.jobs,
        },
        credits: 0 as const,
        completedAt: new Date().toISOString(),
      };
    },
  );
}
