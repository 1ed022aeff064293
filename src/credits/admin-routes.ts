import { z } from "zod";
import { ApiError } from "../errors.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { describeEntry } from "./ledger-describe.js";
import { LedgerEntrySchema, presentEntry } from "./ledger-entry-schema.js";
import { insufficientCredits } from "./metering.js";
import { creditsToMc, PricingSchema } from "./pricing.js";
import type { CreditsRouteDeps } from "./routes.js";

/** The operator's: prices in force (read, change, reset) and grants or downward adjustments of an account's credits. */
export function creditsAdminRoutes(app: App, deps: CreditsRouteDeps): void {
  const { ledger } = deps;

  const adminPricing = {
    config: { auth: "admin" as const },
    schema: {
      tags: ["admin"],
      security: [{ adminToken: [] }],
      response: {
        200: z.object({ pricing: PricingSchema, source: z.enum(["operator", "configuration"]) }),
        ...errors(400, 401),
      },
    },
  };
  const pricingReply = () => ({
    pricing: deps.pricing.current(),
    source: deps.pricing.isOverridden ? ("operator" as const) : ("configuration" as const),
  });
  app.get(
    "/v1/admin/pricing",
    { ...adminPricing, schema: { ...adminPricing.schema, summary: "The prices in force" } },
    async () => pricingReply(),
  );
  app.put(
    "/v1/admin/pricing",
    {
      ...adminPricing,
      schema: {
        ...adminPricing.schema,
        summary: "Change packs and operation costs; takes effect at once (checkouts already started keep their price)",
        body: PricingSchema,
      },
    },
    async (request) => {
      await deps.pricing.update(request.body);
      return pricingReply();
    },
  );
  app.delete(
    "/v1/admin/pricing",
    {
      ...adminPricing,
      schema: { ...adminPricing.schema, summary: "Return to the configured prices (CONFIG_FILE or defaults)" },
    },
    async () => {
      await deps.pricing.reset();
      return pricingReply();
    },
  );

  app.post(
    "/v1/admin/accounts/:accountId/grants",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Grant credits, or adjust them down with a negative amount (never below zero)",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        body: z.object({
          credits: z
            .number()
            .refine(
              (v) => v !== 0 && Math.abs(v) <= 1e9 && Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6,
              "a non-zero amount of credits with at most three decimals",
            ),
          reason: z.string().trim().min(1).max(500),
        }),
        response: { 201: LedgerEntrySchema, ...errors(400, 401, 402, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const mc = creditsToMc(request.body.credits);
      const idemKey = request.headers["idempotency-key"];
      const key = typeof idemKey === "string" && idemKey.length <= 255 ? `grant:${idemKey}` : undefined;
      const cause = { reason: request.body.reason, requestId: String(request.id) };
      if (mc > 0) {
        const { entry } = await ledger.credit({ accountId, amountMc: mc, type: "grant", idemKey: key, cause });
        return reply.status(201).send(presentEntry(entry, describeEntry(entry, { pricing: deps.pricing.current() })));
      }
      const result = await ledger.debit({ accountId, amountMc: -mc, type: "adjustment", idemKey: key, cause });
      if (!result.ok) throw insufficientCredits(result.neededMc, result.availableMc, "This adjustment", "");
      return reply
        .status(201)
        .send(presentEntry(result.entry, describeEntry(result.entry, { pricing: deps.pricing.current() })));
    },
  );
}
