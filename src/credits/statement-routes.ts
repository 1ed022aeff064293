import { Readable } from "node:stream";
import { z } from "zod";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { cursorPage } from "../http/pages.js";
import { Credits, errors, Pagination } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { ENTRY_TYPES, type EntryType, type LedgerEntry } from "./ledger.js";
import { ledgerCsv } from "./ledger-csv.js";
import { entryDescriber } from "./ledger-describe.js";
import { LedgerEntrySchema, parseLedgerCursor, presentEntry } from "./ledger-entry-schema.js";
import { mcToCredits } from "./pricing.js";
import type { CreditsRouteDeps } from "./routes.js";

const DAY = 86_400_000;
const DateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-01-31")
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, "not a real date");

/** The account's statements: balance, ledger (paged and as CSV) and usage per day. */
export function statementRoutes(app: App, deps: CreditsRouteDeps): void {
  const { ledger } = deps;
  app.get(
    "/v1/balance",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["credits"],
        summary: "The account's balance",
        security: [{ apiKey: [] }],
        response: { 200: z.object({ credits: Credits, reservedCredits: Credits }), ...errors(401) },
      },
    },
    async (request) => {
      const b = await ledger.balance(principalOf(request).accountId);
      return { credits: mcToCredits(b.availableMc), reservedCredits: mcToCredits(b.reservedMc) };
    },
  );

  app.get(
    "/v1/ledger",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["credits"],
        summary: "Every movement of credits, newest first",
        security: [{ apiKey: [] }],
        querystring: Pagination.extend({
          type: z
            .string()
            .regex(/^[a-z]+(,[a-z]+)*$/)
            .optional()
            .describe("Only these entry types, comma-separated (e.g. usage,refund)"),
        }),
        response: {
          200: z.object({ data: z.array(LedgerEntrySchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const { limit, cursor, type } = request.query;
      const types = type?.split(",") as EntryType[] | undefined;
      const unknown = types?.find((t) => !(ENTRY_TYPES as readonly string[]).includes(t));
      if (unknown) throw new ApiError("VALIDATION_FAILED", `type ${unknown} is not an entry type`, { field: "type" });
      const entries = await ledger.entries(principalOf(request).accountId, {
        limit: limit + 1,
        before: parseLedgerCursor(cursor),
        types,
      });
      const { page, nextCursor } = cursorPage(entries, limit);
      const describe = await entryDescriber(deps, principalOf(request), page);
      return {
        data: page.map((e) => presentEntry(e, describe(e))),
        nextCursor,
      };
    },
  );

  app.get(
    "/v1/ledger/export",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["credits"],
        summary: "The whole ledger as CSV, newest first",
        security: [{ apiKey: [] }],
        produces: ["text/csv"],
      },
    },
    async (request, reply) => {
      reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="ledger.csv"')
        .header("cache-control", "no-store");
      const describe = (page: LedgerEntry[]) => entryDescriber(deps, principalOf(request), page);
      return reply.send(Readable.from(ledgerCsv(ledger, principalOf(request).accountId, describe)));
    },
  );

  app.get(
    "/v1/usage",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["credits"],
        summary: "Credits used per day and operation (UTC days, `to` inclusive; default the last 30 days)",
        security: [{ apiKey: [] }],
        querystring: z.object({ from: DateParam.optional(), to: DateParam.optional() }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            data: z.array(
              z.object({ date: z.string(), operation: z.string(), count: z.number().int(), credits: Credits }),
            ),
            totals: z.object({ credits: Credits, byOperation: z.record(z.string(), Credits) }),
            bySpender: z
              .array(
                z.object({
                  siteId: z.string().nullable(),
                  keyId: z.string().nullable(),
                  count: z.number().int(),
                  credits: Credits,
                }),
              )
              .describe(
                "Credits used per site and API key over the range (both null: the owner's licence key or work " +
                  "outside a request); a site's key sees its own site's only",
              ),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request) => {
      const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      const to = request.query.to ? Date.parse(`${request.query.to}T00:00:00Z`) : today;
      const from = request.query.from ? Date.parse(`${request.query.from}T00:00:00Z`) : to - 29 * DAY;
      if (from > to) throw new ApiError("VALIDATION_FAILED", "from must not be after to", { field: "from" });
      if (to - from > 366 * DAY) throw new ApiError("VALIDATION_FAILED", "at most 366 days at once", { field: "from" });
      const principal = principalOf(request);
      const range = { from, to: to + DAY };
      const [rows, spenders] = await Promise.all([
        ledger.usage(principal.accountId, range),
        ledger.usageBySpender(principal.accountId, range),
      ]);
      const byOperation: Record<string, number> = {};
      let totalMc = 0;
      for (const r of rows) {
        byOperation[r.operation] = (byOperation[r.operation] ?? 0) + r.mc;
        totalMc += r.mc;
      }
      return {
        from: new Date(from).toISOString().slice(0, 10),
        to: new Date(to).toISOString().slice(0, 10),
        data: rows.map((r) => ({ date: r.day, operation: r.operation, count: r.count, credits: mcToCredits(r.mc) })),
        totals: {
          credits: mcToCredits(totalMc),
          byOperation: Object.fromEntries(Object.entries(byOperation).map(([k, v]) => [k, mcToCredits(v)])),
        },
        bySpender: spenders
          .filter((r) => !principal.siteId || r.siteId === principal.siteId)
          .map((r) => ({ siteId: r.siteId, keyId: r.keyId, count: r.count, credits: mcToCredits(r.mc) })),
      };
    },
  );
}
