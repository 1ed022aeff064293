import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";

/** What a client relies on when it sends an Idempotency-Key with a spending request. */
for (const engine of ENGINES) {
  describe(`Idempotency-Key on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });

    async function knowledgeBase(token: string) {
      const kb = await app.api("POST", "/v1/knowledge-bases", { token, body: { name: "Notes" } });
      return kb.body.id as string;
    }

    it("a 402 decided after the request began is its final answer: the same key replays it, a new key runs", async () => {
      const c = await newCustomer(app);
      const kbId = await knowledgeBase(c.apiKey);
      const query = (key: string) =>
        app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
          token: c.apiKey,
          body: { query: "anything", mode: "keyword" },
          headers: { "idempotency-key": key },
        });
      const first = await query("k-402");
      expect(first.status).toBe(402);
      expect(first.body.code).toBe("INSUFFICIENT_CREDITS");
      await grant(app, c.accountId, 5);
      const again = await query("k-402");
      expect(again.status).toBe(402);
      expect(again.body).toMatchObject({ code: "INSUFFICIENT_CREDITS", replayed: true });
      const fresh = await query("k-new");
      expect(fresh.status).toBe(200);
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
        credits: 4,
        reservedCredits: 0,
      });
    });

    it("keys are the caller's own: two sites of one account using the same key each run and are each charged", async () => {
      const owner = await newCustomer(app, "agency");
      await grant(app, owner.accountId, 10);
      const second = await app.api("POST", "/v1/activations", {
        body: { licenseKey: owner.licenseKey, siteUrl: "https://second.example.com" },
      });
      expect(second.status).toBe(201);
      const ask = async (token: string) =>
        app.api("POST", `/v1/knowledge-bases/${await knowledgeBase(token)}/query`, {
          token,
          body: { query: "anything", mode: "keyword" },
          headers: { "idempotency-key": "shared-key" },
        });
      const a = await ask(owner.apiKey);
      const b = await ask(second.body.apiKey);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.headers.get("idempotent-replayed")).toBeNull();
      expect(b.headers.get("idempotent-replayed")).toBeNull();
      expect((await app.api("GET", "/v1/balance", { token: owner.apiKey })).body.credits).toBe(8);
    });

    it("the same key with another body is refused and changes nothing", async () => {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 5);
      const kbId = await knowledgeBase(c.apiKey);
      const query = (text: string) =>
        app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
          token: c.apiKey,
          body: { query: text, mode: "keyword" },
          headers: { "idempotency-key": "k-body" },
        });
      expect((await query("first")).status).toBe(200);
      const other = await query("second");
      expect(other.status).toBe(409);
      expect(other.body.code).toBe("IDEMPOTENCY_CONFLICT");
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(4);
    });
  });
}
