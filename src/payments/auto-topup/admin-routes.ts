import { z } from "zod";
import { operatorChangeWrite } from "../../audit/operator-changes.js";
import { OperatorReason } from "../../audit/routes.js";
import { ApiError } from "../../errors.js";
import { errors } from "../../http/schemas.js";
import type { App } from "../../http/server.js";
import { type AutoTopupRouteDeps, AutoTopupView, autoTopupView } from "./routes.js";

/**
 * What the operator may do to an account's auto top-up: turn it off (a failing card, a customer who asks). Turning
 * it on, or changing what it buys, charges the customer's card: that stays the customer's own choice.
 */
export function autoTopupAdminRoutes(
  app: App,
  deps: Pick<AutoTopupRouteDeps, "store" | "watcher" | "paymentsConfigured" | "accountExists">,
): void {
  app.post(
    "/v1/admin/accounts/:accountId/auto-topup/turn-off",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Turn an account's auto top-up off (on the customer's behalf)",
        description:
          "No further top-up starts; one already started finishes. The change is recorded with its reason and the " +
          "customer sees both (`GET /v1/operator-changes`, and the dashboard). Only the customer can turn it back on. " +
          "Turning off a rule that is already off changes and records nothing.",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        body: z.object({ reason: OperatorReason }).strict(),
        response: { 200: AutoTopupView, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const record = operatorChangeWrite({
        accountId,
        rule: "auto_topup",
        subjectId: null,
        summary: "Auto top-up turned off. Only you can turn it back on.",
        reason: request.body.reason,
      });
      if (await deps.store.turnOff(accountId, record)) deps.watcher.ruleChanged(accountId, false);
      return autoTopupView(deps, accountId);
    },
  );
}
