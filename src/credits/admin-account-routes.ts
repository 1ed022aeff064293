import { z } from "zod";
import { ApiError } from "../errors.js";
import { cursorPage } from "../http/pages.js";
import { Credits, errors, Pagination } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { entryDescriber } from "./ledger-describe.js";
import { LedgerEntrySchema, parseLedgerCursor, presentEntry } from "./ledger-entry-schema.js";
import { mcToCredits } from "./pricing.js";
import type { CreditsRouteDeps } from "./routes.js";

const DAY = 86_400_000;
const AccountParam = z.object({ accountId: z.string().max(100) });

/**
 * One customer's statements for the operator ("why was I charged?"): the same ledger entries and daily usage the
 * customer sees, read by account id.
 */
export function adminAccountStatementRoutes(app: App, deps: CreditsRouteDeps): void {
  const { ledger } = deps;
  const known = async (accountId: string) => {
    if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
  };

  app.get(
    "/v1/admin/accounts/:accountId/ledger",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "A customer's ledger, newest first (every entry, as the customer's GET /v1/ledger)",
        security: [{ adminToken: [] }],
        params: AccountParam,
        querystring: Pagination,
        response: {
          200: z.object({ data: z.array(LedgerEntrySchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await known(accountId);
      const { limit, cursor } = request.query;
      const entries = await ledger.entries(accountId, { limit: limit + 1, before: parseLedgerCursor(cursor) });
      const { page, nextCursor } = cursorPage(entries, limit);
      // The operator reads the owner's view: names of every site's documents.
      const describe = await entryDescriber(deps, { accountId, siteId: null }, page);
      return {
        data: page.map((e) => presentEntry(e, describe(e))),
        nextCursor,
      };
    },
  );

  app.get(
    "/v1/admin/accounts/:accountId/usage",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "A customer's credits used per UTC day and operation (default the last 30 days)",
        security: [{ adminToken: [] }],
        params: AccountParam,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            data: z.array(
              z.object({ date: z.string(), operation: z.string(), count: z.number().int(), credits: Credits }),
            ),
            totals: z.object({ credits: Credits, byOperation: z.record(z.string(), Credits) }),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await known(accountId);
      const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      const from = today - (request.query.days - 1) * DAY;
      const rows = await ledger.usage(accountId, { from, to: today + DAY });
      const byOperation: Record<string, number> = {};
      for (const r of rows) byOperation[r.operation] = (byOperation[r.operation] ?? 0) + r.mc;
      return {
        from: new Date(from).toISOString().slice(0, 10),
        to: new Date(today).toISOString().slice(0, 10),
        data: rows.map((r) => ({ date: r.day, operation: r.operation, count: r.count, credits: mcToCredits(r.mc) })),
        totals: {
          credits: mcToCredits(rows.reduce((sum, r) => sum + r.mc, 0)),
          byOperation: Object.fromEntries(Object.entries(byOperation).map(([k, v]) => [k, mcToCredits(v)])),
        },
      };
    },
  );
}
