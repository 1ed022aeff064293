import { z } from "zod";
import type { Ledger } from "../credits/ledger.js";
import { mcToCredits } from "../credits/pricing.js";
import { ApiError } from "../errors.js";
import { cursorPage } from "../http/pages.js";
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

const Email = z.email().max(254);

/** The operator's licences (issue, list, read, change) and accounts (list, read with balance, licences and sites). */
export function licenseAdminRoutes(
  app: App,
  deps: { licenses: LicenseStore; accounts: AccountStore; ledger: Ledger },
): void {
  const { licenses, accounts, ledger } = deps;
  const admin = { config: { auth: "admin" as const } };

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
      const { page, nextCursor } = cursorPage(rows, limit);
      return { data: page.map(present), nextCursor };
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
      const { page, nextCursor } = cursorPage(rows, limit);
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
      return { data, nextCursor };
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
}
