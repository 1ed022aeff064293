import { z } from "zod";
import type { Ledger } from "../credits/ledger.js";
import { mcToCredits } from "../credits/pricing.js";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { Credits, errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { AccountStore } from "./accounts.js";
import type { License } from "./records.js";
import { presentSite, SiteSchema } from "./site-routes.js";
import type { LicenseStore } from "./store.js";

const LicenseSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  email: z.string(),
  plan: z.enum(["personal", "agency"]),
  status: z.enum(["active", "revoked", "expired"]),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});

function present(l: License): z.infer<typeof LicenseSchema> {
  return {
    id: l.id,
    accountId: l.accountId,
    email: l.email,
    plan: l.plan,
    status: l.status,
    expiresAt: iso(l.expiresAt),
    createdAt: iso(l.createdAt)!,
  };
}

const FutureDate = z.iso
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))
  .describe("ISO 8601 date-time");

const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const Email = z.email().max(254);

export function licenseRoutes(
  app: App,
  deps: { licenses: LicenseStore; accounts: AccountStore; ledger: Ledger },
): void {
  const { licenses, accounts, ledger } = deps;
  const admin = { config: { auth: "admin" as const } };
  const customer = { config: { auth: "customer" as const } };

  app.post(
    "/v1/admin/licenses",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Issue a licence (the account is created, or found by email); the key is shown once",
        security: [{ adminToken: [] }],
        body: z.object({ email: Email, plan: z.enum(["personal", "agency"]), expiresAt: FutureDate.optional() }),
        response: { 201: LicenseSchema.extend({ key: z.string() }), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const { license, key } = await licenses.createLicense(request.body);
      return reply.status(201).send({ ...present(license), key });
    },
  );

  app.get(
    "/v1/admin/licenses",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Licences, newest first",
        security: [{ adminToken: [] }],
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(100).optional(),
          accountId: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ data: z.array(LicenseSchema), nextCursor: z.string().nullable() }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const { limit, cursor, accountId } = request.query;
      const rows = await licenses.listLicenses({ limit: limit + 1, before: cursor, accountId });
      const page = rows.slice(0, limit);
      return { data: page.map(present), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  app.get(
    "/v1/admin/licenses/:id",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        security: [{ adminToken: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: LicenseSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const license = await licenses.getLicense(request.params.id);
      if (!license) throw new ApiError("NOT_FOUND", `no licence ${request.params.id}`);
      return present(license);
    },
  );

  app.patch(
    "/v1/admin/licenses/:id",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Revoke, expire or reactivate a licence, change its plan or expiry",
        security: [{ adminToken: [] }],
        params: z.object({ id: z.string().max(100) }),
        body: z
          .object({
            status: z.enum(["active", "revoked", "expired"]).optional(),
            plan: z.enum(["personal", "agency"]).optional(),
            expiresAt: FutureDate.nullable().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, "send at least one of status, plan, expiresAt"),
        response: { 200: LicenseSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const license = await licenses.updateLicense(request.params.id, request.body);
      if (!license) throw new ApiError("NOT_FOUND", `no licence ${request.params.id}`);
      return present(license);
    },
  );

  const AccountSummary = z.object({
    id: z.string(),
    email: z.string(),
    licenses: z.number().int(),
    credits: Credits,
    reservedCredits: Credits,
    createdAt: z.string(),
  });

  app.get(
    "/v1/admin/accounts",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "Accounts, newest first",
        security: [{ adminToken: [] }],
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(100).optional(),
          email: z.string().max(254).optional(),
        }),
        response: {
          200: z.object({ data: z.array(AccountSummary), nextCursor: z.string().nullable() }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const { limit, cursor, email } = request.query;
      const rows = await accounts.listAccounts({ limit: limit + 1, before: cursor, email });
      const page = rows.slice(0, limit);
      const data = await Promise.all(
        page.map(async (a) => {
          const b = await ledger.balance(a.id);
          return {
            id: a.id,
            email: a.email,
            licenses: a.licenses,
            credits: mcToCredits(b.availableMc),
            reservedCredits: mcToCredits(b.reservedMc),
            createdAt: iso(a.createdAt)!,
          };
        }),
      );
      return { data, nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  app.get(
    "/v1/admin/accounts/:accountId",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: {
          200: z.object({
            id: z.string(),
            email: z.string(),
            credits: Credits,
            reservedCredits: Credits,
            createdAt: z.string(),
            licenses: z.array(LicenseSchema),
            sites: z.array(SiteSchema).describe("every site the account activated, deactivated ones too"),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const account = await accounts.getAccount(request.params.accountId);
      if (!account) throw new ApiError("NOT_FOUND", `no account ${request.params.accountId}`);
      const [b, ls, sites] = await Promise.all([
        ledger.balance(account.id),
        licenses.listLicenses({ limit: 200, accountId: account.id }),
        licenses.sites(account.id, true),
      ]);
      return {
        id: account.id,
        email: account.email,
        credits: mcToCredits(b.availableMc),
        reservedCredits: mcToCredits(b.reservedMc),
        createdAt: iso(Number(account.created_at))!,
        licenses: ls.map(present),
        sites: sites.map(presentSite),
      };
    },
  );

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
