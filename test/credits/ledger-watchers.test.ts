import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger } from "../../src/credits/ledger.js";
import type { LedgerWatcher, WatchedMovement } from "../../src/credits/ledger-watchers.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { ENGINES, freshDatabase, type TestDatabase } from "../support/db.js";

/** Records, in the movement's transaction, the balance the movement left. */
class BalanceRecorder implements LedgerWatcher {
  refusals: string[] = [];
  writesFor(m: WatchedMovement) {
    return [
      {
        sql: "INSERT INTO seen (kind, available_mc) SELECT ?, available_mc FROM balances WHERE account_id = ?",
        params: [m.kind, m.accountId],
      },
    ];
  }
  refused(accountId: string) {
    this.refusals.push(accountId);
  }
}

for (const engine of ENGINES) {
  describe(`ledger watchers (${engine})`, () => {
    let t: TestDatabase;
    let ledger: Ledger;
    let recorder: BalanceRecorder;
    beforeEach(async () => {
      t = await freshDatabase(engine, [creditsMigrations]);
      await t.db.sql.run("CREATE TABLE seen (kind TEXT, available_mc BIGINT)");
      recorder = new BalanceRecorder();
      ledger = createLedger(t.db, { watchers: [recorder] });
    });
    afterEach(async () => {
      await ledger.close();
      await t.cleanup();
    });

    it("see every credit, debit and capture in its transaction, with the balance it left, and hear of refusals", async () => {
      await ledger.credit({ accountId: "acct_a", amountMc: 10_000, bonusMc: 500, type: "purchase", cause: {} });
      await ledger.debit({ accountId: "acct_a", amountMc: 2_000, type: "usage", cause: {} });
      const hold = await ledger.reserve({ accountId: "acct_a", amountMc: 3_000, cause: {}, ttlMs: 60_000, owner: "t" });
      if (!hold.ok) throw new Error("reserve refused");
      await ledger.capture({ accountId: "acct_a", holdId: hold.hold.id, amountMc: 1_000, cause: {} });
      expect((await ledger.debit({ accountId: "acct_a", amountMc: 99_000, type: "usage", cause: {} })).ok).toBe(false);
      expect(
        (await ledger.reserve({ accountId: "acct_a", amountMc: 99_000, cause: {}, ttlMs: 1, owner: "t" })).ok,
      ).toBe(false);
      const seen = await t.db.sql.all("SELECT kind, available_mc FROM seen");
      expect(seen).toEqual([
        { kind: "credit", available_mc: 10_500 },
        { kind: "spend", available_mc: 8_500 },
        { kind: "spend", available_mc: 7_500 },
      ]);
      expect(recorder.refusals).toEqual(["acct_a", "acct_a"]);
    });

    it("are asked once per batch, after it, and not at all for movements that did not happen", async () => {
      await ledger.credit({ accountId: "acct_b", amountMc: 100_000, type: "grant", cause: {} });
      // 40 concurrent debits (keyed) form a few batches; 10 of them are retries of another's key (replays).
      const debits = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          ledger.debit({ accountId: "acct_b", amountMc: 1_000, type: "usage", idemKey: `k${i % 30}`, cause: {} }),
        ),
      );
      expect(debits.filter((d) => d.ok && !d.replayed)).toHaveLength(30);
      const seen = await t.db.sql.all<{ available_mc: number }>("SELECT available_mc FROM seen WHERE kind = 'spend'");
      // Fewer questions than debits (a batch is one question), each asked after its batch: the balances seen only
      // fall, and the last one is the final balance.
      expect(seen.length).toBeLessThan(40);
      const balances = seen.map((r) => Number(r.available_mc));
      expect([...balances].sort((x, y) => y - x)).toEqual(balances);
      expect(balances.at(-1)).toBe(70_000);
      // A batch in which nothing happened (a replay alone) runs no statement.
      const before = seen.length;
      const replay = await ledger.debit({
        accountId: "acct_b",
        amountMc: 1_000,
        type: "usage",
        idemKey: "k0",
        cause: {},
      });
      expect(replay.ok && replay.replayed).toBe(true);
      expect(await t.db.sql.all("SELECT kind FROM seen WHERE kind = 'spend'")).toHaveLength(before);
    });
  });
}
