import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger } from "../../src/credits/ledger.js";
import { type LedgerWatcher, type WatchedMovement, watchLedger } from "../../src/credits/ledger-watchers.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { ENGINES, freshDatabase, type TestDatabase } from "../support/db.js";

/** Records, in the movement's transaction, the balance the movement left. */
class BalanceRecorder implements LedgerWatcher {
  refusals: string[] = [];
  writesFor(m: WatchedMovement) {
    return [
      {
        sql: "INSERT INTO seen (kind, amount_mc, available_mc) SELECT ?, ?, available_mc FROM balances WHERE account_id = ?",
        params: [m.kind, m.amountMc, m.accountId],
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
      await t.db.sql.run("CREATE TABLE seen (kind TEXT, amount_mc BIGINT, available_mc BIGINT)");
      recorder = new BalanceRecorder();
      ledger = watchLedger(createLedger(t.db), [recorder]);
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
      const seen = await t.db.sql.all("SELECT kind, amount_mc, available_mc FROM seen");
      expect(seen).toEqual([
        { kind: "credit", amount_mc: 10_500, available_mc: 10_500 },
        { kind: "spend", amount_mc: 2_000, available_mc: 8_500 },
        { kind: "spend", amount_mc: 1_000, available_mc: 7_500 },
      ]);
      expect(recorder.refusals).toEqual(["acct_a", "acct_a"]);
    });
  });
}
