import type { Database } from "../db/open.js";
import type { Outbox } from "../events/outbox.js";
import type { JobQueue } from "../jobs/queue.js";
import { JobWorker } from "../jobs/worker.js";
import type { Mailer } from "../mail/mailer.js";
import { EmailChannel } from "./email-channel.js";
import type { Sender } from "./emails.js";
import { LicenseExpirySweep } from "./license-expiry.js";
import { AccountMail, MAIL_JOB, mailJobHandler } from "./mail-jobs.js";
import { BalanceAlertSettingsStore } from "./settings.js";
import { BalanceAlertWatcher } from "./watcher.js";

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Balance alerts, licence notices and the emails they send, wired once: the ledger watcher, the email channel, the
 * settings the routes serve, the licence sweep and a mail worker of its own (a mail server that is away delays
 * only mail, never other jobs).
 */
export function createAlerts(deps: {
  db: Database;
  jobs: JobQueue;
  outbox: Outbox;
  mailer: Mailer;
  sender: Sender;
  defaultThresholdMc: number;
  nudgeEvents: () => void;
  owner: string;
  runJobs: boolean;
  jobLeaseMs: number;
  log: Logger;
}) {
  const { db, jobs, outbox, mailer, log } = deps;
  let worker: JobWorker | undefined;
  const mail = new AccountMail({ sql: db.sql, jobs, mailer, onQueued: () => worker?.poke() });
  if (mailer.on && deps.runJobs)
    worker = new JobWorker(
      jobs,
      { [MAIL_JOB]: mailJobHandler({ mailer, sender: deps.sender, log }) },
      {
        owner: deps.owner,
        concurrency: 2,
        leaseMs: deps.jobLeaseMs,
        pollMs: 500,
        maxAttempts: 10,
        log,
      },
    );
  const sweep = new LicenseExpirySweep({ sql: db.sql, outbox, log });
  return {
    watcher: new BalanceAlertWatcher({
      sql: db.sql,
      outbox,
      defaultThresholdMc: deps.defaultThresholdMc,
      onEvent: deps.nudgeEvents,
      log,
    }),
    channel: new EmailChannel(mail),
    settings: new BalanceAlertSettingsStore(db.sql, deps.defaultThresholdMc),
    mail,
    sweep,
    start(): void {
      worker?.start();
      if (deps.runJobs) sweep.start();
    },
    async stop(): Promise<void> {
      sweep.stop();
      await worker?.stop();
      mailer.close();
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
