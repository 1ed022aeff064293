import { afterAll, describe, expect, it } from "vitest";
import { createLedger } from "../../src/credits/create-ledger.js";
import { openDatabase } from "../../src/db/open.js";
import { ALL_MIGRATIONS } from "../../src/migrations.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { spawnScript, waitForOutput } from "../support/process.js";

for (const engine of ENGINES) {
  describe(`a crash between reserve and capture on ${engine}`, () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const a of apps) await a.close();
    });

    it("loses and creates no credits once the service runs again", async () => {
      const app = await startTestApp(engine, { INSTANCE_STALE_SECONDS: "2" });
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);

      // SQLite is served by one process: the first one stops before the one that will crash starts.
      if (engine === "sqlite") await app.running.close();
      const child = spawnScript("test/support/reserve-and-hang.ts", { ...app.env, LOG_LEVEL: "silent" }, [
        c.accountId,
        "30",
      ]);
      const [, holdId] = await waitForOutput(child, /HELD (\S+)/);
      expect(await balanceInStorage()).toEqual({ availableMc: 70_000, reservedMc: 30_000 });
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));

      // SQLite: the next start releases it (one process owns the file). PostgreSQL: a live process notices the dead
      // one's heartbeat stopped. Either way, the running service must settle it without help.
      if (engine === "sqlite") {
        const restarted = await startTestApp(engine, { ...app.env, PORT: "0" });
        apps.push(restarted);
        await expectSettled(restarted);
      } else {
        await expect
          .poll(() => balanceOf(app), { timeout: 20_000, interval: 250 })
          .toEqual({ credits: 100, reservedCredits: 0 });
        await expectSettled(app);
      }

      /** Reads the balance from the database itself, whichever process holds it. */
      async function balanceInStorage() {
        const db = await openDatabase(
          { dataDir: app.dataDir, databaseUrl: app.env.DATABASE_URL, databaseSchema: app.env.DATABASE_SCHEMA },
          ALL_MIGRATIONS,
        );
        try {
          return await createLedger(db).balance(c.accountId);
        } finally {
          await db.close();
        }
      }
      async function balanceOf(a: TestApp) {
        return (await a.api("GET", "/v1/balance", { token: c.apiKey })).body;
      }
      async function expectSettled(a: TestApp) {
        expect(await balanceOf(a)).toEqual({ credits: 100, reservedCredits: 0 });
        const entries = (await a.api("GET", "/v1/ledger", { token: c.apiKey })).body.data;
        expect(entries.map((e: any) => [e.type, e.credits, e.heldCredits])).toEqual([
          ["release", 0, -30],
          ["hold", 0, 30],
          ["grant", 100, 0],
        ]);
        expect(entries[0].holdId).toBe(holdId);
        expect(entries.reduce((s: number, e: any) => s + e.credits, 0)).toBe(100);
      }
    });
  });
}
