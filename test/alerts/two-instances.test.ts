import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { eventually } from "../support/eventually.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

/** Two service instances on one PostgreSQL database, each with its ledger, dispatcher and mail worker. */
describe("balance alerts with two instances on PostgreSQL", () => {
  let smtp: TestSmtpServer;
  let a: TestApp;
  let b: RunningApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    a = await startTestApp("postgres", { SMTP_URL: smtp.url, MAIL_FROM: "alerts@example.com" });
    b = await createApp(loadConfig(a.env));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  it("50 debits split across both cross the threshold once: one balance.low, one email", async () => {
    const c = await newCustomer(a);
    await grant(a, c.accountId, 100);
    const set = await a.api("PUT", "/v1/balance-alert", {
      token: c.licenseKey,
      body: { thresholdCredits: 75, email: true },
    });
    expect(set.status).toBe(200);
    const ledgers = [a.running.ctx.ledger, b.ctx.ledger];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ledgers[i % 2]!.debit({ accountId: c.accountId, amountMc: 1000, type: "usage", cause: { operation: "t" } }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const sql = a.running.ctx.db.sql;
    const count = async (query: string, params: string[] = []) =>
      Number((await sql.get<{ n: number }>(query, params))?.n);
    await eventually(async () => {
      const waiting = await count(
        "SELECT (SELECT COUNT(*) FROM events WHERE dispatched_at IS NULL) + (SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND status <> 'done') AS n",
      );
      return waiting === 0 && smtp.mails.length > 0;
    }, "every event dispatched and its mail sent");
    expect(
      await count("SELECT COUNT(*) AS n FROM events WHERE account_id = ? AND type = 'balance.low'", [c.accountId]),
    ).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toContain("Your balance is low");
  });
});
