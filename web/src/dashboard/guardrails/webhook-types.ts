import type { ResponseOf } from "../../../../packages/client/src/index";

/** What the webhook routes answer (src/webhooks/routes.ts), from the service's own schema. */
export type WebhookEndpoint = ResponseOf<"/v1/webhook-endpoints", "get">["data"][number];
export type WebhookDelivery = ResponseOf<"/v1/webhook-endpoints/{id}/deliveries", "get">["data"][number];
/** An event an endpoint can subscribe to ("*": all of them). */
export type WebhookEvent = WebhookEndpoint["events"][number];

/** Every event, in a customer's words (names as in docs/webhooks.md): a new event fails to typecheck until it has its words. */
const EVENT_WORDS: Record<Exclude<WebhookEvent, "*">, string> = {
  "balance.low": "Balance is low",
  "balance.depleted": "Balance ran out",
  "balance.recovered": "Balance is back up",
  "purchase.completed": "Purchase completed",
  "purchase.refunded": "Purchase refunded",
  "auto_topup.succeeded": "Automatic top-up succeeded",
  "auto_topup.failed": "Automatic top-up failed",
  "spend_limit.reached": "Spend limit reached",
  "document.ready": "Document ready",
  "document.failed": "Document failed",
  "license.expiring": "Licence expiring soon",
  "license.expired": "Licence expired",
};

/** The events a customer can pick, in the order above. */
export const EVENT_CHOICES = (Object.keys(EVENT_WORDS) as (keyof typeof EVENT_WORDS)[]).map((type) => ({
  type,
  label: EVENT_WORDS[type],
}));
