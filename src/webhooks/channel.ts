import type { Sql } from "../db/sql.js";
import type { EventChannel } from "../events/dispatcher.js";
import type { OutboxEvent } from "../events/types.js";
import type { DeliveryStore } from "./delivery-store.js";
import type { EndpointStore, WebhookEndpoint } from "./endpoint-store.js";

/** The body every attempt of a delivery sends (Standard Webhooks payload shape). */
export function webhookBody(event: { type: string; createdAt: number; data: Record<string, unknown> }): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data: event.data });
}

/**
 * Fans committed events out to their account's enabled endpoints that subscribe to their type: one pending delivery
 * row each, in the dispatcher's transaction (so the fan-out happens once, or again after a crash, never halfway).
 * A batch costs two statements whatever its size: the accounts' endpoints, then every delivery row in one INSERT.
 * Sending is the `WebhookSender`'s job, woken once the transaction has committed.
 */
export class WebhookChannel implements EventChannel {
  readonly name = "webhooks";

  constructor(
    private readonly endpoints: EndpointStore,
    private readonly deliveries: DeliveryStore,
    private readonly onQueued: () => void,
  ) {}

  async acceptBatch(tx: Sql, events: OutboxEvent[]): Promise<void> {
    const accounts = [...new Set(events.map((e) => e.accountId))];
    const byAccount = new Map<string, WebhookEndpoint[]>();
    for (const endpoint of await this.endpoints.enabledOf(tx, accounts))
      byAccount.set(endpoint.accountId, [...(byAccount.get(endpoint.accountId) ?? []), endpoint]);
    if (byAccount.size === 0) return;
    const at = Date.now();
    const rows = events.flatMap((event) => {
      const subscribers = (byAccount.get(event.accountId) ?? []).filter(
        (e) => e.events.includes("*") || e.events.includes(event.type),
      );
      if (subscribers.length === 0) return [];
      const body = webhookBody(event);
      return subscribers.map((endpoint) => ({
        accountId: event.accountId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        body,
        at,
      }));
    });
    await this.deliveries.insertMany(tx, rows);
  }

  afterCommit(): void {
    this.onQueued();
  }
}
