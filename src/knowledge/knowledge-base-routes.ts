import { z } from "zod";
import { requireActiveLicense } from "../http/auth.js";
import { errors, ScopeSiteId } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { requireScopeChoice } from "../licenses/scope.js";
import { ChunkingOptions } from "./chunk.js";
import type { Owner } from "./knowledge-base-store.js";
import {
  customerRoute as customer,
  KbParams,
  KnowledgeBaseSchema,
  type KnowledgeRouteDeps,
  ownerOf,
  presentKb,
  presentReceipt,
  ReceiptSchema,
  security,
  tags,
} from "./route-schemas.js";

/** Knowledge bases themselves: create, rename or rescope, list, read, delete. */
export function knowledgeBaseRoutes(app: App, { knowledge, licenses, deleter }: KnowledgeRouteDeps): void {
  const requireScope = (owner: Owner, siteId: string | null | undefined) => requireScopeChoice(licenses, owner, siteId);

  app.post(
    "/v1/knowledge-bases",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Create a knowledge base",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          description: z.string().max(2000).optional(),
          chunking: ChunkingOptions.optional(),
          siteId: ScopeSiteId.optional().describe(
            "owner only: restrict it to one site of the account (default null: every site); a site's key always creates its own site's",
          ),
        }),
        response: { 201: KnowledgeBaseSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await requireActiveLicense(request, licenses);
      const owner = ownerOf(request);
      await requireScope(owner, request.body.siteId);
      const kb = await knowledge.createKnowledgeBase(owner, request.body);
      return reply.status(201).send(presentKb(kb));
    },
  );

  app.patch(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Rename a knowledge base, or (owner only) change which sites may use it",
        params: KbParams,
        body: z.object({ name: z.string().trim().min(1).max(200).optional(), siteId: ScopeSiteId.optional() }),
        response: { 200: KnowledgeBaseSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      await requireScope(owner, request.body.siteId);
      return presentKb(await knowledge.updateKnowledgeBase(owner, request.params.id, request.body));
    },
  );

  app.get(
    "/v1/knowledge-bases",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Knowledge bases",
        response: { 200: z.object({ data: z.array(KnowledgeBaseSchema) }), ...errors(401) },
      },
    },
    async (request) => ({ data: (await knowledge.listKnowledgeBases(ownerOf(request))).map(presentKb) }),
  );

  app.get(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: { tags, security, params: KbParams, response: { 200: KnowledgeBaseSchema, ...errors(401, 404) } },
    },
    async (request) => presentKb(await knowledge.requireKnowledgeBase(ownerOf(request), request.params.id)),
  );

  app.delete(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Delete a knowledge base and everything in it, permanently (free)",
        params: KbParams,
        response: { 200: ReceiptSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      return presentReceipt(await deleter.deleteKnowledgeBase(owner, request.params.id));
    },
  );
}
