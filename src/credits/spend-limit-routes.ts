import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { operatorChangeWrite } from "../audit/operator-changes.js";
import { OperatorReason } from "../audit/routes.js";
import { ApiError } from "../errors.js";
import { type Principal, requireOwner } from "../http/auth.js";
import { Credits, errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { creditsToMc, mcToCredits } from "./pricing.js";
import type { SpendLimit, SpendLimitStore } from "./spend-limits.js";
import { SPEND_PERIODS } from "./spend-periods.js";

export interface SpendLimitRouteDeps {
  spendLimits: SpendLimitStore;
  /** Whether the site / the API key is one of the account's (a limit may only name its own). */
  hasSite: (accountId: string, siteId: string) => Promise<boolean>;
  hasKey: (accountId: string, keyId: string) => Promise<boolean>;
  accountExists: (accountId: string) => Promise<boolean>;
  /** What the customer calls what a limit caps ("site shop.example.com", "API key “Shop”"), for the audit trail. */
  describeSubject: (limit: SpendLimit) => Promise<string>;
  clock: () => number;
}

const SpendLimitSchema = z.object({
  id: z.string(),
  siteId: z.string().nullable().describe("the site it caps; null with keyId null: the whole account"),
  keyId: z.string().nullable().describe("the API key it caps"),
  credits: Credits.describe("the most that may be spent per period"),
  period: z.enum(SPEND_PERIODS).describe("UTC day, ISO week from Monday 00:00 UTC, calendar month, or total"),
  usedCredits: Credits.describe("spent in the current period, plus what operations in flight hold"),
  resetsAt: z.string().nullable().describe("when the current period ends; null for `total`, which never resets"),
  createdAt: z.string(),
});

const present = (limit: SpendLimit) => ({
  id: limit.id,
  siteId: limit.siteId,
  keyId: limit.keyId,
  credits: mcToCredits(limit.limitMc),
  period: limit.period,
  usedCredits: mcToCredits(limit.usedMc),
  resetsAt: iso(limit.resetsAt),
  createdAt: iso(limit.createdAt)!,
});

const LimitCredits = z
  .number()
  .refine(
    (v) => v >= 0 && v <= 1e9 && Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6,
    "a number of credits from 0 with at most three decimals",
  );

const CreateBody = z
  .object({
    siteId: z.string().min(1).max(100).optional(),
    keyId: z.string().min(1).max(100).optional(),
    credits: LimitCredits,
    period: z.enum(SPEND_PERIODS),
  })
  .refine((b) => !(b.siteId && b.keyId), { message: "a limit caps a site or an API key, not both", path: ["keyId"] });

const PER: Record<SpendLimit["period"], string> = { day: "a day", week: "a week", month: "a month", total: "in total" };
const words = (mc: number) => `${mcToCredits(mc).toLocaleString("en-US", { maximumFractionDigits: 3 })}`;

/** "Spend limit of site shop.example.com raised from 40 to 100 credits a month." */
function changeSummary(subject: string, before: SpendLimit, limitMc: number): string {
  const verb = limitMc > before.limitMc ? "raised" : limitMc < before.limitMc ? "lowered" : "kept";
  const unit = limitMc === 1000 ? "credit" : "credits";
  const amounts =
    verb === "kept" ? `at ${words(limitMc)} ${unit}` : `from ${words(before.limitMc)} to ${words(limitMc)} ${unit}`;
  return `Spend limit of ${subject} ${verb} ${amounts} ${PER[before.period]}.`;
}

/**
 * Settings are the owner's alone (licence key or the owner's session): a leaked site or API key can neither lift
 * its own cap nor see the others'.
 */
function ownerOf(request: FastifyRequest): Principal {
  return requireOwner(request, "spending limits");
}

/** Spend limits per site, per API key or for the whole account (the ledger enforces them). */
export function spendLimitRoutes(app: App, deps: SpendLimitRouteDeps): void {
  const { spendLimits } = deps;
  const common = { config: { auth: "customer" as const } };

  app.post(
    "/v1/spend-limits",
    {
      ...common,
      schema: {
        tags: ["credits"],
        summary: "Cap what a site, an API key or (neither given) the whole account may spend per period",
        security: [{ apiKey: [] }],
        body: CreateBody,
        response: { 201: SpendLimitSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId } = ownerOf(request);
      const { siteId, keyId, credits, period } = request.body;
      if (siteId && !(await deps.hasSite(accountId, siteId)))
        throw new ApiError("NOT_FOUND", `no site ${siteId} in this account`, { field: "siteId" });
      if (keyId && !(await deps.hasKey(accountId, keyId)))
        throw new ApiError("NOT_FOUND", `no API key ${keyId} in this account`, { field: "keyId" });
      const limit = await spendLimits.create({ accountId, siteId, keyId, limitMc: creditsToMc(credits), period });
      return reply.status(201).send(present(limit));
    },
  );

  app.get(
    "/v1/spend-limits",
    {
      ...common,
      schema: {
        tags: ["credits"],
        summary: "The account's spend limits with what each has used this period",
        security: [{ apiKey: [] }],
        response: { 200: z.object({ data: z.array(SpendLimitSchema) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ data: (await spendLimits.list(ownerOf(request).accountId)).map(present) }),
  );

  app.get(
    "/v1/spend-limits/:id",
    {
      ...common,
      schema: {
        tags: ["credits"],
        summary: "One spend limit with what it has used this period",
        security: [{ apiKey: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: SpendLimitSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const limit = await spendLimits.get(ownerOf(request).accountId, request.params.id);
      if (!limit) throw new ApiError("NOT_FOUND", `no spend limit ${request.params.id}`);
      return present(limit);
    },
  );

  app.delete(
    "/v1/spend-limits/:id",
    {
      ...common,
      schema: {
        tags: ["credits"],
        summary: "Remove a spend limit",
        security: [{ apiKey: [] }],
        params: z.object({ id: z.string().max(100) }),
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      if (!(await spendLimits.delete(ownerOf(request).accountId, request.params.id)))
        throw new ApiError("NOT_FOUND", `no spend limit ${request.params.id}`);
      return { id: request.params.id, deleted: true as const };
    },
  );

  app.get(
    "/v1/admin/accounts/:accountId/spend-limits",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "An account's spend limits with what each has used this period",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: {
          200: z.object({
            data: z.array(
              SpendLimitSchema.extend({
                appliesTo: z.string().describe('what it caps, in words: "site shop.example.com", "API key “Shop”"'),
              }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const limits = await spendLimits.list(accountId);
      return {
        data: await Promise.all(limits.map(async (l) => ({ ...present(l), appliesTo: await deps.describeSubject(l) }))),
      };
    },
  );
  app.patch(
    "/v1/admin/accounts/:accountId/spend-limits/:id",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Change how many credits one of an account's spend limits allows (on the customer's behalf)",
        description:
          "What the period has used is kept, so a raised limit lets the next spend through at once. The limit is the " +
          "customer's own: the change is recorded with its reason, and the customer sees both " +
          "(`GET /v1/operator-changes`, and the dashboard).",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100), id: z.string().max(100) }),
        body: z.object({ credits: LimitCredits, reason: OperatorReason }).strict(),
        response: { 200: SpendLimitSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { accountId, id } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const limitMc = creditsToMc(request.body.credits);
      const current = await spendLimits.get(accountId, id);
      if (!current) throw new ApiError("NOT_FOUND", `no spend limit ${id} in this account`);
      const subject = await deps.describeSubject(current);
      const changed = await spendLimits.setLimitMc(accountId, id, limitMc, (before) =>
        operatorChangeWrite(
          {
            accountId,
            rule: "spend_limit",
            subjectId: id,
            summary: changeSummary(subject, before, limitMc),
            reason: request.body.reason,
          },
          deps.clock(),
        ),
      );
      if (!changed) throw new ApiError("NOT_FOUND", `no spend limit ${id} in this account`);
      return present(changed.after);
    },
  );
}
