import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { EVENT_TYPES } from "../events/types.js";
import { requireOwner } from "../http/auth.js";
import { cursorPage } from "../http/pages.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { Delivery } from "./delivery-store.js";
import type { WebhookEndpoint } from "./endpoint-store.js";
import type { WebhookService } from "./service.js";

const tags = ["webhooks"];
const security = [{ apiKey: [] }];
const customer = { config: { auth: "customer" as const } };

const EventName = z.enum([...EVENT_TYPES, "*"]);
const Events = z
  .array(EventName)
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .describe('the event types it receives; ["*"] receives every type, including ones added later');
const Url = z.string().trim().min(1).max(2048).describe("http(s) URL that receives the POSTs");
const Description = z.string().trim().max(500).nullable();

export const EndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(EventName),
  enabled: z.boolean(),
  disabledReason: z
    .enum(["failing"])
    .nullable()
    .describe("`failing`: the service turned it off because every attempt failed for too long; null otherwise"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const WithSecret = EndpointSchema.extend({
  secret: z.string().describe("the signing secret `whsec_…`: shown only in this reply; keep it on the receiver"),
});

export const DeliverySchema = z.object({
  id: z.string(),
  eventId: z.string().describe("the `webhook-id` header of every attempt"),
  eventType: z.string(),
  status: z.enum(["pending", "sending", "delivered", "failed"]),
  attempts: z.number().int(),
  responseStatus: z.number().int().nullable().describe("the HTTP status of the latest attempt"),
  error: z.string().nullable().describe("why the latest attempt failed"),
  latencyMs: z.number().int().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});

export function presentEndpoint(e: WebhookEndpoint): z.infer<typeof EndpointSchema> {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabledReason: e.disabledReason === "failing" ? "failing" : null,
    createdAt: iso(e.createdAt)!,
    updatedAt: iso(e.updatedAt)!,
  };
}

export function presentDelivery(d: Delivery): z.infer<typeof DeliverySchema> {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status === "pending" && d.leaseOwner ? "sending" : d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    error: d.error,
    latencyMs: d.latencyMs,
    nextAttemptAt: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    createdAt: iso(d.createdAt)!,
  };
}

/** Webhook settings are the account owner's: a site's key must not subscribe to other sites' events. */
function ownerAccount(request: FastifyRequest): string {
  return requireOwner(request, "webhooks").accountId;
}

const Params = z.object({ id: z.string().min(1).max(100) });
const DeliveryParams = Params.extend({ deliveryId: z.string().min(1).max(100) });

/** `/v1/webhook-endpoints`: the account owner's endpoints, their secrets and delivery logs. */
export function webhookRoutes(app: App, { webhooks }: { webhooks: WebhookService }): void {
  app.post(
    "/v1/webhook-endpoints",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Add a webhook endpoint (the signing secret is in this reply only)",
        body: z.object({
          url: Url,
          events: Events,
          enabled: z.boolean().optional(),
          description: Description.optional(),
        }),
        response: { 201: WithSecret, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { endpoint, secret } = await webhooks.create(ownerAccount(request), request.body);
      return reply.status(201).send({ ...presentEndpoint(endpoint), secret });
    },
  );

  app.get(
    "/v1/webhook-endpoints",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "List the webhook endpoints",
        response: { 200: z.object({ data: z.array(EndpointSchema) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ data: (await webhooks.list(ownerAccount(request))).map(presentEndpoint) }),
  );

  app.get(
    "/v1/webhook-endpoints/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "A webhook endpoint",
        params: Params,
        response: { 200: EndpointSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => presentEndpoint(await webhooks.get(ownerAccount(request), request.params.id)),
  );

  app.patch(
    "/v1/webhook-endpoints/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Change an endpoint's URL, events or description, or turn it off and on",
        params: Params,
        body: z.object({
          url: Url.optional(),
          events: Events.optional(),
          enabled: z.boolean().optional(),
          description: Description.optional(),
        }),
        response: { 200: EndpointSchema, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) => presentEndpoint(await webhooks.update(ownerAccount(request), request.params.id, request.body)),
  );

  app.delete(
    "/v1/webhook-endpoints/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Delete an endpoint and its delivery log",
        params: Params,
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.delete(ownerAccount(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/v1/webhook-endpoints/:id/rotate-secret",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Replace the signing secret (the old one keeps signing beside it for 24 hours)",
        params: Params,
        response: { 200: WithSecret, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { endpoint, secret } = await webhooks.rotateSecret(ownerAccount(request), request.params.id);
      return { ...presentEndpoint(endpoint), secret };
    },
  );

  app.get(
    "/v1/webhook-endpoints/:id/deliveries",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "The endpoint's delivery log, newest first",
        params: Params,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(100).optional().describe("`nextCursor` of the previous page"),
        }),
        response: {
          200: z.object({ data: z.array(DeliverySchema), nextCursor: z.string().nullable() }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await webhooks.deliveries(ownerAccount(request), request.params.id, {
        limit: limit + 1,
        before: cursor,
      });
      const { page, nextCursor } = cursorPage(rows, limit);
      return { data: page.map(presentDelivery), nextCursor };
    },
  );

  app.post(
    "/v1/webhook-endpoints/:id/deliveries/:deliveryId/retry",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Send a delivery again now (same event, same webhook-id)",
        params: DeliveryParams,
        response: { 202: DeliverySchema, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const delivery = await webhooks.sendAgain(ownerAccount(request), id, deliveryId);
      return reply.status(202).send(presentDelivery(delivery));
    },
  );

  app.post(
    "/v1/webhook-endpoints/:id/test",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Send a `webhook.test` event to this endpoint",
        params: Params,
        response: { 202: DeliverySchema, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const delivery = await webhooks.sendTest(ownerAccount(request), request.params.id);
      return reply.status(202).send(presentDelivery(delivery));
    },
  );
}
