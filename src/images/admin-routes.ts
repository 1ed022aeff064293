import { z } from "zod";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { ProviderAccountFailures } from "./provider-failures.js";

/**
 * What the operator needs to know about images: which providers are configured and what they can do (so a missing
 * generation provider is visible and explained), and the provider-account failures this process has seen.
 */
export function imageAdminRoutes(
  app: App,
  deps: { providers: string[]; capabilities: () => string[]; failures: ProviderAccountFailures },
): void {
  app.get(
    "/v1/admin/images",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Image providers in use, what they can do, and the provider-account failures this process saw",
        security: [{ adminToken: [] }],
        response: {
          200: z.object({
            providers: z.array(z.string()),
            capabilities: z.array(z.string()),
            canGenerate: z.boolean().describe("false: no provider that generates from text is configured"),
            accountFailures: z
              .array(
                z.object({
                  provider: z.string(),
                  status: z.string().describe("the provider's HTTP status (401, 402, 403, 429)"),
                  count: z.number().int(),
                  lastAt: z.string(),
                  lastDetail: z.string(),
                }),
              )
              .describe("this process since it started; /metrics has provider_account_failures_total"),
          }),
          ...errors(401),
        },
      },
    },
    async () => {
      const capabilities = deps.capabilities();
      return {
        providers: deps.providers,
        capabilities,
        canGenerate: capabilities.includes("generate"),
        accountFailures: deps.failures.list().map((f) => ({ ...f, lastAt: iso(f.lastAt)! })),
      };
    },
  );
}
