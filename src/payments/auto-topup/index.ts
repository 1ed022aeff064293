import type Stripe from "stripe";
import type { Sql } from "../../db/sql.js";
import type { Outbox } from "../../events/outbox.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { JobHandler } from "../../jobs/worker.js";
import type { Fulfilment } from "../fulfilment.js";
import { SavedCards } from "./cards.js";
import { AutoTopupCharger } from "./charge.js";
import { AutoTopupStore } from "./store.js";
import { AUTO_TOPUP_JOB, AutoTopupWatcher } from "./watcher.js";

type Log = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };

/**
 * Auto top-up, wired once: a spend below the threshold claims an attempt (the watcher, a ledger watcher) and queues
 * its charge (the charger, a job handler and a Stripe event handler of the fulfilment); stuck attempts are
 * reconciled every minute.
 */
export async function createAutoTopups(deps: {
  sql: Sql;
  stripe?: Stripe;
  fulfilment: Fulfilment;
  outbox: Outbox;
  jobs: JobQueue;
  retryAfterMs: number;
  onQueued: () => void;
  log: Log;
}) {
  const store = new AutoTopupStore(deps.sql);
  const cards = new SavedCards({ store, stripe: deps.stripe, log: deps.log });
  const charger = new AutoTopupCharger({ ...deps, store, cards });
  deps.fulfilment.use(charger);
  const watcher = new AutoTopupWatcher({
    store,
    jobs: deps.jobs,
    retryAfterMs: deps.retryAfterMs,
    onQueued: deps.onQueued,
    log: deps.log,
  });
  await watcher.start();
  const reconcile = setInterval(() => {
    charger.reconcile().catch((err) => deps.log.warn({ err }, "auto top-ups will be reconciled later"));
  }, 60_000);
  reconcile.unref();
  return {
    store,
    cards,
    charger,
    watcher,
    jobHandlers: { [AUTO_TOPUP_JOB]: charger } as Record<string, JobHandler>,
    stop() {
      watcher.stop();
      clearInterval(reconcile);
    },
  };
}

export type AutoTopups = Awaited<ReturnType<typeof createAutoTopups>>;
