import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger } from "../../src/credits/ledger.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { ApiError } from "../../src/errors.js";
import { newId } from "../../src/lib/ids.js";
import { type Engine, freshDatabase, type TestDatabase } from "../support/db.js";
import { runSpendLimitContract } from "./spend-limits.contract.js";

const C = 1000; // millicredits per credit

/** The promises every Ledger adapter keeps; run once per store. */
export function runLedgerContract(engine: Engine) {
  describe(`Ledger contract on ${engine}`, () => {
    let t: TestDatabase;
    let ledger: Ledger;

    beforeAll(async () => {
      t = await freshDatabase(engine, [creditsMigrations]);
      ledger = createLedger(t.db);
    });
    afterAll(async () => {
      await ledger.close();
      await t.cleanup();
    });

    async function funded(credits: number): Promise<string> {
      const accountId = newId("acct");
      if (credits > 0)
        await ledger.credit({ accountId, amountMc: credits * C, type: "grant", cause: { reason: "test" } });
      return accountId;
    }

    async function expectConsistent(accountId: string) {
      const balance = await ledger.balance(accountId);
      const sum = await ledger.sumOfEntries(accountId);
      expect(sum.amountMc).toBe(balance.availableMc + balance.reservedMc);
      expect(sum.reservedDeltaMc).toBe(balance.reservedMc);
    }

    it("credits and debits move the balance and leave one entry each", async () => {
      const a = await funded(10);
      const r = await ledger.debit({
        accountId: a,
        amountMc: 2500,
        type: "usage",
        cause: { operation: "training.query" },
      });
      expect(r.ok).toBe(true);
      expect(await ledger.balance(a)).toEqual({ availableMc: 7500, reservedMc: 0 });
      const entries = await ledger.entries(a, { limit: 10 });
      expect(entries.map((e) => [e.type, e.amountMc, e.balanceAfterMc])).toEqual([
        ["usage", -2500, 7500],
        ["grant", 10000, 10000],
      ]);
      expect(entries[0]!.operation).toBe("training.query");
      await expectConsistent(a);
    });

    it("refuses a debit it cannot pay and changes nothing", async () => {
      const a = await funded(1);
      const r = await ledger.debit({ accountId: a, amountMc: 1001, type: "usage", cause: {} });
      expect(r).toEqual({ ok: false, neededMc: 1001, availableMc: 1000 });
      expect((await ledger.entries(a, { limit: 10 })).length).toBe(1);
      expect(await ledger.balance(a)).toEqual({ availableMc: 1000, reservedMc: 0 });
    });

    it("answers balances asked for together each with its own account's, and never an older one", async () => {
      const [a, b] = [await funded(3), await funded(5)];
      // Asked in one turn of the event loop: read together.
      expect(
        await Promise.all([ledger.balance(a), ledger.balance(b), ledger.balance(a), ledger.balance("acct_none")]),
      ).toEqual([
        { availableMc: 3 * C, reservedMc: 0 },
        { availableMc: 5 * C, reservedMc: 0 },
        { availableMc: 3 * C, reservedMc: 0 },
        { availableMc: 0, reservedMc: 0 },
      ]);
      // A read asked for once a debit is acknowledged shows it, whatever reads of the account were still running.
      const earlier = ledger.balance(b);
      await ledger.debit({ accountId: b, amountMc: C, type: "usage", cause: {} });
      expect(await ledger.balance(b)).toEqual({ availableMc: 4 * C, reservedMc: 0 });
      expect([4 * C, 5 * C]).toContain((await earlier).availableMc);
    });

    it("credits a purchase and its bonus together, once per key", async () => {
      const a = newId("acct");
      const input = {
        accountId: a,
        amountMc: 2500 * C,
        bonusMc: 250 * C,
        type: "purchase" as const,
        idemKey: "stripe:cs_1",
        cause: { reference: "cs_1" },
      };
      const [first, second] = await Promise.all([ledger.credit(input), ledger.credit(input)]);
      expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
      expect(await ledger.balance(a)).toEqual({ availableMc: 2750 * C, reservedMc: 0 });
      const entries = await ledger.entries(a, { limit: 10 });
      expect(entries.map((e) => [e.type, e.amountMc, e.balanceAfterMc, e.reference])).toEqual([
        ["bonus", 250 * C, 2750 * C, "cs_1"],
        ["purchase", 2500 * C, 2500 * C, "cs_1"],
      ]);
    });

    it("an unknown account has nothing to spend", async () => {
      const r = await ledger.debit({ accountId: newId("acct"), amountMc: 1, type: "usage", cause: {} });
      expect(r.ok).toBe(false);
    });

    it("charges once per idempotency key and refuses the key for a different amount", async () => {
      const a = await funded(5);
      const first = await ledger.debit({ accountId: a, amountMc: C, type: "usage", idemKey: "k1", cause: {} });
      const again = await ledger.debit({ accountId: a, amountMc: C, type: "usage", idemKey: "k1", cause: {} });
      expect(first.ok && again.ok && again.replayed && again.entry.id === first.entry.id).toBe(true);
      await expect(
        ledger.debit({ accountId: a, amountMc: 2 * C, type: "usage", idemKey: "k1", cause: {} }),
      ).rejects.toThrow(ApiError);
      expect((await ledger.balance(a)).availableMc).toBe(4 * C);
      // The same key in another account is another charge.
      const b = await funded(5);
      const other = await ledger.debit({ accountId: b, amountMc: C, type: "usage", idemKey: "k1", cause: {} });
      expect(other.ok && !other.replayed).toBe(true);
    });

    it("holds reserve, capture the actual price and release the rest", async () => {
      const a = await funded(100);
      const r = await ledger.reserve({
        accountId: a,
        amountMc: 30 * C,
        cause: { operation: "images.generate" },
        ttlMs: 60_000,
        owner: "test",
      });
      if (!r.ok) throw new Error("reserve refused");
      expect(await ledger.balance(a)).toEqual({ availableMc: 70 * C, reservedMc: 30 * C });
      await expectConsistent(a);
      const entry = await ledger.capture({
        accountId: a,
        holdId: r.hold.id,
        amountMc: 20 * C,
        cause: { operation: "images.generate", quantity: { images: 2 } },
      });
      expect(entry).toMatchObject({
        type: "usage",
        amountMc: -20 * C,
        reservedDeltaMc: -30 * C,
        balanceAfterMc: 80 * C,
      });
      expect(entry.quantity).toEqual({ images: 2 });
      expect(await ledger.balance(a)).toEqual({ availableMc: 80 * C, reservedMc: 0 });
      // Capturing again with the same amount replays; anything else conflicts; so does releasing it now.
      expect((await ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: 20 * C, cause: {} })).id).toBe(
        entry.id,
      );
      await expect(ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: 10 * C, cause: {} })).rejects.toThrow(
        /already captured/,
      );
      expect(await ledger.release({ accountId: a, holdId: r.hold.id, reason: "late" })).toBeNull();
      expect(await ledger.balance(a)).toEqual({ availableMc: 80 * C, reservedMc: 0 });
      await expectConsistent(a);
    });

    it("a capture cannot exceed its hold, and a hold of another account is not found", async () => {
      const a = await funded(10);
      const r = await ledger.reserve({ accountId: a, amountMc: 5 * C, cause: {}, ttlMs: 60_000, owner: "test" });
      if (!r.ok) throw new Error("reserve refused");
      await expect(ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: 6 * C, cause: {} })).rejects.toThrow(
        /exceed/,
      );
      const b = await funded(10);
      await expect(ledger.capture({ accountId: b, holdId: r.hold.id, amountMc: C, cause: {} })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await ledger.getHold(b, r.hold.id)).toBeUndefined();
    });

    it("releasing a hold returns it in full, once", async () => {
      const a = await funded(10);
      const r = await ledger.reserve({ accountId: a, amountMc: 4 * C, cause: {}, ttlMs: 60_000, owner: "test" });
      if (!r.ok) throw new Error("reserve refused");
      const entry = await ledger.release({ accountId: a, holdId: r.hold.id, reason: "provider failed" });
      expect(entry).toMatchObject({ type: "release", amountMc: 0, reservedDeltaMc: -4 * C, reason: "provider failed" });
      expect(await ledger.release({ accountId: a, holdId: r.hold.id, reason: "again" })).toBeNull();
      expect(await ledger.balance(a)).toEqual({ availableMc: 10 * C, reservedMc: 0 });
      await expectConsistent(a);
    });

    it("capturing zero settles the hold as released", async () => {
      const a = await funded(10);
      const r = await ledger.reserve({ accountId: a, amountMc: 4 * C, cause: {}, ttlMs: 60_000, owner: "test" });
      if (!r.ok) throw new Error("reserve refused");
      const entry = await ledger.capture({
        accountId: a,
        holdId: r.hold.id,
        amountMc: 0,
        cause: { reason: "filtered" },
      });
      expect(entry.type).toBe("release");
      expect((await ledger.getHold(a, r.hold.id))?.status).toBe("released");
      expect(await ledger.balance(a)).toEqual({ availableMc: 10 * C, reservedMc: 0 });
    });

    it("reservations are idempotent by key and refused when they cannot be covered", async () => {
      const a = await funded(10);
      const input = { accountId: a, amountMc: 6 * C, idemKey: "gen-1", cause: {}, ttlMs: 60_000, owner: "test" };
      const first = await ledger.reserve(input);
      const again = await ledger.reserve(input);
      if (!first.ok || !again.ok) throw new Error("reserve refused");
      expect(again.replayed).toBe(true);
      expect(again.hold.id).toBe(first.hold.id);
      expect(await ledger.reserve({ ...input, idemKey: "gen-2" })).toEqual({
        ok: false,
        neededMc: 6 * C,
        availableMc: 4 * C,
      });
      await expect(ledger.reserve({ ...input, amountMc: 1 })).rejects.toThrow(/different amount/);
    });

    it("a debit up to an amount takes only what is available", async () => {
      const a = await funded(3);
      const r = await ledger.debit({
        accountId: a,
        amountMc: 5 * C,
        type: "refund",
        upTo: true,
        idemKey: "refund-1",
        cause: { quantity: { requestedMc: 5 * C } },
      });
      expect(r.ok && r.entry.amountMc).toBe(-3 * C);
      expect((await ledger.balance(a)).availableMc).toBe(0);
      await expectConsistent(a);
    });

    it("never overdraws: 200 concurrent 1-credit debits against 100 credits", async () => {
      const a = await funded(100);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          ledger.debit({ accountId: a, amountMc: C, type: "usage", idemKey: `c-${i}`, cause: {} }),
        ),
      );
      expect(results.filter((r) => r.ok).length).toBe(100);
      expect(await ledger.balance(a)).toEqual({ availableMc: 0, reservedMc: 0 });
      await expectConsistent(a);
    });

    it("a write that fails undoes its movement: nothing is charged and the error reaches the caller", async () => {
      await t.db.sql.run("CREATE TABLE IF NOT EXISTS failing_writes (id TEXT PRIMARY KEY)");
      const a = await funded(10);
      const write = { sql: "INSERT INTO failing_writes (id) VALUES (?)", params: [a] };
      await ledger.debit({ accountId: a, amountMc: 1 * C, type: "usage", cause: {}, writes: [write] });
      // The same row again violates its primary key: the debit that carries it must not commit.
      await expect(
        ledger.debit({ accountId: a, amountMc: 1 * C, type: "usage", cause: {}, writes: [write] }),
      ).rejects.toThrow();
      expect(await ledger.balance(a)).toEqual({ availableMc: 9 * C, reservedMc: 0 });
      const ok = await ledger.debit({ accountId: a, amountMc: 1 * C, type: "usage", cause: {} });
      expect(ok.ok).toBe(true);
      expect(await ledger.balance(a)).toEqual({ availableMc: 8 * C, reservedMc: 0 });
      await expectConsistent(a);
    });

    it("never overdraws with concurrent reservations and captures", async () => {
      const a = await funded(50);
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const r = await ledger.reserve({ accountId: a, amountMc: 3 * C, cause: {}, ttlMs: 60_000, owner: "test" });
          if (!r.ok) return 0;
          await ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: 2 * C, cause: {} });
          return 1;
        }),
      );
      const served = outcomes.reduce<number>((s, x) => s + x, 0);
      const balance = await ledger.balance(a);
      expect(balance.reservedMc).toBe(0);
      expect(balance.availableMc).toBe(50 * C - served * 2 * C);
      expect(served).toBeGreaterThanOrEqual(16); // 50 credits cover at least 16 holds of 3
      await expectConsistent(a);
    });

    it("releases holds that expired or whose owner stopped", async () => {
      const a = await funded(10);
      const expired = await ledger.reserve({ accountId: a, amountMc: C, cause: {}, ttlMs: -1, owner: "alive" });
      const orphan = await ledger.reserve({ accountId: a, amountMc: 2 * C, cause: {}, ttlMs: 60_000, owner: "dead-1" });
      const live = await ledger.reserve({ accountId: a, amountMc: 3 * C, cause: {}, ttlMs: 60_000, owner: "alive" });
      if (!expired.ok || !orphan.ok || !live.ok) throw new Error("reserve refused");
      await ledger.releaseStaleHolds({ now: Date.now(), deadOwners: ["dead-1"] });
      expect((await ledger.getHold(a, expired.hold.id))?.status).toBe("released");
      expect((await ledger.getHold(a, orphan.hold.id))?.status).toBe("released");
      expect((await ledger.getHold(a, live.hold.id))?.status).toBe("open");
      expect(await ledger.balance(a)).toEqual({ availableMc: 7 * C, reservedMc: 3 * C });
      await expectConsistent(a);
    });

    it("pages entries newest first and aggregates usage per day and operation", async () => {
      const a = await funded(100);
      for (let i = 0; i < 5; i++)
        await ledger.debit({ accountId: a, amountMc: C, type: "usage", cause: { operation: "training.query" } });
      await ledger.debit({ accountId: a, amountMc: 2 * C, type: "usage", cause: { operation: "images.upscale" } });
      const page1 = await ledger.entries(a, { limit: 4 });
      const page2 = await ledger.entries(a, { limit: 4, before: page1.at(-1)!.id });
      expect(page1.length).toBe(4);
      expect(page2.length).toBe(3);
      expect(page2.at(-1)!.type).toBe("grant");
      const usage = await ledger.usage(a, { from: Date.now() - 86_400_000, to: Date.now() + 1000 });
      const today = new Date().toISOString().slice(0, 10);
      expect(usage).toEqual([
        { day: today, operation: "images.upscale", count: 1, mc: 2 * C },
        { day: today, operation: "training.query", count: 5, mc: 5 * C },
      ]);
    });

    it("gives every entry an opaque id, not a position in a global sequence, and pages by it", async () => {
      const a = await funded(100);
      const other = await funded(100);
      // Entries of another account written in between must leave no trace in this account's ids.
      for (let i = 0; i < 3; i++) {
        await ledger.debit({ accountId: a, amountMc: C, type: "usage", cause: {} });
        await ledger.debit({ accountId: other, amountMc: C, type: "usage", cause: {} });
      }
      const r = await ledger.reserve({ accountId: a, amountMc: C, cause: {}, ttlMs: 60_000, owner: "t" });
      if (!r.ok) throw new Error("reserve refused");
      await ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: C, cause: {} });
      await ledger.credit({ accountId: a, amountMc: C, bonusMc: C, type: "purchase", idemKey: newId("k"), cause: {} });
      const all = await ledger.entries(a, { limit: 100 });
      expect(all.map((e) => e.type)).toEqual([
        "bonus",
        "purchase",
        "usage",
        "hold",
        "usage",
        "usage",
        "usage",
        "grant",
      ]);
      for (const e of all) expect(e.id).toMatch(/^led_[0-9a-z]{26}$/);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      // Paging by the last id seen walks the same entries in the same order, whatever the page size.
      for (const limit of [1, 3]) {
        const walked: string[] = [];
        let before: string | undefined;
        for (;;) {
          const page = await ledger.entries(a, { limit, before });
          walked.push(...page.map((e) => e.id));
          if (page.length < limit) break;
          before = page.at(-1)!.id;
        }
        expect(walked).toEqual(all.map((e) => e.id));
      }
      // Another account's entry, or an id that never existed, is no cursor here.
      const theirs = (await ledger.entries(other, { limit: 1 }))[0]!.id;
      for (const before of [theirs, newId("led")])
        await expect(ledger.entries(a, { limit: 5, before })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });

    it("entries written before ids were opaque keep the led_<seq> they were shown with, and page from it", async () => {
      const a = await funded(5);
      // As migration 3 found them: no id column value (inserting is allowed; entries are only immutable).
      await t.db.sql.run(
        `INSERT INTO ledger_entries (account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
           created_at) VALUES (?, 'grant', 0, 0, 5000, 0, ?)`,
        [a, Date.now()],
      );
      await ledger.debit({ accountId: a, amountMc: C, type: "usage", cause: {} });
      const [usage, legacy, grant] = await ledger.entries(a, { limit: 10 });
      expect(legacy!.id).toMatch(/^led_\d+$/);
      expect(usage!.id).toMatch(/^led_[0-9a-z]{26}$/);
      expect((await ledger.entries(a, { limit: 10, before: usage!.id })).map((e) => e.id)).toEqual([
        legacy!.id,
        grant!.id,
      ]);
      expect((await ledger.entries(a, { limit: 10, before: legacy!.id })).map((e) => e.id)).toEqual([grant!.id]);
    });

    it("keeps ledger entries immutable in storage", async () => {
      const a = await funded(1);
      await expect(t.db.sql.run("UPDATE ledger_entries SET amount_mc = 1 WHERE account_id = ?", [a])).rejects.toThrow(
        /immutable/,
      );
      await expect(t.db.sql.run("DELETE FROM ledger_entries WHERE account_id = ?", [a])).rejects.toThrow(/immutable/);
    });

    it("writes ride on a movement: committed with it, skipped when it is refused, and a failed fence turns a capture into a release", async () => {
      await t.db.sql.run("CREATE TABLE IF NOT EXISTS hook_probe (id TEXT PRIMARY KEY, state TEXT NOT NULL)");
      const a = await funded(10);
      const probe = (id: string) => t.db.sql.get<{ state: string }>("SELECT state FROM hook_probe WHERE id = ?", [id]);
      const insert = (id: string) => ({ sql: "INSERT INTO hook_probe (id, state) VALUES (?, 'done')", params: [id] });

      await ledger.debit({ accountId: a, amountMc: 1 * C, type: "usage", cause: {}, writes: [insert("w-ok")] });
      expect(await probe("w-ok")).toEqual({ state: "done" });
      const refused = await ledger.debit({
        accountId: a,
        amountMc: 100 * C,
        type: "usage",
        cause: {},
        writes: [insert("w-refused")],
      });
      expect(refused.ok).toBe(false);
      expect(await probe("w-refused")).toBeUndefined();

      // A fence that holds: the capture and its write commit together.
      await t.db.sql.run("INSERT INTO hook_probe (id, state) VALUES ('claim-1', 'running')");
      const fence = (id: string) => ({
        sql: "UPDATE hook_probe SET state = state WHERE id = ? AND state = 'running'",
        params: [id],
        fence: true,
      });
      const done = (id: string) => ({ sql: "UPDATE hook_probe SET state = 'done' WHERE id = ?", params: [id] });
      const r1 = await ledger.reserve({ accountId: a, amountMc: 2 * C, cause: {}, ttlMs: 60_000, owner: "t" });
      if (!r1.ok) throw new Error("reserve");
      await ledger.capture({
        accountId: a,
        holdId: r1.hold.id,
        amountMc: 2 * C,
        cause: {},
        writes: [fence("claim-1"), done("claim-1")],
      });
      expect(await probe("claim-1")).toEqual({ state: "done" });
      expect(await ledger.balance(a)).toEqual({ availableMc: 7 * C, reservedMc: 0 });

      // A fence that fails (another attempt took the claim): nothing is charged, the hold is released, it says so.
      await t.db.sql.run("INSERT INTO hook_probe (id, state) VALUES ('claim-2', 'taken')");
      const r2 = await ledger.reserve({ accountId: a, amountMc: 2 * C, cause: {}, ttlMs: 60_000, owner: "t" });
      if (!r2.ok) throw new Error("reserve");
      const fenced = ledger.capture({
        accountId: a,
        holdId: r2.hold.id,
        amountMc: 2 * C,
        cause: {},
        writes: [fence("claim-2"), done("claim-2")],
      });
      await expect(fenced).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await probe("claim-2")).toEqual({ state: "taken" });
      expect(await ledger.balance(a)).toEqual({ availableMc: 7 * C, reservedMc: 0 });
      expect((await ledger.getHold(a, r2.hold.id))?.status).toBe("released");
      await expectConsistent(a);
    });

    it("a job's attempt taken over can neither capture nor release the hold it shares: nothing moves, the hold stays open for the attempt that took over", async () => {
      await t.db.sql.run("CREATE TABLE IF NOT EXISTS hook_probe (id TEXT PRIMARY KEY, state TEXT NOT NULL)");
      const a = await funded(10);
      await t.db.sql.run("INSERT INTO hook_probe (id, state) VALUES (?, 'attempt-2')", [`job-${a}`]);
      const attempt = (n: number) => ({
        sql: "UPDATE hook_probe SET state = state WHERE id = ? AND state = ?",
        params: [`job-${a}`, `attempt-${n}`],
        fence: true,
        keepsHold: true,
      });
      const ready = { sql: "UPDATE hook_probe SET state = 'ready' WHERE id = ?", params: [`job-${a}`] };
      const r = await ledger.reserve({ accountId: a, amountMc: 2 * C, cause: {}, ttlMs: 60_000, owner: "t" });
      if (!r.ok) throw new Error("reserve");
      const capture = (n: number) =>
        ledger.capture({ accountId: a, holdId: r.hold.id, amountMc: 2 * C, cause: {}, writes: [attempt(n), ready] });
      // Alone and in a batch with other movements (concurrent debits of the same account).
      const stale = await Promise.allSettled([
        capture(1),
        ...Array.from({ length: 3 }, () => ledger.debit({ accountId: a, amountMc: 1 * C, type: "usage", cause: {} })),
      ]);
      expect(stale[0]).toMatchObject({ status: "rejected", reason: { name: "StaleWriteError" } });
      expect((await ledger.getHold(a, r.hold.id))?.status).toBe("open");
      expect(await probe(`job-${a}`)).toEqual({ state: "attempt-2" });
      expect(await ledger.balance(a)).toEqual({ availableMc: 5 * C, reservedMc: 2 * C });
      // Nor can the stale attempt release it (its failure path): nothing moves, its writes do not commit.
      await expect(
        ledger.release({ accountId: a, holdId: r.hold.id, reason: "stale failure", writes: [attempt(1), ready] }),
      ).rejects.toMatchObject({ name: "StaleWriteError" });
      expect((await ledger.getHold(a, r.hold.id))?.status).toBe("open");
      expect(await probe(`job-${a}`)).toEqual({ state: "attempt-2" });
      // The attempt that holds the job captures it, once.
      await capture(2);
      expect((await ledger.getHold(a, r.hold.id))?.status).toBe("captured");
      expect(await ledger.balance(a)).toEqual({ availableMc: 5 * C, reservedMc: 0 });
      await expectConsistent(a);

      async function probe(id: string) {
        return t.db.sql.get<{ state: string }>("SELECT state FROM hook_probe WHERE id = ?", [id]);
      }
    });

    it("in a batch, each movement's writes commit only if it happened (concurrent debits, some refused)", async () => {
      await t.db.sql.run("CREATE TABLE IF NOT EXISTS batch_writes (id TEXT PRIMARY KEY)");
      const a = await funded(10);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ledger.debit({
            accountId: a,
            amountMc: 1 * C,
            type: "usage",
            cause: {},
            writes: [{ sql: "INSERT INTO batch_writes (id) VALUES (?)", params: [`${a}:${i}`] }],
          }),
        ),
      );
      const happened = results.flatMap((r, i) => (r.ok ? [`${a}:${i}`] : []));
      expect(happened).toHaveLength(10);
      const rows = await t.db.sql.all<{ id: string }>("SELECT id FROM batch_writes WHERE id LIKE ? ORDER BY id", [
        `${a}:%`,
      ]);
      expect(rows.map((r) => r.id)).toEqual([...happened].sort());
      expect(await ledger.balance(a)).toEqual({ availableMc: 0, reservedMc: 0 });
      await expectConsistent(a);
    });
  });
  runSpendLimitContract(engine);
}
