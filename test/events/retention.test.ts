import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { eventsMigrations } from "../../src/events/outbox.js";
import { EventRetention } from "../../src/events/retention.js";
import { newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES, freshDatabase, type TestDatabase } from "../support/db.js";

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 5, 1);

for (const engine of ENGINES) {
  describe(`the events outbox's retention (${engine})`, () => {
    let t: TestDatabase;
    let seq = 0;
    const event = (accountId: string, createdAt: number, dispatchedAt: number | null) =>
      t.db.sql.run(
        "INSERT INTO events (id, account_id, type, data, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
          `msg_${++seq}`,
          accountId,
          "document.ready",
          JSON.stringify({ title: "Q3 plan.pdf" }),
          createdAt,
          dispatchedAt,
        ],
      );
    const ids = async () =>
      (await t.db.sql.all<{ id: string }>("SELECT id FROM events ORDER BY id")).map((r) => r.id).sort();

    beforeEach(async () => {
      seq = 0;
      t = await freshDatabase(engine, [eventsMigrations]);
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it("deletes events dispatched longer ago than the retention, in batches, and keeps every undispatched one", async () => {
      // 7 handed on 31 days ago: more than two batches of 3.
      for (let i = 0; i < 7; i++) await event("acct_a", NOW - 32 * DAY, NOW - 31 * DAY);
      await event("acct_b", NOW - 40 * DAY, NOW - 29 * DAY); // old, but handed on within the retention
      await event("acct_b", NOW - 90 * DAY, null); // never handed on: still owed to the channels
      await event("acct_a", NOW - DAY, null);
      const retention = new EventRetention(t.db.sql, 30 * DAY, 3);
      expect(await retention.deleteExpired(NOW)).toBe(7);
      expect(await ids()).toEqual(["msg_10", "msg_8", "msg_9"]);
      // Again, later: nothing more went until the next event aged past the retention.
      expect(await retention.deleteExpired(NOW)).toBe(0);
      expect(await retention.deleteExpired(NOW + 2 * DAY)).toBe(1);
      expect(await ids()).toEqual(["msg_10", "msg_9"]);
    });

    it("is safe to run from several processes at once: together they delete each expired event once", async () => {
      for (let i = 0; i < 25; i++) await event(`acct_${i % 3}`, NOW - 60 * DAY, NOW - 45 * DAY);
      await event("acct_0", NOW - 60 * DAY, null);
      const runs = await Promise.all(
        Array.from({ length: 4 }, () => new EventRetention(t.db.sql, 30 * DAY, 4).deleteExpired(NOW)),
      );
      expect(runs.reduce((a, b) => a + b, 0)).toBe(25);
      expect(await ids()).toEqual(["msg_26"]);
    });

    it("deletes every event of one account, dispatched or not, and no other account's", async () => {
      await event("acct_a", NOW, NOW);
      await event("acct_a", NOW, null);
      await event("acct_b", NOW, null);
      expect(await new EventRetention(t.db.sql, 30 * DAY).deleteForAccount("acct_a")).toBe(2);
      expect(await ids()).toEqual(["msg_3"]);
    });
  });

  describe(`DELETE /v1/data and the account's events (${engine})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });
    const eventsOf = async (accountId: string) =>
      Number(
        (
          await app.running.ctx.db.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE account_id = ?", [
            accountId,
          ])
        )?.n,
      );
    const addEvent = (accountId: string, title: string) =>
      app.running.ctx.ledger.credit({
        accountId,
        amountMc: 1000,
        type: "grant",
        cause: { reason: "test" },
        writes: [app.running.ctx.outbox.write({ accountId, type: "document.ready", data: { title } })],
      });

    it("removes the account's events, which quote its documents' titles, and keeps other accounts'", async () => {
      const c = await newCustomer(app);
      const bystander = await newCustomer(app);
      await addEvent(c.accountId, "Zorblatt77 merger terms.pdf");
      await addEvent(c.accountId, "Zorblatt77 merger terms v2.pdf");
      await addEvent(bystander.accountId, "their notes.txt");
      expect(await eventsOf(c.accountId)).toBe(2);

      expect((await app.api("DELETE", "/v1/data", { token: c.licenseKey })).status).toBe(200);
      expect(await eventsOf(c.accountId)).toBe(0);
      expect(await eventsOf(bystander.accountId)).toBe(1);
      const left = await app.running.ctx.db.sql.all<{ data: string }>("SELECT data FROM events");
      expect(left.map((r) => r.data).join()).not.toContain("Zorblatt77");
    });

    it("a process starting on the database deletes events dispatched longer ago than EVENTS_RETENTION_DAYS", async () => {
      const sql = app.running.ctx.db.sql;
      const now = Date.now();
      const insert = (id: string, dispatchedAt: number | null) =>
        sql.run(
          "INSERT INTO events (id, account_id, type, data, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?)",
          [id, "acct_old", "balance.low", "{}", now - 10 * DAY, dispatchedAt],
        );
      await insert("msg_old_sent", now - 9 * DAY);
      await insert("msg_recent_sent", now - 2 * DAY);
      await insert("msg_old_unsent", null);
      const other = await createApp(loadConfig({ ...app.env, EVENTS_RETENTION_DAYS: "3" }));
      await other.close(); // waits for the cleanup it started
      const left = await sql.all<{ id: string }>("SELECT id FROM events WHERE account_id = ? ORDER BY id", [
        "acct_old",
      ]);
      expect(left.map((r) => r.id)).toEqual(["msg_old_unsent", "msg_recent_sent"]);
    });
  });
}
