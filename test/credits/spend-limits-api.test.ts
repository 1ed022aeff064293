import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, request, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

/** One knowledge-base search by keyword: 1 credit, spent by whoever's token it carries. */
async function search(url: string, token: string, kbId: string) {
  return request(url, "POST", `/v1/knowledge-bases/${kbId}/query`, {
    token,
    body: { query: "anything at all", mode: "keyword" },
  });
}

async function knowledgeBase(app: TestApp, c: TestCustomer): Promise<string> {
  const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.licenseKey, body: { name: "Shared" } });
  expect(kb.status).toBe(201);
  return kb.body.id;
}

for (const engine of ENGINES) {
  describe(`spend limits through HTTP on ${engine}`, () => {
    let app: TestApp;
    // 2026-12-06 23:58 UTC; one test moves it past midnight.
    let now = Date.UTC(2026, 11, 6, 23, 58);
    beforeAll(async () => {
      app = await startTestApp(engine, {}, { clock: () => now });
    });
    afterAll(async () => {
      await app.close();
    });

    it("only the owner sets, reads and removes limits; another account's answer 404", async () => {
      const c = await newCustomer(app);
      const other = await newCustomer(app);
      const created = await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { siteId: c.siteId, credits: 2.5, period: "day" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        siteId: c.siteId,
        keyId: null,
        credits: 2.5,
        period: "day",
        usedCredits: 0,
        resetsAt: "2026-12-07T00:00:00.000Z",
      });
      const id = created.body.id;
      // A site's key can neither see nor lift its own cap.
      for (const [method, path] of [
        ["GET", "/v1/spend-limits"],
        ["GET", `/v1/spend-limits/${id}`],
        ["DELETE", `/v1/spend-limits/${id}`],
      ] as const)
        expect((await app.api(method, path, { token: c.apiKey })).status).toBe(403);
      const bySiteKey = await app.api("POST", "/v1/spend-limits", {
        token: c.apiKey,
        body: { siteId: c.siteId, credits: 1000, period: "day" },
      });
      expect(bySiteKey.status).toBe(403);
      expect(bySiteKey.body.code).toBe("FORBIDDEN");
      // Another account's limit, and a limit on another account's site, are not found.
      expect((await app.api("GET", `/v1/spend-limits/${id}`, { token: other.licenseKey })).status).toBe(404);
      expect((await app.api("DELETE", `/v1/spend-limits/${id}`, { token: other.licenseKey })).status).toBe(404);
      const foreign = await app.api("POST", "/v1/spend-limits", {
        token: other.licenseKey,
        body: { siteId: c.siteId, credits: 1, period: "day" },
      });
      expect(foreign.status).toBe(404);
      expect((await app.api("GET", "/v1/spend-limits", { token: other.licenseKey })).body.data).toEqual([]);
      const otherKey = (await app.api("GET", "/v1/api-keys", { token: other.licenseKey })).body.data[0].id;
      const foreignKey = await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { keyId: otherKey, credits: 1, period: "day" },
      });
      expect(foreignKey.status).toBe(404);
      for (const body of [
        { credits: -1, period: "day" },
        { credits: 1.0001, period: "day" },
        { credits: 1, period: "year" },
        { credits: "10", period: "day" },
      ])
        expect((await app.api("POST", "/v1/spend-limits", { token: c.licenseKey, body })).status).toBe(400);
      const both = await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { siteId: c.siteId, keyId: "key_x", credits: 1, period: "day" },
      });
      expect(both.status).toBe(400);
      expect((await app.api("GET", "/v1/spend-limits", { token: c.licenseKey })).body.data).toHaveLength(1);
      expect((await app.api("DELETE", `/v1/spend-limits/${id}`, { token: c.licenseKey })).status).toBe(200);
      expect((await app.api("GET", `/v1/spend-limits/${id}`, { token: c.licenseKey })).status).toBe(404);
    });

    it("refuses a site past its daily limit with 402 SPEND_LIMIT_REACHED, charges nothing, resets at midnight", async () => {
      now = Date.UTC(2026, 11, 6, 23, 58);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 50);
      const kbId = await knowledgeBase(app, c);
      const limit = await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { siteId: c.siteId, credits: 2, period: "day" },
      });
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(200);
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(200);
      const refused = await search(app.url, c.apiKey, kbId);
      expect(refused.status).toBe(402);
      expect(refused.body).toMatchObject({
        code: "SPEND_LIMIT_REACHED",
        detail: "This site's daily limit of 2 credits is reached; it resets at 00:00 UTC on 7 Dec.",
        limitId: limit.body.id,
        period: "day",
        limitCredits: 2,
        usedCredits: 2,
        resetsAt: "2026-12-07T00:00:00.000Z",
        charged: false,
      });
      expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).body).toEqual({
        credits: 48,
        reservedCredits: 0,
      });
      // The owner is not that site: the owner's own searches go on.
      expect((await search(app.url, c.licenseKey, kbId)).status).toBe(200);
      const shown = await app.api("GET", `/v1/spend-limits/${limit.body.id}`, { token: c.licenseKey });
      expect(shown.body.usedCredits).toBe(2);

      // Usage per site and key: the site's key spent 2, the owner 1.
      const usage = await app.api("GET", "/v1/usage?from=2026-12-06&to=2026-12-06", { token: c.licenseKey });
      const keyId = (await app.api("GET", "/v1/api-keys", { token: c.licenseKey })).body.data.find(
        (k: { siteId: string | null }) => k.siteId === c.siteId,
      ).id;
      expect(usage.body.bySpender).toEqual([
        { siteId: null, keyId: null, count: 1, credits: 1 },
        { siteId: c.siteId, keyId, count: 2, credits: 2 },
      ]);
      // A site's key sees its own site's usage only.
      const own = await app.api("GET", "/v1/usage?from=2026-12-06&to=2026-12-06", { token: c.apiKey });
      expect(own.body.bySpender).toEqual([{ siteId: c.siteId, keyId, count: 2, credits: 2 }]);

      // One spend_limit.reached event per limit and period, however many refusals.
      expect((await search(app.url, c.apiKey, kbId)).body.code).toBe("SPEND_LIMIT_REACHED");
      const reached = () =>
        app.running.ctx.db.sql.all<{ data: string }>(
          "SELECT data FROM events WHERE account_id = ? AND type = 'spend_limit.reached' ORDER BY created_at",
          [c.accountId],
        );
      expect((await reached()).map((e) => JSON.parse(e.data))).toEqual([
        {
          limitId: limit.body.id,
          siteId: c.siteId,
          keyId: null,
          period: "day",
          credits: 2,
          usedCredits: 2,
          periodStart: "2026-12-06T00:00:00.000Z",
          resetsAt: "2026-12-07T00:00:00.000Z",
        },
      ]);

      now = Date.UTC(2026, 11, 7, 0, 0);
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(200);
      expect((await app.api("GET", `/v1/spend-limits/${limit.body.id}`, { token: c.licenseKey })).body).toMatchObject({
        usedCredits: 1,
        resetsAt: "2026-12-08T00:00:00.000Z",
      });
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(200);
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(402);
      expect((await reached()).map((e) => JSON.parse(e.data).periodStart)).toEqual([
        "2026-12-06T00:00:00.000Z",
        "2026-12-07T00:00:00.000Z",
      ]);
    });

    it("tells a key's limit from an empty balance by code; buying credits is the remedy of only one", async () => {
      now = Date.UTC(2026, 11, 9, 12);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 1);
      const kbId = await knowledgeBase(app, c);
      const key = await app.api("POST", "/v1/api-keys", { token: c.licenseKey, body: { name: "agency tool" } });
      expect(key.status).toBe(201);
      await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { keyId: key.body.id, credits: 0, period: "week" },
      });
      const byKey = await search(app.url, key.body.key, kbId);
      expect(byKey.body).toMatchObject({
        code: "SPEND_LIMIT_REACHED",
        detail: "This API key's weekly limit of 0 credits is reached; it resets at 00:00 UTC on 14 Dec.",
      });
      expect((await search(app.url, c.apiKey, kbId)).status).toBe(200);
      const empty = await search(app.url, c.apiKey, kbId);
      expect(empty.status).toBe(402);
      expect(empty.body.code).toBe("INSUFFICIENT_CREDITS");
    });

    it("200 concurrent searches against a site limit of 100 credits spend exactly 100", async () => {
      now = Date.UTC(2026, 11, 10, 12);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 1000);
      const kbId = await knowledgeBase(app, c);
      await app.api("POST", "/v1/spend-limits", {
        token: c.licenseKey,
        body: { siteId: c.siteId, credits: 100, period: "month" },
      });
      const results = await Promise.all(Array.from({ length: 200 }, () => search(app.url, c.apiKey, kbId)));
      expect(results.filter((r) => r.status === 200).length).toBe(100);
      expect(results.filter((r) => r.status === 402 && r.body.code === "SPEND_LIMIT_REACHED").length).toBe(100);
      expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).body).toEqual({
        credits: 900,
        reservedCredits: 0,
      });
    });
  });
}

describe("spend limits with two service processes sharing one PostgreSQL database", () => {
  let app: TestApp;
  let others: ServiceProcess[] = [];
  beforeAll(async () => {
    app = await startTestApp("postgres");
    others = await Promise.all([spawnService(app.env), spawnService(app.env)]);
  });
  afterAll(async () => {
    await Promise.all(others.map((p) => p.stop()));
    await app.close();
  });

  it("200 concurrent searches split across two processes against a limit of 100: exactly 100 are charged", async () => {
    const c = await newCustomer(app);
    await grant(app, c.accountId, 1000);
    const kbId = await knowledgeBase(app, c);
    const limit = await app.api("POST", "/v1/spend-limits", {
      token: c.licenseKey,
      body: { siteId: c.siteId, credits: 100, period: "day" },
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => search(others[i % 2]!.url, c.apiKey, kbId)),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(100);
    expect(results.filter((r) => r.status === 402 && r.body.code === "SPEND_LIMIT_REACHED").length).toBe(100);
    expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).body).toEqual({
      credits: 900,
      reservedCredits: 0,
    });
    const shown = await app.api("GET", `/v1/spend-limits/${limit.body.id}`, { token: c.licenseKey });
    expect(shown.body.usedCredits).toBe(100);
  });
});
