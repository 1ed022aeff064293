import { z } from "zod";
import type { Database } from "../db/open.js";
import type { Metrics } from "./metrics.js";
import type { App } from "./server.js";

export function systemRoutes(
  app: App,
  deps: { db: Database; metrics: Metrics; version: string; paymentsConfigured: boolean },
): void {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["system"],
        summary: "Liveness: the process serves and its database answers",
        response: {
          200: z.object({
            status: z.literal("ok"),
            version: z.string(),
            database: z.string(),
            payments: z
              .enum(["configured", "not_configured"])
              .describe("not_configured: STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set, nobody can buy"),
          }),
          503: z.object({ status: z.literal("unavailable"), version: z.string(), database: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await deps.db.sql.get("SELECT 1 AS ok");
        return {
          status: "ok" as const,
          version: deps.version,
          database: deps.db.dialect,
          payments: deps.paymentsConfigured ? ("configured" as const) : ("not_configured" as const),
        };
      } catch {
        return reply
          .status(503)
          .send({ status: "unavailable" as const, version: deps.version, database: deps.db.dialect });
      }
    },
  );

  app.get(
    "/metrics",
    {
      config: { auth: "admin" },
      schema: { tags: ["system"], summary: "Prometheus metrics (operator)", security: [{ adminToken: [] }] },
    },
    async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
