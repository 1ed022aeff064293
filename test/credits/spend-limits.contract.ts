import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger, Spender } from "../../src/credits/ledger.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { SpendLimitStore } from "../../src/credits/spend-limits.js";
import { type Database, openDatabase } from "../../src/db/open.js";
import { newId } from "../../src/lib/ids.js";
import { type Engine, freshDatabase, type TestDatabase } from "../support/db.js";

const C = 1000;

/** Spend limits, as every Ledger adapter enforces them: in the same atomic step as the hold or debit. */
export function runSpendLimitContract(engine: Engine) {
  describe(`spend limits on ${engine}`, () => {
    let t: TestDatabase;
    let ledger: Ledger;
    let limits: SpendLimitStore;
    // 2026-12-06 (a Sunday) 10:00 UTC; tests move it forward.
    let now = Date.UTC(2026, 11, 6, 10);
    const clock = () => now;

    beforeAll(async () => {
      t = await freshDatabase(engine, [creditsMigrations]);
      await t.db.sql.run("CREATE TABLE limit_reports (limit_id TEXT NOT NULL, period_start BIGINT NOT NULL)");
      ledger = createLedger(t.db, {
        clock,
        limitReached: (hit) => ({
          sql: "INSERT INTO limit_reports (limit_id, period_start) VALUES (?, ?)",
          params: [hit.limitId, hit.periodStart],
        }),
      });
      limits = new SpendLimitStore(t.db.sql, clock);
    });
    afterAll(async () => {
      await ledger.close();
      await t.cleanup();
    });

    async function funded(credits: number): Promise<string> {
      const accountId = newId("acct");
      await ledger.credit({ accountId, amountMc: credits * C, type: "grant", cause: { reason: "test" } });
      return accountId;
    }
    const site = (siteId: string, keyId: string | null = null): Spender => ({ siteId, keyId });
    const reserve = (accountId: string, credits: number, spender?: Spender) =>
      ledger.reserve({ accountId, amountMc: credits * C, cause: {}, ttlMs: 60_000, owner: "test", spender });

    it("refuses a site's spend past its limit, names the limit, and leaves other sites alone", async () => {
      const a = await funded(100);
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 10 * C, period: "day" });
      expect((await reserve(a, 6, site("site_a"))).ok).toBe(true);
      const refused = await reserve(a, 5, site("site_a"));
      expect(refused).toMatchObject({
        ok: false,
        neededMc: 5 * C,
        availableMc: 94 * C,
        limit: {
          limitId: limit.id,
          siteId: "site_a",
          period: "day",
          limitMc: 10 * C,
          usedMc: 6 * C,
          resetsAt: Date.UTC(2026, 11, 7),
        },
      });
      // Nothing moved for the refusal; another site and the owner spend freely.
      expect(await ledger.balance(a)).toEqual({ availableMc: 94 * C, reservedMc: 6 * C });
      expect((await reserve(a, 20, site("site_b"))).ok).toBe(true);
      expect((await reserve(a, 20)).ok).toBe(true);
      expect((await reserve(a, 4, site("site_a"))).ok).toBe(true);
      expect((await limits.get(a, limit.id))!.usedMc).toBe(10 * C);
    });

    it("binds a key's limit and an account-wide one to every spender they cover", async () => {
      const a = await funded(100);
      await limits.create({ accountId: a, keyId: "key_1", limitMc: 3 * C, period: "week" });
      const whole = await limits.create({ accountId: a, limitMc: 8 * C, period: "month" });
      expect((await reserve(a, 3, site("site_a", "key_1"))).ok).toBe(true);
      const byKey = await reserve(a, 1, site("site_a", "key_1"));
      expect(byKey.ok === false && byKey.limit?.keyId).toBe("key_1");
      expect((await reserve(a, 5, site("site_b", "key_2"))).ok).toBe(true);
      const byAccount = await reserve(a, 1);
      expect(byAccount.ok === false && byAccount.limit?.limitId).toBe(whole.id);
      expect(byAccount.ok === false && byAccount.limit?.resetsAt).toBe(Date.UTC(2027, 0, 1));
    });

    it("counts a hold until it settles: a capture only what it took, a release nothing, an expiry nothing", async () => {
      const a = await funded(100);
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 10 * C, period: "total" });
      const first = await reserve(a, 8, site("site_a"));
      if (!first.ok) throw new Error("refused");
      expect((await limits.get(a, limit.id))!.usedMc).toBe(8 * C);
      await ledger.capture({ accountId: a, holdId: first.hold.id, amountMc: 3 * C, cause: {} });
      expect((await limits.get(a, limit.id))!.usedMc).toBe(3 * C);
      const second = await reserve(a, 7, site("site_a"));
      if (!second.ok) throw new Error("refused");
      expect((await reserve(a, 1, site("site_a"))).ok).toBe(false);
      await ledger.release({ accountId: a, holdId: second.hold.id, reason: "test" });
      expect((await limits.get(a, limit.id))!.usedMc).toBe(3 * C);
      // A hold the sweeper releases (expired, or its process died) stops counting too.
      const third = await ledger.reserve({
        accountId: a,
        amountMc: 7 * C,
        cause: {},
        ttlMs: 1,
        owner: "test",
        spender: site("site_a"),
      });
      expect(third.ok).toBe(true);
      expect((await limits.get(a, limit.id))!.usedMc).toBe(10 * C);
      expect(await ledger.releaseStaleHolds({ now: now + 10 })).toBeGreaterThanOrEqual(1);
      expect((await limits.get(a, limit.id))!.usedMc).toBe(3 * C);
      expect(await ledger.balance(a)).toEqual({ availableMc: 97 * C, reservedMc: 0 });
    });

    it("counts usage debits but never adjustments or refunds, and a total limit only from its creation", async () => {
      const a = await funded(100);
      await ledger.debit({ accountId: a, amountMc: 50 * C, type: "usage", cause: {}, spender: site("site_a") });
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 5 * C, period: "total" });
      expect(limit.usedMc).toBe(0);
      const debit = (credits: number, type: "usage" | "adjustment") =>
        ledger.debit({ accountId: a, amountMc: credits * C, type, cause: {}, spender: site("site_a") });
      expect((await debit(5, "usage")).ok).toBe(true);
      expect(await debit(1, "usage")).toMatchObject({ ok: false, limit: { period: "total", resetsAt: null } });
      expect((await debit(10, "adjustment")).ok).toBe(true);
      expect((await limits.get(a, limit.id))!.usedMc).toBe(5 * C);
      expect(await ledger.balance(a)).toEqual({ availableMc: 35 * C, reservedMc: 0 });
    });

    it("starts afresh when the period ends; open holds still count; the report is written once per period", async () => {
      now = Date.UTC(2026, 11, 6, 23, 59);
      const a = await funded(100);
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 10 * C, period: "day" });
      const spent = await reserve(a, 6, site("site_a"));
      const open = await reserve(a, 3, site("site_a"));
      if (!spent.ok || !open.ok) throw new Error("refused");
      await ledger.capture({ accountId: a, holdId: spent.hold.id, amountMc: 6 * C, cause: {} });
      const [r1, r2] = await Promise.all([reserve(a, 2, site("site_a")), reserve(a, 2, site("site_a"))]);
      expect([r1.ok, r2.ok]).toEqual([false, false]);
      const reports = () =>
        t.db.sql.all<{ period_start: number }>("SELECT period_start FROM limit_reports WHERE limit_id = ?", [limit.id]);
      expect((await reports()).map((r) => Number(r.period_start))).toEqual([Date.UTC(2026, 11, 6)]);

      now = Date.UTC(2026, 11, 7, 0, 0); // midnight UTC: the spent 6 are forgotten, the open 3 are not
      const day2 = await limits.get(a, limit.id);
      expect(day2).toMatchObject({
        usedMc: 3 * C,
        periodStart: Date.UTC(2026, 11, 7),
        resetsAt: Date.UTC(2026, 11, 8),
      });
      expect((await reserve(a, 7, site("site_a"))).ok).toBe(true);
      expect((await reserve(a, 1, site("site_a"))).ok).toBe(false);
      expect((await reports()).map((r) => Number(r.period_start))).toEqual([
        Date.UTC(2026, 11, 6),
        Date.UTC(2026, 11, 7),
      ]);
      // Captured on the new day, the old day's hold counts on the new day.
      await ledger.capture({ accountId: a, holdId: open.hold.id, amountMc: 1 * C, cause: {} });
      expect((await limits.get(a, limit.id))!.usedMc).toBe(8 * C);
    });

    it("resets a weekly limit on Monday 00:00 UTC and a monthly one on the 1st", async () => {
      now = Date.UTC(2026, 11, 13, 12); // Sunday
      const a = await funded(100);
      const week = await limits.create({ accountId: a, siteId: "site_w", limitMc: 2 * C, period: "week" });
      expect(week.resetsAt).toBe(Date.UTC(2026, 11, 14));
      const month = await limits.create({ accountId: a, siteId: "site_m", limitMc: 2 * C, period: "month" });
      expect(month.resetsAt).toBe(Date.UTC(2027, 0, 1));
      await ledger.debit({ accountId: a, amountMc: 2 * C, type: "usage", cause: {}, spender: site("site_w") });
      await ledger.debit({ accountId: a, amountMc: 2 * C, type: "usage", cause: {}, spender: site("site_m") });
      now = Date.UTC(2026, 11, 14, 0, 0, 1);
      expect((await limits.get(a, week.id))!.usedMc).toBe(0);
      expect((await limits.get(a, month.id))!.usedMc).toBe(2 * C);
      now = Date.UTC(2027, 0, 1);
      expect((await limits.get(a, month.id))!).toMatchObject({ usedMc: 0, resetsAt: Date.UTC(2027, 1, 1) });
    });

    it("200 concurrent spends against a limit of 100 credits spend exactly 100", async () => {
      now = Date.UTC(2026, 11, 20, 10);
      const a = await funded(1000);
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 100 * C, period: "day" });
      // On PostgreSQL, half of them through a second pool: another process's ledger on the same database.
      let other: { db: Database; ledger: Ledger } | undefined;
      if (engine === "postgres") {
        const db = await openDatabase(t.options, [creditsMigrations]);
        other = { db, ledger: createLedger(db, { clock }) };
      }
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const l = other && i % 2 ? other.ledger : ledger;
          const r = await l.reserve({
            accountId: a,
            amountMc: C,
            cause: {},
            ttlMs: 60_000,
            owner: "test",
            spender: site("site_a"),
          });
          if (!r.ok) return false;
          await l.capture({ accountId: a, holdId: r.hold.id, amountMc: C, cause: {} });
          return true;
        }),
      );
      if (other) {
        await other.ledger.close();
        await other.db.close();
      }
      expect(results.filter(Boolean).length).toBe(100);
      expect(await ledger.balance(a)).toEqual({ availableMc: 900 * C, reservedMc: 0 });
      expect((await limits.get(a, limit.id))!.usedMc).toBe(100 * C);
      const usage = await ledger.usageBySpender(a, { from: 0, to: now + 1 });
      expect(usage).toEqual([{ siteId: "site_a", keyId: null, count: 100, mc: 100 * C }]);
    });

    it("a limit's refusal is not the balance's: watchers hear only of spending the balance could not cover", async () => {
      const a = await funded(5);
      await limits.create({ accountId: a, siteId: "site_a", limitMc: 1 * C, period: "day" });
      const refusals: string[] = [];
      const watched = createLedger(t.db, {
        clock,
        watchers: [{ writesFor: () => [], refused: (accountId) => refusals.push(accountId) }],
      });
      const byLimit = await watched.reserve({
        accountId: a,
        amountMc: 2 * C,
        cause: {},
        ttlMs: 60_000,
        owner: "test",
        spender: site("site_a"),
      });
      expect(byLimit.ok === false && byLimit.limit !== undefined).toBe(true);
      expect(refusals).toEqual([]);
      const byBalance = await watched.reserve({ accountId: a, amountMc: 6 * C, cause: {}, ttlMs: 60_000, owner: "t" });
      expect(byBalance).toEqual({ ok: false, neededMc: 6 * C, availableMc: 5 * C });
      expect(refusals).toEqual([a]);
      await watched.close();
    });

    it("a deleted limit binds no more, and holds counted against it settle normally", async () => {
      const a = await funded(10);
      const limit = await limits.create({ accountId: a, siteId: "site_a", limitMc: 1 * C, period: "day" });
      const held = await reserve(a, 1, site("site_a"));
      if (!held.ok) throw new Error("refused");
      expect(await limits.delete(a, limit.id)).toBe(true);
      expect(await limits.delete(a, limit.id)).toBe(false);
      expect((await reserve(a, 5, site("site_a"))).ok).toBe(true);
      await ledger.capture({ accountId: a, holdId: held.hold.id, amountMc: C, cause: {} });
      expect(await ledger.balance(a)).toEqual({ availableMc: 4 * C, reservedMc: 5 * C });
      expect(await limits.list(a)).toEqual([]);
    });
  });
}
