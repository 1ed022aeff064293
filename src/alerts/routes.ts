import { z } from "zod";
import { creditsToMc, mcToCredits } from "../credits/pricing.js";
import { ApiError } from "../errors.js";
import { requireOwner } from "../http/auth.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { BalanceAlertSettingsStore } from "./settings.js";

const Threshold = z
  .number()
  .min(0)
  .max(1_000_000_000)
  .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, {
    message: "use at most three decimals",
  })
  .describe("Warn when the balance falls below this many credits; 0 turns the alert off");

const BalanceAlert = z.object({
  thresholdCredits: Threshold,
  email: z.boolean().describe("Also send the low-balance and out-of-credits alerts by email"),
  state: z
    .enum(["off", "armed", "below_threshold"])
    .describe("`armed`: the next fall below the threshold alerts; `below_threshold`: the balance is under it"),
});

const present = (s: { thresholdMc: number; email: boolean; state: z.infer<typeof BalanceAlert>["state"] }) => ({
  thresholdCredits: mcToCredits(s.thresholdMc),
  email: s.email,
  state: s.state,
});

export interface BalanceAlertRouteDeps {
  settings: BalanceAlertSettingsStore;
  accountExists: (accountId: string) => Promise<boolean>;
}

export function balanceAlertRoutes(app: App, deps: BalanceAlertRouteDeps): void {
  const customer = { config: { auth: "customer" as const } };
  app.get(
    "/v1/balance-alert",
    {
      ...customer,
      schema: {
        tags: ["notifications"],
        summary: "The low-balance alert: threshold, email on or off, and whether the balance is below it",
        response: { 200: BalanceAlert, ...errors(401, 403) },
      },
    },
    async (request) => {
      const principal = requireOwner(request, "balance alerts");
      return present(await deps.settings.get(principal.accountId));
    },
  );
  app.put(
    "/v1/balance-alert",
    {
      ...customer,
      schema: {
        tags: ["notifications"],
        summary: "Set the low-balance alert (owner only)",
        description:
          "An alert (`balance.low` event, and an email when `email` is true) fires once each time a spend takes the balance below the threshold, and re-arms when credits bring it back at or above it (`balance.recovered`).",
        body: z.object({ thresholdCredits: Threshold, email: z.boolean() }).strict(),
        response: { 200: BalanceAlert, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = requireOwner(request, "balance alerts");
      const body = request.body;
      return present(
        await deps.settings.put(principal.accountId, {
          thresholdMc: creditsToMc(body.thresholdCredits),
          email: body.email,
        }),
      );
    },
  );
  app.get(
    "/v1/admin/accounts/:accountId/balance-alert",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "An account's low-balance alert: threshold, email on or off, and whether the balance is below it",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: { 200: BalanceAlert, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      return present(await deps.settings.get(accountId));
    },
  );
}
