import { Readable } from "node:stream";
import { z } from "zod";
import { ApiError } from "../errors.js";
import { principalOf } from "../http/auth.js";
import { jsonOrMultipart, parseBody, readMultipart, type UploadedFile } from "../http/multipart.js";
import { Credits, errors, iso, Pagination } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { priceCatalogue } from "./catalogue.js";
import { ENTRY_TYPES, type EntryType, type Ledger, type LedgerEntry } from "./ledger.js";
import { ledgerCsv } from "./ledger-csv.js";
import { insufficientCredits } from "./metering.js";
import { bonusPercent, creditsToMc, mcToCredits, PricingSchema } from "./pricing.js";
import type { PricingSource } from "./pricing-source.js";
import { QuoteRequest, quote } from "./quotes.js";

export const LedgerEntrySchema = z.object({
  id: z.string(),
  type: z.enum(["purchase", "bonus", "grant", "adjustment", "usage", "hold", "release", "refund"]),
  credits: Credits.describe("Signed settled change: the entries sum to credits + reservedCredits"),
  heldCredits: Credits.describe("Signed change to the reserved part (holds and their settlement)"),
  balanceAfter: Credits.describe("credits + reservedCredits after this entry"),
  reservedAfter: Credits,
  operation: z.string().nullable(),
  quantity: z.record(z.string(), z.unknown()).nullable().describe("What was measured: tokens, images, pixels, model…"),
  reference: z.string().nullable(),
  holdId: z.string().nullable(),
  requestId: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});

export function presentEntry(e: LedgerEntry): z.infer<typeof LedgerEntrySchema> {
  return {
    id: e.id,
    type: e.type,
    credits: mcToCredits(e.amountMc),
    heldCredits: mcToCredits(e.reservedDeltaMc),
    balanceAfter: mcToCredits(e.balanceAfterMc),
    reservedAfter: mcToCredits(e.reservedAfterMc),
    operation: e.operation,
    quantity: e.quantity,
    reference: e.reference,
    holdId: e.holdId,
    requestId: e.requestId,
    reason: e.reason,
    createdAt: iso(e.createdAt)!,
  };
}

/** A page continues after an entry the client already holds: the cursor is that entry's (opaque) id. */
export function parseLedgerCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!/^led_[0-9a-z]{1,40}$/.test(cursor))
    throw new ApiError("VALIDATION_FAILED", "cursor is not a ledger cursor", { field: "cursor" });
  return cursor;
}

const Pack = z.object({
  id: z.string(),
  name: z.string().optional(),
  priceCents: z.number().int(),
  currency: z.literal("usd"),
  credits: z.number().int(),
  bonusCredits: z.number().int(),
  bonusPercent: z.number().int(),
});

const DAY = 86_400_000;
const DateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-01-31")
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, "not a real date");

export interface CreditsRouteDeps {
  ledger: Ledger;
  pricing: PricingSource;
  textTokens: (text: string, name?: string) => number;
  /** Billable tokens of an uploaded file, read exactly as an upload would read it. */
  fileTokens: (file: UploadedFile) => Promise<{ tokens: number; pages?: number }>;
  tokenizerName: string;
  accountExists: (accountId: string) => Promise<boolean>;
  /** Whether payments are set up (else the pages show that purchases are unavailable). */
  purchasable: boolean;
}

export function creditsRoutes(app: App, deps: CreditsRouteDeps): void {
  const { ledger } = deps;

  app.get(
    "/v1/packs",
    {
      schema: {
        tags: ["credits"],
        summary: "The credit packs on sale",
        response: {
          200: z.object({
            data: z.array(Pack),
            purchasable: z.boolean().describe("false while this service takes no payments (Stripe not set up)"),
          }),
        },
      },
    },
    async () => ({
      purchasable: deps.purchasable,
      data: deps.pricing
        .current()
        .packs.map((p) => ({ ...p, currency: "usd" as const, bonusPercent: bonusPercent(p) })),
    }),
  );

  app.get(
    "/v1/pricing",
    {
      schema: {
        tags: ["credits"],
        summary: "What each operation costs, in credits",
        response: {
          200: z.object({
            currency: z.literal("usd"),
            creditPriceCents: z.number(),
            minTopUpCents: z.number().int(),
            tokenizer: z.string(),
            operations: z.array(
              z.object({
                operation: z.string(),
                unit: z.string(),
                credits: Credits.describe("Credits per unit"),
                description: z.string(),
                surcharge: z
                  .object({
                    size: z.literal("2K"),
                    percent: z.number().describe("Percent added to the price"),
                    credits: Credits.describe("Credits per unit with the surcharge"),
                  })
                  .optional()
                  .describe("A price on top of this one: 2K output of a generated image"),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const pricing = deps.pricing.current();
      return {
        currency: "usd" as const,
        creditPriceCents: 100 / pricing.creditsPerDollar,
        minTopUpCents: pricing.minTopUpCents,
        tokenizer: deps.tokenizerName,
        operations: priceCatalogue(pricing, deps.tokenizerName).map((e) => ({
          operation: e.operation,
          unit: e.unit,
          credits: e.credits,
          description: e.description,
          ...(e.surcharge ? { surcharge: e.surcharge } : {}),
        })),
      };
    },
  );

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
      const page = entries.slice(0, limit);
      return {
        data: page.map(presentEntry),
        nextCursor: entries.length > limit ? page.at(-1)!.id : null,
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
      return reply.send(Readable.from(ledgerCsv(ledger, principalOf(request).accountId)));
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
      const rows = await ledger.usage(principalOf(request).accountId, { from, to: to + DAY });
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
      };
    },
  );

  app.post(
    "/v1/quotes",
    {
      config: { auth: "customer" },
      validatorCompiler: jsonOrMultipart,
      schema: {
        tags: ["credits"],
        summary: "Price an operation without running it",
        description:
          "JSON names the operation and what it needs. To price indexing a file, send it as multipart/form-data in " +
          "`file` (any format a knowledge base accepts): it is read and its tokens counted exactly as an upload " +
          "would, and nothing is stored.",
        security: [{ apiKey: [] }],
        body: QuoteRequest,
        response: {
          200: z.object({ operation: z.string(), credits: Credits, quantity: z.record(z.string(), z.unknown()) }),
          ...errors(400, 401, 413, 415, 422),
        },
      },
    },
    async (request) => {
      if (request.isMultipart()) {
        const form = await readMultipart(request, ["file"]);
        const file = form.files.file;
        if (!file)
          throw new ApiError("VALIDATION_FAILED", "send the file to price in the field `file`", { field: "file" });
        const { tokens, pages } = await deps.fileTokens(file);
        const q = quote(deps.pricing.current(), { operation: "training.embed", tokens }, deps.textTokens);
        return {
          operation: q.operation,
          credits: mcToCredits(q.mc),
          quantity: { ...q.quantity, ...(pages ? { pages } : {}) },
        };
      }
      const q = quote(deps.pricing.current(), parseBody(QuoteRequest, request.body), deps.textTokens);
      return { operation: q.operation, credits: mcToCredits(q.mc), quantity: q.quantity };
    },
  );

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
        return reply.status(201).send(presentEntry(entry));
      }
      const result = await ledger.debit({ accountId, amountMc: -mc, type: "adjustment", idemKey: key, cause });
      if (!result.ok) throw insufficientCredits(result.neededMc, result.availableMc, "This adjustment", "");
      return reply.status(201).send(presentEntry(result.entry));
    },
  );
}
