import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger } from "../../src/credits/ledger.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { openDatabase } from "../../src/db/open.js";
import type { Sql } from "../../src/db/sql.js";
import { type EventChannel, EventDispatcher } from "../../src/events/dispatcher.js";
import { eventsMigrations, Outbox } from "../../src/events/outbox.js";
import type { OutboxEvent } from "../../src/events/types.js";
import { ENGINES, freshDatabase, type TestDatabase } from "../support/db.js";

const quiet = { warn() {} };

/** A channel that keeps what it accepted in a table of its own, in the dispatching transaction. */
class TableChannel implements EventChannel {
  readonly name = "table";
  failNext = 0;
  async acceptBatch(tx: Sql, events: OutboxEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("the channel's storage is away");
    }
    for (const event of events)
      await tx.run("INSERT INTO accepted (event_id, type) VALUES (?, ?)", [event.id, event.type]);
  }
}

for (const engine of ENGINES) {
  describe(`the transactional outbox (${engine})`, () => {
    let t: TestDatabase;
    let ledger: Ledger;
    const outbox = new Outbox();
    const accepted = async () =>
      t.db.sql.all<{ event_id: string; type: string }>("SELECT event_id, type FROM accepted ORDER BY type");

    beforeEach(async () => {
      t = await freshDatabase(engine, [creditsMigrations, eventsMigrations]);
      await t.db.sql.run("CREATE TABLE accepted (event_id TEXT NOT NULL, type TEXT NOT NULL)");
      ledger = createLedger(t.db);
    });
    afterEach(async () => {
      await ledger.close();
      await t.cleanup();
    });

    it("commits an event with the movement it reports, and none for a movement refused", async () => {
      await ledger.credit({
        accountId: "acct_a",
        amountMc: 5000,
        type: "grant",
        cause: { reason: "test" },
        writes: [outbox.write({ accountId: "acct_a", type: "purchase.completed", data: { credits: 5 } })],
      });
      const refused = await ledger.debit({
        accountId: "acct_a",
        amountMc: 9000,
        type: "usage",
        cause: { operation: "x" },
        writes: [outbox.write({ accountId: "acct_a", type: "balance.depleted", data: {} })],
      });
      expect(refused.ok).toBe(false);
      const rows = await t.db.sql.all<{ type: string; data: string }>("SELECT type, data FROM events");
      expect(rows.map((r) => [r.type, JSON.parse(r.data)])).toEqual([["purchase.completed", { credits: 5 }]]);
    });

    it("writes a conditional event only when its condition holds in the movement's transaction", async () => {
      await t.db.sql.run("CREATE TABLE armed (account_id TEXT PRIMARY KEY, on_ INTEGER NOT NULL)");
      await t.db.sql.run("INSERT INTO armed VALUES ('acct_a', 1)");
      const low = () => [
        outbox.writeIf(
          { accountId: "acct_a", type: "balance.low", data: {} },
          "EXISTS (SELECT 1 FROM armed WHERE account_id = ? AND on_ = 1)",
          ["acct_a"],
        ),
        { sql: "UPDATE armed SET on_ = 0 WHERE account_id = ?", params: ["acct_a"] },
      ];
      await ledger.credit({ accountId: "acct_a", amountMc: 5000, type: "grant", cause: {} });
      for (let i = 0; i < 3; i++)
        await ledger.debit({ accountId: "acct_a", amountMc: 1000, type: "usage", cause: {}, writes: low() });
      const rows = await t.db.sql.all("SELECT type FROM events");
      expect(rows).toEqual([{ type: "balance.low" }]);
    });

    it("wakes the dispatcher only once the event's transaction has committed, and not after a rollback", async () => {
      // The wake-up reads the outbox from another connection: it must come when the row is there to read.
      const seen: number[] = [];
      const waking = new Outbox(() => {
        void t.db.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM events").then((r) => seen.push(Number(r?.n)));
      });
      let wokenInside = false;
      await t.db.sql.transaction(async (tx) => {
        await waking.insert(tx, { accountId: "acct_a", type: "document.ready", data: {} });
        await tx.get("SELECT 1 AS one");
        wokenInside = seen.length > 0;
      });
      await expect(
        t.db.sql.transaction(async (tx) => {
          await waking.insert(tx, { accountId: "acct_a", type: "document.failed", data: {} });
          throw new Error("the change failed");
        }),
      ).rejects.toThrow(/failed/);
      await new Promise((r) => setTimeout(r, 100));
      expect(wokenInside).toBe(false);
      expect(seen).toEqual([1]);
    });

    it("hands every committed event to each channel once, and again after a channel failed", async () => {
      const channel = new TableChannel();
      const dispatcher = new EventDispatcher(t.db.sql, [channel], quiet);
      for (let i = 0; i < 5; i++)
        await t.db.sql.transaction((tx) =>
          outbox.insert(tx, { accountId: "acct_a", type: "document.ready", data: { i } }),
        );
      channel.failNext = 1;
      await expect(dispatcher.drain()).rejects.toThrow(/away/);
      expect(await accepted()).toEqual([]);
      expect(await dispatcher.drain()).toBe(5);
      expect(await dispatcher.drain()).toBe(0);
      const ids = (await accepted()).map((r) => r.event_id);
      expect(new Set(ids).size).toBe(5);
    });

    it("never dispatches one event twice when several dispatchers run at once", async () => {
      // Two processes' dispatchers: their own connections to the same database (SQLite: one file, one writer).
      const other = engine === "postgres" ? await openDatabase(t.options, []) : t.db;
      try {
        await t.db.sql.transaction(async (tx) => {
          for (let i = 0; i < 300; i++)
            await outbox.insert(tx, { accountId: "acct_a", type: "document.ready", data: { i } });
        });
        const a = new EventDispatcher(t.db.sql, [new TableChannel()], quiet);
        const b = new EventDispatcher(other.sql, [new TableChannel()], quiet);
        const counts = await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
        const rest = await a.drain();
        expect(counts.reduce((x, y) => x + y, 0) + rest).toBe(300);
        const ids = (await accepted()).map((r) => r.event_id);
        expect(ids.length).toBe(300);
        expect(new Set(ids).size).toBe(300);
      } finally {
        if (other !== t.db) await other.close();
      }
    });
  });
}
