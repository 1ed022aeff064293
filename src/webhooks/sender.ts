import type { Sql } from "../db/sql.js";
import { type Delivery, type DeliveryStore, LOG_RETENTION_MS } from "./delivery-store.js";
import type { EndpointStore, WebhookEndpoint } from "./endpoint-store.js";
import { postWebhook, type WebhookNetwork } from "./post.js";
import { nextAttemptAt } from "./retry-schedule.js";
import type { SecretVault } from "./secret-vault.js";
import { signatureHeader } from "./signing.js";

/**
 * Told once when the service turns an endpoint off because it kept failing (the app emails the owner), inside the
 * transaction that turned it off: write only (queue the email), never call out.
 */
export type EndpointDisabledHandler = (
  endpoint: { accountId: string; endpointId: string; url: string },
  tx: Sql,
) => Promise<void> | void;

export interface WebhookSenderOptions {
  /** This process (lease owner). */
  owner: string;
  /** Attempts in flight at once in this process; 0 sends nothing (another process does). */
  concurrency: number;
  timeoutMs: number;
  /** Waits after the 1st, 2nd, … failed attempt; when they run out the delivery has failed. */
  schedule: number[];
  /** An endpoint whose attempts have all failed for this long is turned off. */
  disableAfterMs: number;
  /** How long a claimed attempt is this process's; past it (the process died) another process sends it again. */
  leaseMs: number;
  pollMs: number;
  network: WebhookNetwork;
  onEndpointDisabled?: EndpointDisabledHandler;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * Sends due deliveries: claims attempts (atomically, so no two processes send one attempt), signs and POSTs them,
 * and records the outcome — delivered, due again after the schedule's next wait, or failed for good. Woken when
 * this process queued deliveries, and by a poll for deliveries due later or queued elsewhere.
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | undefined;
  private cleanup: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private claiming = false;
  private again = false;
  private stopped = true;
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly endpoints: EndpointStore,
    private readonly vault: SecretVault,
    private readonly options: WebhookSenderOptions,
  ) {}

  start(): void {
    if (this.options.concurrency <= 0) return;
    this.stopped = false;
    this.timer = setInterval(() => this.poke(), this.options.pollMs);
    this.timer.unref();
    this.cleanup = setInterval(() => {
      this.deliveries
        .deleteFinishedBefore(Date.now() - LOG_RETENTION_MS)
        .catch((err) => this.options.log.warn({ err }, "old webhook deliveries wait to be removed"));
    }, 3600_000);
    this.cleanup.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.cleanup);
    await Promise.allSettled([...this.active]);
  }

  /** Looks for due attempts now (coalesced). */
  poke(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    const room = this.options.concurrency - this.inFlight;
    if (room <= 0) return;
    this.claiming = true;
    this.deliveries
      .claimDue(this.options.owner, Date.now(), this.options.leaseMs, room)
      .then((claimed) => {
        for (const delivery of claimed) this.track(this.attempt(delivery));
        if (claimed.length === room) this.again = true;
      })
      .catch((err) => this.options.log.warn({ err }, "webhook deliveries wait to be claimed (will retry)"))
      .finally(() => {
        this.claiming = false;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private track(p: Promise<void>): void {
    this.inFlight++;
    const done = p
      .catch((err) => this.options.log.warn({ err }, "a webhook attempt could not be recorded"))
      .finally(() => {
        this.inFlight--;
        this.active.delete(done);
        this.poke();
      });
    this.active.add(done);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { options } = this;
    const endpoint = await this.endpoints.get(delivery.accountId, delivery.endpointId);
    if (!endpoint) return; // deleted meanwhile, with its log
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const secrets = await this.secretsOf(endpoint, now).catch(() => undefined);
    const result = !secrets
      ? { responseStatus: null, latencyMs: 0, error: "The signing secret could not be read; make a new secret" }
      : await postWebhook({
          url: endpoint.url,
          body: delivery.body,
          timeoutMs: options.timeoutMs,
          network: options.network,
          headers: {
            "webhook-id": delivery.eventId,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signatureHeader(secrets, delivery.eventId, timestamp, delivery.body),
          },
        });
    const at = Date.now();
    if (result.error === null) {
      await this.deliveries.record(delivery, options.owner, {
        ...result,
        at,
        status: "delivered",
        nextAttemptAt: null,
      });
      if (endpoint.failingSince !== null) await this.endpoints.markHealthy(endpoint.id);
      return;
    }
    const next = nextAttemptAt(options.schedule, delivery.attempts, at);
    const recorded = await this.deliveries.record(delivery, options.owner, {
      ...result,
      at,
      status: next === null ? "failed" : "pending",
      nextAttemptAt: next,
    });
    if (!recorded) return;
    await this.endpoints
      .markFailing(endpoint.id, at, options.disableAfterMs, async ({ accountId, url }, tx) => {
        await options.onEndpointDisabled?.({ accountId, endpointId: endpoint.id, url }, tx);
      })
      // Not turned off this time; the next failed attempt tries again.
      .catch((err) => options.log.warn({ err, endpointId: endpoint.id }, "turning off a failing endpoint failed"));
  }

  private async secretsOf(endpoint: WebhookEndpoint, now: number): Promise<string[]> {
    const secrets = [await this.vault.open(endpoint.accountId, endpoint.sealedSecret)];
    if (endpoint.sealedPreviousSecret && (endpoint.previousSecretUntil ?? 0) > now)
      secrets.push(await this.vault.open(endpoint.accountId, endpoint.sealedPreviousSecret));
    return secrets;
  }
}
