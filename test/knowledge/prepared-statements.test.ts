import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { PG_URL } from "../support/db.js";

/**
 * A search's statements are prepared on each PostgreSQL connection (db/sql.ts `prepared`). A prepared statement whose
 * result columns change fails ("cached plan must not change result type"), so a migration that adds a column — run
 * by another process, a newer version, while this one serves — must not break the searches already prepared.
 */
describe("searches on PostgreSQL with prepared statements", () => {
  let app: TestApp;
  let c: TestCustomer;
  let kbId: string;

  beforeAll(async () => {
    // Concurrent searches on a busy machine must wait for the model rather than be shed (503): not what this tests.
    app = await startTestApp("postgres", { EMBEDDING_QUERY_MAX_WAIT_MS: "60000" });
    c = await newCustomer(app);
    await grant(app, c.accountId, 1000);
    const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Prepared" } });
    kbId = kb.body.id;
    for (const [name, text] of [
      ["Pumps", "# Pumps\n\nThe centrifugal pump moves water through the cooling loop."],
      ["Valves", "# Valves\n\nA check valve stops the water flowing back into the pump."],
    ]) {
      const up = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, {
        token: c.apiKey,
        body: { name, text },
      });
      expect(up.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app.close();
  });

  /** Concurrent searches, so that several of the pool's connections prepare (or use) the statements. */
  const searchAll = async () => {
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(
        ["hybrid", "semantic", "keyword", "hybrid", "hybrid", "semantic"].map((mode) =>
          app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
            token: c.apiKey,
            body: { query: "water pump", mode, topK: 2 },
          }),
        ),
      );
      for (const r of replies) {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.results[0].documentName).toMatch(/Pumps|Valves/);
      }
    }
  };

  it("keep answering after a migration adds columns to the tables they read", async () => {
    await searchAll();
    const admin = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${app.env.DATABASE_SCHEMA}` });
    await admin.connect();
    try {
      for (const table of ["knowledge_bases", "documents", "knowledge_chunks", "licenses"])
        await admin.query(`ALTER TABLE ${table} ADD COLUMN added_later TEXT`);
    } finally {
      await admin.end();
    }
    await searchAll();
  });
});
