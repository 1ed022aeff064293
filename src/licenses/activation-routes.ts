import { z } from "zod";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { ActivationCode, ActivationCodeStore } from "./activation-codes.js";
import type { LicenseStore } from "./store.js";

const ActivationCodeSchema = z.object({
  id: z.string(),
  siteUrl: z.string().nullable().describe("the only site the code activates, when the owner named one"),
  status: z.enum(["active", "used", "expired", "revoked"]),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedSiteId: z.string().nullable(),
});

function present(c: ActivationCode): z.infer<typeof ActivationCodeSchema> {
  return {
    id: c.id,
    siteUrl: c.siteUrl,
    status: c.status,
    createdAt: iso(c.createdAt)!,
    expiresAt: iso(c.expiresAt)!,
    usedAt: iso(c.usedAt),
    usedSiteId: c.usedSiteId,
  };
}

const ActivationBody = z
  .object({
    licenseKey: z.string().min(1).max(200).optional(),
    code: z.string().min(1).max(200).optional().describe("a one-time activation code instead of the licence key"),
    siteUrl: z.string().min(1).max(2048),
  })
  .refine((b) => (b.licenseKey === undefined) !== (b.code === undefined), "send either licenseKey or code");

/**
 * Activating a site (with the licence key, or a one-time code the owner created so the key itself need not be handed
 * out), the owner's activation codes, and what a site's key may learn about its own plan.
 */
export function activationRoutes(
  app: App,
  deps: {
    licenses: LicenseStore;
    codes: ActivationCodeStore;
    /** Whether the account's balance is under its owner's low-balance threshold (the alerts domain answers). */
    lowBalance: (accountId: string) => Promise<boolean>;
  },
): void {
  const { licenses, codes } = deps;
  const customer = { config: { auth: "customer" as const } };

  app.post(
    "/v1/activations",
    {
      schema: {
        tags: ["licences"],
        summary:
          "Activate a licence on a site with its key or a one-time activation code; returns the site's API key (shown once)",
        body: ActivationBody,
        response: {
          201: z.object({ siteId: z.string(), apiKey: z.string(), keyId: z.string() }),
          ...errors(400, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { licenseKey, code, siteUrl } = request.body;
      const { site, apiKey, keyId } =
        code !== undefined
          ? await codes.activate({ code, siteUrl })
          : await licenses.activate({ licenseKey: licenseKey!, siteUrl });
      return reply.status(201).send({ siteId: site.id, apiKey, keyId });
    },
  );

  app.post(
    "/v1/activation-codes",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "Create a one-time activation code for a site (owner only; the code is shown once)",
        security: [{ apiKey: [] }],
        body: z.object({
          siteUrl: z.string().min(1).max(2048).optional().describe("restrict the code to this site"),
          expiresInDays: z.number().int().min(1).max(30).default(7),
        }),
        response: { 201: ActivationCodeSchema.extend({ code: z.string() }), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { code, secret } = await codes.create(principalOf(request), request.body);
      reply.header("cache-control", "no-store");
      return reply.status(201).send({ ...present(code), code: secret });
    },
  );

  app.get(
    "/v1/activation-codes",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "The account's activation codes, newest first (owner only; never the codes themselves)",
        security: [{ apiKey: [] }],
        response: { 200: z.object({ data: z.array(ActivationCodeSchema) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ data: (await codes.list(principalOf(request))).map(present) }),
  );

  app.delete(
    "/v1/activation-codes/:id",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "Revoke an unused activation code (owner only)",
        security: [{ apiKey: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: ActivationCodeSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const code = await codes.revoke(principalOf(request), request.params.id);
      if (!code) throw new ApiError("NOT_FOUND", `no activation code ${request.params.id}`);
      return present(code);
    },
  );

  app.get(
    "/v1/site",
    {
      ...customer,
      schema: {
        tags: ["licences"],
        summary: "The caller's plan, for a site's key its site, and whether the balance is below the low-balance alert",
        security: [{ apiKey: [] }],
        response: {
          200: z.object({
            site: z.object({ id: z.string(), url: z.string(), createdAt: z.string() }).nullable(),
            license: z.object({
              plan: z.enum(["personal", "agency"]),
              status: z.enum(["active", "revoked", "expired"]),
              expiresAt: z.string().nullable(),
              siteLimit: z.number().int(),
              sitesUsed: z.number().int(),
            }),
            lowBalance: z
              .boolean()
              .describe(
                "the balance is below the owner's low-balance alert threshold (the threshold itself is the owner's)",
              ),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const [license, sites, lowBalance] = await Promise.all([
        licenses.getLicense(p.licenseId),
        licenses.sites(p.accountId),
        deps.lowBalance(p.accountId),
      ]);
      if (!license) throw new ApiError("UNAUTHENTICATED", "the API key is not valid or was revoked");
      const site = p.siteId ? sites.find((s) => s.id === p.siteId) : undefined;
      return {
        site: site ? { id: site.id, url: site.url, createdAt: iso(site.createdAt)! } : null,
        license: {
          plan: license.plan,
          status: license.status,
          expiresAt: iso(license.expiresAt),
          siteLimit: licenses.siteLimit(license.plan),
          sitesUsed: sites.filter((s) => s.licenseId === license.id && s.deactivatedAt === null).length,
        },
        lowBalance,
      };
    },
  );
}
