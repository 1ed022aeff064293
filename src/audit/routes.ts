import { z } from "zod";
import { ApiError } from "../errors.js";
import { requireOwner } from "../http/auth.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { OperatorChange, OperatorChangeStore } from "./operator-changes.js";

/** A reason the operator gives for changing a rule of the customer's (the customer reads it). */
export const OperatorReason = z
  .string()
  .trim()
  .min(1, "Say why you make this change: the customer reads it.")
  .max(500)
  .describe("Why the operator made the change, e.g. the support ticket; the customer sees it");

const Change = z.object({
  id: z.string(),
  rule: z.enum(["spend_limit", "auto_topup"]),
  subjectId: z.string().nullable().describe("the spend limit changed; null for auto top-up"),
  summary: z.string().describe("what changed, in words"),
  reason: z.string().describe("why, as the operator wrote it"),
  createdAt: z.string(),
});
const Changes = z.object({ data: z.array(Change) });

const present = (c: OperatorChange) => ({
  id: c.id,
  rule: c.rule,
  subjectId: c.subjectId,
  summary: c.summary,
  reason: c.reason,
  createdAt: iso(c.createdAt)!,
});

/** The operator's changes to an account's own rules: the owner reads them, and so does the operator. */
export function operatorChangeRoutes(
  app: App,
  deps: { changes: OperatorChangeStore; accountExists: (accountId: string) => Promise<boolean> },
): void {
  app.get(
    "/v1/operator-changes",
    {
      config: { auth: "customer" },
      schema: {
        tags: ["notifications"],
        summary: "What the service's operator changed in the account's rules (spend limits, auto top-up), and why",
        security: [{ apiKey: [] }],
        response: { 200: Changes, ...errors(401, 403) },
      },
    },
    async (request) => {
      const { accountId } = requireOwner(request, "the operator's changes");
      return { data: (await deps.changes.list(accountId)).map(present) };
    },
  );
  app.get(
    "/v1/admin/accounts/:accountId/operator-changes",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "What the operator changed in an account's rules, newest first (the customer sees the same list)",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: { 200: Changes, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      return { data: (await deps.changes.list(accountId)).map(present) };
    },
  );
}
