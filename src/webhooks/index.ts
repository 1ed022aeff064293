import type { Config } from "../config.js";
import type { Sql } from "../db/sql.js";
import type { KeyStore } from "../storage/key-store.js";
import { WebhookChannel } from "./channel.js";
import { DeliveryStore } from "./delivery-store.js";
import { EndpointStore } from "./endpoint-store.js";
import type { WebhookNetwork } from "./post.js";
import { SecretVault } from "./secret-vault.js";
import { type EndpointDisabledHandler, WebhookSender } from "./sender.js";
import { WebhookService } from "./service.js";

export { adminWebhookRoutes } from "./admin-routes.js";
export { webhookRoutes } from "./routes.js";

/** The webhooks domain, wired once in `src/app.ts`. */
export interface Webhooks {
  channel: WebhookChannel;
  service: WebhookService;
  sender: WebhookSender;
  /** Removes an account's delivery log when it deletes its data (endpoints are settings and stay). */
  purgeAccount(accountId: string, siteId?: string): Promise<{ files: number; bytes: number }>;
}

export function createWebhooks(input: {
  sql: Sql;
  keys: KeyStore;
  settings: Config["webhooks"];
  /** This process's id: the lease owner of the attempts it sends. */
  owner: string;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  onEndpointDisabled?: EndpointDisabledHandler;
  /** Test seams of the address guard (never set in production). */
  network?: WebhookNetwork;
}): Webhooks {
  const endpoints = new EndpointStore(input.sql);
  const deliveries = new DeliveryStore(input.sql);
  const vault = new SecretVault(input.keys);
  const { settings } = input;
  const sender = new WebhookSender(deliveries, endpoints, vault, {
    owner: input.owner,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    schedule: settings.retrySchedule,
    disableAfterMs: settings.disableAfterMs,
    // Longer than any attempt can take, so a live process never loses an attempt it is still sending.
    leaseMs: settings.timeoutMs * 3 + 5_000,
    pollMs: 1000,
    network: { ...input.network, allowPrivate: settings.allowPrivateUrls },
    onEndpointDisabled: input.onEndpointDisabled,
    log: input.log,
  });
  const wake = () => sender.poke();
  return {
    channel: new WebhookChannel(endpoints, deliveries, wake),
    service: new WebhookService({
      endpoints,
      deliveries,
      vault,
      allowPrivateUrls: settings.allowPrivateUrls,
      onDue: wake,
    }),
    sender,
    async purgeAccount(accountId, siteId) {
      // The log is the account's, not a site's: only an account-wide deletion removes it.
      if (!siteId) await deliveries.deleteForAccount(accountId);
      return { files: 0, bytes: 0 };
    },
  };
}
