import { z } from "zod";
import { ApiError } from "../errors.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { DeliverySchema, EndpointSchema, presentDelivery, presentEndpoint } from "./routes.js";
import type { WebhookService } from "./service.js";

/** The operator's read-only view of an account's endpoints: state, events and last deliveries, never the secret. */
export function adminWebhookRoutes(
  app: App,
  { webhooks, accountExists }: { webhooks: WebhookService; accountExists: (accountId: string) => Promise<boolean> },
): void {
  const RECENT = 5;
  app.get(
    "/v1/admin/accounts/:accountId/webhook-endpoints",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        security: [{ adminToken: [] }],
        summary: `An account's webhook endpoints with their last ${RECENT} deliveries (never the signing secret)`,
        params: z.object({ accountId: z.string().max(100) }),
        response: {
          200: z.object({
            data: z.array(
              EndpointSchema.extend({ recentDeliveries: z.array(DeliverySchema).describe("newest first") }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const endpoints = await webhooks.list(accountId);
      const data = await Promise.all(
        endpoints.map(async (e) => ({
          ...presentEndpoint(e),
          recentDeliveries: (await webhooks.deliveries(accountId, e.id, { limit: RECENT })).map(presentDelivery),
        })),
      );
      return { data };
    },
  );
}
