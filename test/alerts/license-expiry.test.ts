import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenseExpirySweep } from "../../src/alerts/license-expiry.js";
import { type Database, openDatabase } from "../../src/db/open.js";
import { Outbox } from "../../src/events/outbox.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";
import { undocumentedFields } from "../support/webhook-docs.js";

const DAY = 24 * 3600_000;
const quiet = { warn() {} };

for (const engine of ENGINES) {
  describe(`licence expiry notices (${engine})`, () => {
    let smtp: TestSmtpServer;
    let t: TestApp;
    let other: Database;
    const now = Date.now();

    beforeAll(async () => {
      smtp = await startSmtpServer();
      t = await startTestApp(engine, { SMTP_URL: smtp.url, MAIL_FROM: "licences@example.com" });
      // A second instance: its own connections to the same database (SQLite: one file, one writer, one process).
      other =
        engine === "postgres"
          ? await openDatabase(
              { dataDir: t.dataDir, databaseUrl: t.env.DATABASE_URL, databaseSchema: t.env.DATABASE_SCHEMA },
              [],
            )
          : t.running.ctx.db;
    });
    afterAll(async () => {
      if (other && other !== t.running.ctx.db) await other.close();
      await t?.close();
      await smtp?.close();
    });

    const notices = async (licenseId: string) =>
      (
        await t.running.ctx.db.sql.all<{ type: string; data: string }>(
          "SELECT type, data FROM events WHERE type LIKE 'license.%' ORDER BY created_at",
        )
      )
        .map((r) => {
          const data = JSON.parse(r.data);
          expect(undocumentedFields(r.type, data), "fields missing from docs/webhooks.md").toEqual([]);
          return { type: r.type, ...data };
        })
        .filter((e) => e.licenseId === licenseId);

    it("announces 14 and 3 days before and on expiry, each once, however many sweeps and instances run", async () => {
      const expiresAt = now + 10 * DAY;
      const lic = await t.admin("POST", "/v1/admin/licenses", {
        email: "expiring@example.com",
        plan: "agency",
        expiresAt: new Date(expiresAt).toISOString(),
      });
      expect(lic.status).toBe(201);
      const far = await t.admin("POST", "/v1/admin/licenses", {
        email: "far@example.com",
        plan: "personal",
        expiresAt: new Date(now + 60 * DAY).toISOString(),
      });
      // The owner turned balance-alert emails off: licence notices are sent all the same.
      await t.api("PUT", "/v1/balance-alert", { token: lic.body.key, body: { thresholdCredits: 0, email: false } });

      const a = new LicenseExpirySweep({ sql: t.running.ctx.db.sql, outbox: new Outbox(), log: quiet });
      const b = new LicenseExpirySweep({ sql: other.sql, outbox: new Outbox(), log: quiet });
      const sweepTwice = async (at: number) => {
        const counts = await Promise.all([a.sweep(at), b.sweep(at), a.sweep(at), b.sweep(at)]);
        return counts.reduce((x, y) => x + y, 0);
      };

      expect(await sweepTwice(now)).toBe(1);
      expect(await notices(lic.body.id)).toEqual([
        {
          type: "license.expiring",
          licenseId: lic.body.id,
          plan: "agency",
          expiresAt: new Date(expiresAt).toISOString(),
          daysLeft: 10,
        },
      ]);
      expect(await sweepTwice(now + 2 * DAY)).toBe(0);
      expect(await sweepTwice(now + 8 * DAY)).toBe(1);
      expect(await sweepTwice(now + 9 * DAY)).toBe(0);
      expect(await sweepTwice(now + 11 * DAY)).toBe(1);
      expect(await sweepTwice(now + 12 * DAY)).toBe(0);
      const sent = await notices(lic.body.id);
      expect(sent.map((e) => [e.type, e.daysLeft])).toEqual([
        ["license.expiring", 10],
        ["license.expiring", 2],
        ["license.expired", undefined],
      ]);
      expect(await notices(far.body.id)).toEqual([]);

      // Each notice by email to the licence's owner.
      await t.running.ctx.events.drain();
      await eventually(
        () => smtp.mails.filter((m) => m.to.includes("expiring@example.com")).length >= 3,
        "three notices by email",
      );
      const subjects = smtp.mails.filter((m) => m.to.includes("expiring@example.com")).map((m) => m.subject);
      expect(subjects).toHaveLength(3);
      expect(subjects.filter((s) => /expires on/.test(s))).toHaveLength(2);
      expect(subjects.filter((s) => /has expired/.test(s))).toHaveLength(1);
    });

    it("tells a renewed licence again, and never a revoked one", async () => {
      const lic = await t.admin("POST", "/v1/admin/licenses", {
        email: "renewed@example.com",
        plan: "personal",
        expiresAt: new Date(now + 5 * DAY).toISOString(),
      });
      const revoked = await t.admin("POST", "/v1/admin/licenses", {
        email: "revoked@example.com",
        plan: "personal",
        expiresAt: new Date(now + 5 * DAY).toISOString(),
      });
      await t.admin("PATCH", `/v1/admin/licenses/${revoked.body.id}`, { status: "revoked" });
      const sweep = new LicenseExpirySweep({ sql: t.running.ctx.db.sql, outbox: new Outbox(), log: quiet });
      await sweep.sweep(now);
      expect((await notices(lic.body.id)).map((e) => e.daysLeft)).toEqual([5]);
      const renewed = await t.admin("PATCH", `/v1/admin/licenses/${lic.body.id}`, {
        expiresAt: new Date(now + 12 * DAY).toISOString(),
      });
      expect(renewed.status).toBe(200);
      await sweep.sweep(now);
      expect((await notices(lic.body.id)).map((e) => e.daysLeft)).toEqual([5, 12]);
      expect(await notices(revoked.body.id)).toEqual([]);
    });
  });
}
