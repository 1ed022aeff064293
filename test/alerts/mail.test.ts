import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { MAIL_JOB, mailJobHandler } from "../../src/alerts/mail-jobs.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { JobQueue, jobsMigrations } from "../../src/jobs/queue.js";
import { JobWorker } from "../../src/jobs/worker.js";
import { SmtpMailer } from "../../src/mail/smtp.js";
import { grant, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES, freshDatabase, type TestDatabase, tempDir } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { type ServiceProcess, spawnService } from "../support/process.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const quiet = { info() {}, warn() {}, error() {} };

describe("mail and alert configuration", () => {
  it("refuses a bad value with the variable's name, and reads good ones", () => {
    for (const [env, name] of [
      [{ SMTP_URL: "http://mail.example.com" }, "SMTP_URL"],
      [{ SMTP_URL: "smtp://u:p@mail.example.com:587" }, "MAIL_FROM"],
      [{ BALANCE_ALERT_CREDITS: "-5" }, "BALANCE_ALERT_CREDITS"],
      [{ BALANCE_ALERT_CREDITS: "lots" }, "BALANCE_ALERT_CREDITS"],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    }
    const config = loadConfig({
      SMTP_URL: "smtps://u:p@mail.example.com:465",
      MAIL_FROM: "Billing <billing@example.com>",
      BALANCE_ALERT_CREDITS: "12.5",
    });
    expect(config.mail).toEqual({
      smtpUrl: "smtps://u:p@mail.example.com:465",
      from: "Billing <billing@example.com>",
      serviceName: "AI Credits",
    });
    expect(config.balanceAlertMc).toBe(12_500);
    expect(loadConfig({}).mail.smtpUrl).toBeUndefined();
    expect(loadConfig({}).balanceAlertMc).toBe(0);
  });
});

describe("with no SMTP server configured", () => {
  let service: ServiceProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await service?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the service says once at start-up that mail is off, and serves", async () => {
    dataDir = tempDir();
    service = await spawnService({ DATA_DIR: dataDir, NODE_ENV: "test", LOG_FORMAT: "json" });
    const health = await request(service.url, "GET", "/healthz");
    expect(health.status).toBe(200);
    const lines = service
      .output()
      .split("\n")
      .filter((l) => l.includes("mail is off"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("SMTP_URL is not set");
  });
});

for (const engine of ENGINES) {
  describe(`mail off (${engine})`, () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
    });

    it("still records every alert event, and queues no email", async () => {
      t = await startTestApp(engine, { BALANCE_ALERT_CREDITS: "10" });
      const c = await newCustomer(t);
      await grant(t, c.accountId, 12);
      const debit = await t.running.ctx.ledger.debit({
        accountId: c.accountId,
        amountMc: 5000,
        type: "usage",
        cause: { operation: "test.spend" },
      });
      expect(debit.ok).toBe(true);
      await t.running.ctx.events.drain();
      const low = await t.running.ctx.db.sql.all<{ data: string }>(
        "SELECT data FROM events WHERE account_id = ? AND type = 'balance.low'",
        [c.accountId],
      );
      expect(low.map((r) => JSON.parse(r.data))).toEqual([{ balance: 7, threshold: 10 }]);
      const jobs = await t.running.ctx.db.sql.all("SELECT id FROM jobs WHERE kind = ?", [MAIL_JOB]);
      expect(jobs).toEqual([]);
      const alert = await t.api("GET", "/v1/balance-alert", { token: c.licenseKey });
      expect(alert.body).toEqual({ thresholdCredits: 10, email: true, state: "below_threshold" });
    });
  });

  describe(`mail jobs (${engine})`, () => {
    let db: TestDatabase | undefined;
    let smtp: TestSmtpServer | undefined;
    let worker: JobWorker | undefined;
    let mailer: SmtpMailer | undefined;
    afterEach(async () => {
      await worker?.stop();
      mailer?.close();
      await smtp?.close();
      await db?.cleanup();
    });

    it("retries a message the server refused, after a pause, and delivers it once", async () => {
      db = await freshDatabase(engine, [jobsMigrations]);
      smtp = await startSmtpServer();
      smtp.refuseNext(2);
      mailer = new SmtpMailer(smtp.url, "alerts@example.com");
      const jobs = new JobQueue(db.db);
      const id = await jobs.enqueue({
        kind: MAIL_JOB,
        accountId: "acct_a",
        payload: { to: "owner@example.com", template: "balance.depleted", data: { balance: 0, threshold: 5 } },
      });
      const handler = mailJobHandler({
        mailer,
        sender: { serviceName: "Acme", publicUrl: "https://credits.example.com" },
        log: quiet,
        baseDelayMs: 300,
      });
      worker = new JobWorker(
        jobs,
        { [MAIL_JOB]: handler },
        {
          owner: "test",
          concurrency: 1,
          leaseMs: 10_000,
          pollMs: 50,
          maxAttempts: 5,
          log: quiet,
        },
      );
      const started = Date.now();
      worker.start();
      const database = db.db;
      const row = await eventually(async () => {
        const job = await database.sql.get<{ status: string; attempts: number }>(
          "SELECT status, attempts FROM jobs WHERE id = ?",
          [id],
        );
        return job?.status === "done" && job;
      }, "the mail job to be done");
      expect(row).toEqual({ status: "done", attempts: 3 });
      // Backoff: 300 ms after the first refusal, 600 ms after the second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]!.to).toEqual(["owner@example.com"]);
      expect(smtp.mails[0]!.subject).toBe("Acme: Your credits have run out");
    });
  });
}

describe("the webhook endpoint disabled email", () => {
  let smtp: TestSmtpServer | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("is queued by queueEndpointDisabledMail and sent to the account's owner, the URL escaped", async () => {
    smtp = await startSmtpServer();
    t = await startTestApp("sqlite", { SMTP_URL: smtp.url, MAIL_FROM: "alerts@example.com" });
    const c = await newCustomer(t);
    const owner = await t.running.ctx.db.sql.get<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [
      c.accountId,
    ]);
    const url = "https://hooks.example.com/in?a=1&b=<x>";
    expect(await t.running.ctx.alerts.mail.queueEndpointDisabledMail({ accountId: c.accountId, url })).toBe(true);
    expect(await t.running.ctx.alerts.mail.queueEndpointDisabledMail({ accountId: "acct_nobody", url })).toBe(false);
    const server = smtp;
    await eventually(() => server.mails.length > 0, "the mail");
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual([owner!.email]);
    expect(mail.subject).toContain("We stopped sending events to one of your webhook endpoints");
    expect(mail.decoded).toContain("https://hooks.example.com/in?a=1&amp;b=&lt;x&gt;");
    expect(mail.decoded).toContain("Deliveries to https://hooks.example.com/in?a=1&b=<x> kept failing");
  });
});
