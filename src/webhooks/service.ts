import { ApiError } from "../errors.js";
import { EVENT_TYPES } from "../events/types.js";
import { checkUrlWithoutResolving } from "../http/outbound/address-guard.js";
import { newId } from "../lib/ids.js";
import { webhookBody } from "./channel.js";
import type { Delivery, DeliveryStore } from "./delivery-store.js";
import type { EndpointStore, WebhookEndpoint } from "./endpoint-store.js";
import type { SecretVault } from "./secret-vault.js";
import { newSigningSecret } from "./signing.js";

/** How many endpoints one account may have. */
export const MAX_ENDPOINTS = 20;
/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_GRACE_MS = 24 * 3600_000;

export interface EndpointInput {
  url: string;
  events: string[];
  enabled?: boolean;
  description?: string | null;
}

/** Endpoints, their secrets and delivery logs, for the account that owns them. */
export class WebhookService {
  constructor(
    private readonly deps: {
      endpoints: EndpointStore;
      deliveries: DeliveryStore;
      vault: SecretVault;
      allowPrivateUrls: boolean;
      /** Wakes the sender (a delivery became due now). */
      onDue: () => void;
    },
  ) {}

  /** Refuses what can be refused without DNS: a bad form, an internal name, a private or metadata address. */
  private checkUrl(url: string): string {
    return checkUrlWithoutResolving(url, { anyPort: true, allowPrivate: this.deps.allowPrivateUrls }).href;
  }

  async create(accountId: string, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const url = this.checkUrl(input.url);
    if ((await this.deps.endpoints.count(accountId)) >= MAX_ENDPOINTS)
      throw new ApiError(
        "CONFLICT",
        `An account can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`,
      );
    const secret = newSigningSecret();
    const endpoint = await this.deps.endpoints.create({
      accountId,
      url,
      description: input.description ?? null,
      events: normaliseEvents(input.events),
      enabled: input.enabled ?? true,
      sealedSecret: await this.deps.vault.seal(accountId, secret),
    });
    return { endpoint, secret };
  }

  list(accountId: string): Promise<WebhookEndpoint[]> {
    return this.deps.endpoints.list(accountId);
  }

  async get(accountId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.deps.endpoints.get(accountId, id);
    if (!endpoint) throw new ApiError("NOT_FOUND", "There is no such webhook endpoint");
    return endpoint;
  }

  async update(accountId: string, id: string, patch: Partial<EndpointInput>): Promise<WebhookEndpoint> {
    const updated = await this.deps.endpoints.update(accountId, id, {
      url: patch.url === undefined ? undefined : this.checkUrl(patch.url),
      events: patch.events === undefined ? undefined : normaliseEvents(patch.events),
      enabled: patch.enabled,
      description: patch.description,
    });
    if (!updated) throw new ApiError("NOT_FOUND", "There is no such webhook endpoint");
    if (patch.enabled) this.deps.onDue();
    return updated;
  }

  async delete(accountId: string, id: string): Promise<void> {
    if (!(await this.deps.endpoints.delete(accountId, id)))
      throw new ApiError("NOT_FOUND", "There is no such webhook endpoint");
  }

  async rotateSecret(accountId: string, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.get(accountId, id);
    const secret = newSigningSecret();
    const sealed = await this.deps.vault.seal(accountId, secret);
    if (!(await this.deps.endpoints.rotateSecret(accountId, id, sealed, Date.now() + ROTATION_GRACE_MS)))
      throw new ApiError("NOT_FOUND", "There is no such webhook endpoint");
    return { endpoint: await this.get(accountId, id), secret };
  }

  async deliveries(accountId: string, id: string, page: { limit: number; before?: string }): Promise<Delivery[]> {
    await this.get(accountId, id);
    return this.deps.deliveries.list(accountId, id, page.limit, page.before);
  }

  /** "Send again": one more attempt now, with the same webhook-id. */
  async sendAgain(accountId: string, id: string, deliveryId: string): Promise<Delivery> {
    await this.get(accountId, id);
    const delivery = await this.deps.deliveries.get(accountId, id, deliveryId);
    if (!delivery) throw new ApiError("NOT_FOUND", "There is no such delivery");
    if (!(await this.deps.deliveries.sendAgain(accountId, id, deliveryId, Date.now())))
      throw new ApiError("CONFLICT", "This delivery is being sent right now; try again in a moment");
    this.deps.onDue();
    return (await this.deps.deliveries.get(accountId, id, deliveryId))!;
  }

  /** Sends a `webhook.test` event to this endpoint only, so the customer can check the receiver. */
  async sendTest(accountId: string, id: string): Promise<Delivery> {
    const endpoint = await this.get(accountId, id);
    const eventId = newId("msg");
    const at = Date.now();
    const body = webhookBody({
      type: "webhook.test",
      createdAt: at,
      data: { endpointId: endpoint.id, message: "This is a test event from api-credits." },
    });
    const deliveryId = await this.deps.deliveries.insertDirect({
      accountId,
      endpointId: id,
      eventId,
      eventType: "webhook.test",
      body,
      at,
    });
    this.deps.onDue();
    return (await this.deps.deliveries.get(accountId, id, deliveryId))!;
  }
}

/** `*` alone means every type; duplicates go. */
function normaliseEvents(events: string[]): string[] {
  if (events.includes("*")) return ["*"];
  const known = new Set<string>(EVENT_TYPES);
  const unknown = events.filter((e) => !known.has(e));
  if (unknown.length)
    throw new ApiError("VALIDATION_FAILED", `Unknown event type: ${unknown.join(", ")}`, { events: unknown });
  return [...new Set(events)];
}
