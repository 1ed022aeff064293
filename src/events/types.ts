/**
 * What an account can be told about, by webhook and (for some) by email. The names and payloads are part of the
 * public contract (docs/webhooks.md): add, never rename.
 */
export const EVENT_TYPES = [
  "balance.low",
  "balance.depleted",
  "balance.recovered",
  "purchase.completed",
  "purchase.refunded",
  "auto_topup.succeeded",
  "auto_topup.failed",
  "spend_limit.reached",
  "document.ready",
  "document.failed",
  "license.expiring",
  "license.expired",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as it was committed: `id` is the Standard Webhooks `webhook-id` of every delivery of it. */
export interface OutboxEvent {
  id: string;
  accountId: string;
  type: EventType;
  /** The event's payload (customer-facing field names; credits as numbers of credits). */
  data: Record<string, unknown>;
  createdAt: number;
}
