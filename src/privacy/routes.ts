import { z } from "zod";
import { principalOf } from "../http/auth.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { ImageService } from "../images/service.js";
import type { JobQueue } from "../jobs/queue.js";
import type { KnowledgeService } from "../knowledge/service.js";

/**
 * DELETE /v1/data: every knowledge base, document and image of the account, permanently and for free — also with an
 * expired or revoked licence. The ledger stays: it is the account's financial record and holds no content.
 */
export function privacyRoutes(
  app: App,
  deps: { knowledge: KnowledgeService; images: ImageService; idempotency: IdempotencyStore; jobs: JobQueue },
): void {
  app.delete(
    "/v1/data",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["privacy"],
        summary: "Delete all of the account's data (knowledge bases, documents, images), permanently and free",
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
      const { accountId } = principalOf(request);
      const knowledge = await deps.knowledge.purgeAccount(accountId);
      const images = await deps.images.purgeAccount(accountId);
      const jobs = await deps.jobs.deleteForAccount(accountId);
      const storedReplies = await deps.idempotency.purge(accountId);
      await deps.knowledge.afterDeletion();
      request.log.info({ accountId }, "all account data deleted");
      return {
        deleted: {
          knowledgeBases: knowledge.knowledgeBases,
          documents: knowledge.documents,
          chunks: knowledge.chunks,
          images: images.images,
          files: knowledge.files + images.images,
          bytes: knowledge.bytes + images.bytes,
          storedReplies,
          jobs,
        },
        credits: 0 as const,
        completedAt: new Date().toISOString(),
      };
    },
  );
}
