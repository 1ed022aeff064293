import { z } from "zod";
import type { Ledger } from "../credits/ledger.js";
import { operatorTotals } from "../credits/operator-totals.js";
import { mcToCredits } from "../credits/pricing.js";
import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { Credits, errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";

const DAY = 86_400_000;

const Purchase = z.object({
  id: z.string().describe("the Stripe Checkout Session"),
  packId: z.string().nullable().describe("null: a top-up of any amount"),
  amountCents: z.number().int(),
  credits: Credits.describe("credits the purchase adds, bonus included"),
  bonusCredits: Credits,
  status: z.enum(["open", "pending", "fulfilled", "failed", "expired", "rejected"]),
  refundedCents: z.number().int(),
  createdAt: z.string(),
  fulfilledAt: z.string().nullable(),
});

/** The operator's view of money: revenue and usage over a period, what is still owed, and one customer's purchases. */
export function paymentsAdminRoutes(app: App, deps: { sql: Sql; ledger: Ledger }): void {
  app.get(
    "/v1/admin/stats",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Revenue, grants and usage per UTC day (default the last 30 days), and the credits still owed",
        security: [{ adminToken: [] }],
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(366).default(30),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            revenue: z.array(
              z.object({ date: z.string(), cents: z.number().int(), purchases: z.number().int(), credits: Credits }),
            ),
            usage: z.array(
              z.object({ date: z.string(), operation: z.string(), count: z.number().int(), credits: Credits }),
            ),
            totals: z.object({
              revenueCents: z.number().int(),
              purchases: z.number().int(),
              creditsSold: Credits.describe("bought through Stripe in the period, bonus included"),
              creditsGranted: Credits.describe("granted by the operator in the period"),
              grants: z.number().int(),
              creditsAdjusted: Credits.describe("taken back by the operator's downward adjustments in the period"),
              creditsUsed: Credits,
              usedByFeature: z.record(z.string(), Credits).describe("credits used in the period per feature"),
              outstandingCredits: Credits.describe(
                "held by all accounts now (available + reserved): service still owed, sold or granted",
              ),
              reservedCredits: Credits.describe("of which held by operations in flight"),
              accounts: z.number().int(),
              activeLicenses: z.number().int(),
            }),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      const from = today - (request.query.days - 1) * DAY;
      const to = today + DAY;
      const day =
        deps.sql.dialect === "sqlite"
          ? "strftime('%Y-%m-%d', fulfilled_at / 1000, 'unixepoch')"
          : "to_char(to_timestamp(fulfilled_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
      const revenue = await deps.sql.all<{ date: string; cents: number; purchases: number; mc: number }>(
        `SELECT ${day} AS date, SUM(amount_cents) AS cents, COUNT(*) AS purchases, SUM(base_mc + bonus_mc) AS mc
         FROM checkout_sessions WHERE status = 'fulfilled' AND fulfilled_at >= ? AND fulfilled_at < ?
         GROUP BY 1 ORDER BY 1`,
        [from, to],
      );
      const usage = await deps.ledger.usage(null, { from, to });
      const owed = await operatorTotals(deps.sql, { from, to });
      const counts = await deps.sql.get<{ accounts: number; active: number }>(
        `SELECT (SELECT COUNT(*) FROM accounts) AS accounts,
                (SELECT COUNT(*) FROM licenses WHERE status = 'active' AND (expires_at IS NULL OR expires_at > ?)) AS active`,
        [Date.now()],
      );
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const byFeature: Record<string, number> = {};
      for (const u of usage) {
        const feature = u.operation.split(".")[0]!;
        byFeature[feature] = (byFeature[feature] ?? 0) + u.mc;
      }
      return {
        from: new Date(from).toISOString().slice(0, 10),
        to: new Date(today).toISOString().slice(0, 10),
        revenue: revenue.map((r) => ({
          date: r.date,
          cents: Number(r.cents),
          purchases: Number(r.purchases),
          credits: mcToCredits(Number(r.mc)),
        })),
        usage: usage.map((u) => ({ date: u.day, operation: u.operation, count: u.count, credits: mcToCredits(u.mc) })),
        totals: {
          revenueCents: sum(revenue.map((r) => Number(r.cents))),
          purchases: sum(revenue.map((r) => Number(r.purchases))),
          creditsSold: mcToCredits(sum(revenue.map((r) => Number(r.mc)))),
          creditsGranted: mcToCredits(owed.grantedMc),
          grants: owed.grants,
          creditsAdjusted: mcToCredits(owed.adjustedMc),
          creditsUsed: mcToCredits(sum(usage.map((u) => u.mc))),
          usedByFeature: Object.fromEntries(Object.entries(byFeature).map(([k, v]) => [k, mcToCredits(v)])),
          outstandingCredits: mcToCredits(owed.outstandingMc),
          reservedCredits: mcToCredits(owed.reservedMc),
          accounts: Number(counts?.accounts ?? 0),
          activeLicenses: Number(counts?.active ?? 0),
        },
      };
    },
  );

  app.get(
    "/v1/admin/accounts/:accountId/purchases",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "A customer's Stripe purchases (every Checkout Session they started), newest first",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: { 200: z.object({ data: z.array(Purchase) }), ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.sql.get("SELECT id FROM accounts WHERE id = ?", [accountId])))
        throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const rows = await deps.sql.all<{
        id: string;
        pack_id: string | null;
        amount_cents: number;
        base_mc: number;
        bonus_mc: number;
        status: z.infer<typeof Purchase>["status"];
        refunded_cents: number;
        created_at: number;
        fulfilled_at: number | null;
      }>(
        `SELECT id, pack_id, amount_cents, base_mc, bonus_mc, status, refunded_cents, created_at, fulfilled_at
         FROM checkout_sessions WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT 200`,
        [accountId],
      );
      return {
        data: rows.map((r) => ({
          id: r.id,
          packId: r.pack_id,
          amountCents: Number(r.amount_cents),
          credits: mcToCredits(Number(r.base_mc) + Number(r.bonus_mc)),
          bonusCredits: mcToCredits(Number(r.bonus_mc)),
          status: r.status,
          refundedCents: Number(r.refunded_cents),
          createdAt: iso(Number(r.created_at))!,
          fulfilledAt: iso(r.fulfilled_at === null ? null : Number(r.fulfilled_at)),
        })),
      };
    },
  );
}
