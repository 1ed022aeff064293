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
 * Fans each committed event out to the account's enabled endpoints that subscribe to its type: one pending delivery
 * row each, in the dispatcher's transaction (so the fan-out happens once, or again after a crash, never halfway).
 * Sending is the `WebhookSender`'s job, woken once the transaction has committed.
 */
export class WebhookChannel implements EventChannel {
  readonly name = "webhooks";
  /** An account's enabled endpoints, read once per dispatching transaction (a batch holds many of its events). */
  private readonly perBatch = new WeakMap<Sql, Map<string, Promise<WebhookEndpoint[]>>>();

  constructor(
    private readonly endpoints: EndpointStore,
    private readonly deliveries: DeliveryStore,
    private readonly onQueued: () => void,
  ) {}

  async accept(tx: Sql, event: OutboxEvent): Promise<void> {
    const accounts = this.perBatch.get(tx) ?? new Map<string, Promise<WebhookEndpoint[]>>();
    this.perBatch.set(tx, accounts);
    const enabled = accounts.get(event.accountId) ?? this.endpoints.enabledOf(tx, event.accountId);
    accounts.set(event.accountId, enabled);
    const subscribers = (await enabled).filter((e) => e.events.includes("*") || e.events.includes(event.type));
    if (subscribers.length === 0) return;
    const body = webhookBody(event);
    const at = Date.now();
    for (const endpoint of subscribers)
      await this.deliveries.insert(tx, {
        accountId: event.accountId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        body,
        at,
      });
  }

  afterCommit(): void {
    this.onQueued();
  }
}
