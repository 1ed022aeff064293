import { z } from "zod";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { LicenseStore } from "./store.js";

const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** What a customer's key sees of its licence: the sites it may scope resources to, and its API keys. */
export function licenseCustomerRoutes(app: App, deps: { licenses: LicenseStore }): void {
  const { licenses } = deps;
  const customer = { config: { auth: "customer" as const } };

  app.get(
    "/v1/sites",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "Sites of the account (for a site's key, that site): the scopes resources can be restricted to",
        security: [{ apiKey: [] }],
        response: {
          200: z.object({ data: z.array(z.object({ id: z.string(), url: z.string(), createdAt: z.string() })) }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const sites = (await licenses.sites(p.accountId)).filter((s) => !p.siteId || s.id === p.siteId);
      return { data: sites.map((s) => ({ id: s.id, url: s.url, createdAt: iso(s.createdAt)! })) };
    },
  );

  app.get(
    "/v1/api-keys",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "API keys of the account (of this site, for a site's key)",
        security: [{ apiKey: [] }],
        response: { 200: z.object({ data: z.array(ApiKeySchema) }), ...errors(401) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const keys = await licenses.listApiKeys(p.accountId, p.siteId);
      return {
        data: keys.map((k) => ({
          id: k.id,
          name: k.name,
          siteId: k.siteId,
          createdAt: iso(k.createdAt)!,
          lastUsedAt: iso(k.lastUsedAt),
          revokedAt: iso(k.revokedAt),
        })),
      };
    },
  );

  app.post(
    "/v1/api-keys",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "Create an API key (shown once)",
        security: [{ apiKey: [] }],
        body: z.object({ name: z.string().trim().min(1).max(100), siteId: z.string().max(100).optional() }),
        response: { 201: z.object({ id: z.string(), key: z.string() }), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const created = await licenses.createApiKey(principalOf(request), request.body);
      return reply.status(201).send(created);
    },
  );

  app.delete(
    "/v1/api-keys/:id",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "Revoke an API key",
        security: [{ apiKey: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: z.object({ id: z.string(), revoked: z.literal(true) }), ...errors(401, 404) },
      },
    },
    async (request) => {
      if (!(await licenses.revokeApiKey(principalOf(request), request.params.id)))
        throw new ApiError("NOT_FOUND", `no API key ${request.params.id}`);
      return { id: request.params.id, revoked: true as const };
    },
  );
}
