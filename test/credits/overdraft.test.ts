import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, grant, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

async function ledgerSum(app: TestApp, apiKey: string): Promise<number> {
  let sum = 0;
  let cursor: string | null = null;
  do {
    const page: any = await app.api("GET", `/v1/ledger?limit=200${cursor ? `&cursor=${cursor}` : ""}`, {
      token: apiKey,
    });
    for (const e of page.body.data) sum += Math.round(e.credits * 1000);
    cursor = page.body.nextCursor;
  } while (cursor);
  return sum / 1000;
}

for (const engine of ENGINES) {
  describe(`no overdraft through HTTP on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });

    it("200 concurrent 1-credit debits against 100 credits: exactly 100 succeed, the balance is 0", async () => {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      const results = await Promise.all(
        Array.from({ length: 200 }, () =>
          app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: -1, reason: "debit" }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201).length).toBe(100);
      expect(statuses.filter((s) => s === 402).length).toBe(100);
      const refused = results.find((r) => r.status === 402)!;
      expect(refused.body).toMatchObject({
        code: "INSUFFICIENT_CREDITS",
        neededCredits: 1,
        availableCredits: 0,
        detail: "This adjustment needs 1 credit; the balance has 0 credits.",
      });
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      const balance = await app.api("GET", "/v1/balance", { token: c.apiKey });
      expect(balance.body).toEqual({ credits: 0, reservedCredits: 0 });
      expect(await ledgerSum(app, c.apiKey)).toBe(0);
    });
  });
}

describe("no overdraft with two service processes sharing one PostgreSQL database", () => {
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

  it("200 concurrent debits split across two processes: exactly 100 succeed", async () => {
    const c = await newCustomer(app);
    await grant(app, c.accountId, 100);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(others[i % 2]!.url, "POST", `/v1/admin/accounts/${c.accountId}/grants`, {
          token: ADMIN_TOKEN,
          body: { credits: -1, reason: `debit ${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201).length).toBe(100);
    expect(results.filter((r) => r.status === 402).length).toBe(100);
    const balance = await app.api("GET", "/v1/balance", { token: c.apiKey });
    expect(balance.body).toEqual({ credits: 0, reservedCredits: 0 });
    expect(await ledgerSum(app, c.apiKey)).toBe(0);
  });
});
