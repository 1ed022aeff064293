import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../../src/credits/ledger.js";
import { type AlertedLedger, type CountingDispatcher, startAlertedLedger } from "../support/alerted-ledger.js";
import { ENGINES, type TestDatabase } from "../support/db.js";

/*
 * The balance alert's statements ride along every ledger batch of an account; the event they write only when the
 * balance crosses the threshold. The dispatcher is woken for an event that was written, not for every batch: a busy
 * account's spending well above its threshold must not cost a pass over the outbox per batch.
 */
for (const engine of ENGINES) {
  describe(`the event dispatcher woken by balance alerts (${engine})`, () => {
    let setup: AlertedLedger;
    let t: TestDatabase;
    let ledger: Ledger;
    let dispatcher: CountingDispatcher;
    beforeEach(async () => {
      setup = await startAlertedLedger(engine);
      ({ t, ledger, dispatcher } = setup);
    });
    afterEach(() => setup.close());

    it("sleeps through batches whose alert condition is false, and wakes for the one that writes balance.low", async () => {
      await ledger.credit({ accountId: "acct_a", amountMc: 100_000, type: "grant", cause: {} });
      for (let i = 0; i < 5; i++)
        expect((await ledger.debit({ accountId: "acct_a", amountMc: 1_000, type: "usage", cause: {} })).ok).toBe(true);
      const spends = await Promise.all(
        Array.from({ length: 20 }, () =>
          ledger.debit({ accountId: "acct_a", amountMc: 1_000, type: "usage", cause: {} }),
        ),
      );
      expect(spends.every((s) => s.ok)).toBe(true);
      expect(dispatcher.passes).toBe(0);
      expect(await t.db.sql.all("SELECT type FROM events")).toEqual([]);

      // 75 credits left: the next spend takes the balance under the threshold (5 credits).
      expect((await ledger.debit({ accountId: "acct_a", amountMc: 71_000, type: "usage", cause: {} })).ok).toBe(true);
      expect(dispatcher.passes).toBe(1);
      await dispatcher.stop();
      expect(await t.db.sql.all("SELECT type FROM events")).toEqual([{ type: "balance.low" }]);
    });

    it("wakes for balance.recovered, and not for a credit while nothing had fired", async () => {
      await ledger.credit({ accountId: "acct_b", amountMc: 10_000, type: "grant", cause: {} });
      await ledger.credit({ accountId: "acct_b", amountMc: 10_000, type: "grant", cause: {} });
      expect(dispatcher.passes).toBe(0);
      await ledger.debit({ accountId: "acct_b", amountMc: 18_000, type: "usage", cause: {} }); // low
      expect(dispatcher.passes).toBe(1);
      await ledger.debit({ accountId: "acct_b", amountMc: 1_000, type: "usage", cause: {} }); // still low: no event
      expect(dispatcher.passes).toBe(1);
      await ledger.credit({ accountId: "acct_b", amountMc: 10_000, type: "grant", cause: {} }); // recovered
      expect(dispatcher.passes).toBe(2);
      await dispatcher.stop();
      const types = await t.db.sql.all<{ type: string }>("SELECT type FROM events ORDER BY created_at");
      expect(types.map((r) => r.type).sort()).toEqual(["balance.low", "balance.recovered"]);
    });

    it("counts the rows written on the fenced path too (a keyed request's capture)", async () => {
      await t.db.sql.run("CREATE TABLE probe (id TEXT PRIMARY KEY, state TEXT)");
      await t.db.sql.run("INSERT INTO probe (id, state) VALUES ('claim', 'running')");
      const fence = {
        sql: "UPDATE probe SET state = state WHERE id = 'claim' AND state = 'running'",
        params: [],
        fence: true,
      };
      const capture = async (amountMc: number, captureMc: number) => {
        const hold = await ledger.reserve({ accountId: "acct_c", amountMc, cause: {}, ttlMs: 60_000, owner: "t" });
        if (!hold.ok) throw new Error("reserve refused");
        await ledger.capture({
          accountId: "acct_c",
          holdId: hold.hold.id,
          amountMc: captureMc,
          cause: {},
          writes: [fence],
        });
      };
      await ledger.credit({ accountId: "acct_c", amountMc: 100_000, type: "grant", cause: {} });
      await capture(96_000, 1_000); // 99 credits left
      expect(dispatcher.passes).toBe(0);
      await capture(97_000, 97_000); // 2 credits left: under the threshold
      expect(dispatcher.passes).toBe(1);
      await dispatcher.stop();
      expect(await t.db.sql.all("SELECT type FROM events")).toEqual([{ type: "balance.low" }]);
    });
  });
}
