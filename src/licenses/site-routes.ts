import { z } from "zod";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { Site } from "./records.js";
import type { LicenseStore } from "./store.js";

export const SiteSchema = z.object({
  id: z.string(),
  url: z.string(),
  licenseId: z.string(),
  createdAt: z.string(),
  deactivatedAt: z.string().nullable().describe("when it was deactivated (its keys were revoked then); null: active"),
});

export const presentSite = (s: Site): z.infer<typeof SiteSchema> => ({
  id: s.id,
  url: s.url,
  licenseId: s.licenseId,
  createdAt: iso(s.createdAt)!,
  deactivatedAt: iso(s.deactivatedAt),
});

const RotatedKey = z.object({
  licenseId: z.string(),
  key: z.string().describe("the new licence key, shown once; the old one is refused from now on"),
});

/**
 * The lifecycle of sites and licence keys: the owner (licence key, owner session or an account-wide key — never a
 * site's key) deactivates a site to free its slot, or rotates a leaked licence key; the operator can do both for them.
 */
export function siteRoutes(app: App, deps: { licenses: LicenseStore }): void {
  const { licenses } = deps;
  const admin = { config: { auth: "admin" as const } };
  const customer = { config: { auth: "customer" as const } };

  const ownerOnly = (siteId: string | null, what: string) => {
    if (siteId) throw new ApiError("FORBIDDEN", `only the account owner can ${what}; sign in with the licence key`);
  };

  app.post(
    "/v1/sites/:id/deactivate",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary:
          "Deactivate a site (owner only): frees its activation slot and revokes its API keys at once; its resources stay",
        security: [{ apiKey: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: SiteSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      ownerOnly(p.siteId, "deactivate a site");
      const site = await licenses.deactivateSite(p.accountId, request.params.id);
      if (!site) throw new ApiError("NOT_FOUND", "This account has no such site.");
      return presentSite(site);
    },
  );

  app.post(
    "/v1/license/rotate-key",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary:
          "Replace the licence key (owner only; shown once): the old key is refused at once and the sessions signed in with it end",
        security: [{ apiKey: [] }],
        response: { 200: RotatedKey, ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      ownerOnly(p.siteId, "replace the licence key");
      const rotated = await licenses.rotateLicenseKey(p.licenseId);
      if (!rotated) throw new ApiError("UNAUTHENTICATED", "the licence of this key no longer exists");
      reply.header("cache-control", "no-store");
      return { licenseId: rotated.license.id, key: rotated.key };
    },
  );

  app.post(
    "/v1/admin/sites/:id/deactivate",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Deactivate a customer's site: frees its activation slot and revokes its API keys at once",
        security: [{ adminToken: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: SiteSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const found = await licenses.getSite(request.params.id);
      const site = found && (await licenses.deactivateSite(found.accountId, found.id));
      if (!site) throw new ApiError("NOT_FOUND", `no site ${request.params.id}`);
      return presentSite(site);
    },
  );

  app.post(
    "/v1/admin/licenses/:id/rotate-key",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Replace a licence's key (shown once): the old key is refused at once, its sessions end",
        security: [{ adminToken: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: RotatedKey, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const rotated = await licenses.rotateLicenseKey(request.params.id);
      if (!rotated) throw new ApiError("NOT_FOUND", `no licence ${request.params.id}`);
      reply.header("cache-control", "no-store");
      return { licenseId: rotated.license.id, key: rotated.key };
    },
  );
}
