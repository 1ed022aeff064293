import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp } from "../support/app.js";

describe("ledger ids and cursors through the API", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
  });
  afterAll(async () => {
    await app.close();
  });

  it("entries, grants, cursors and the CSV export carry opaque ids a customer cannot count volume from", async () => {
    const c = await newCustomer(app);
    const granted: string[] = [];
    for (const credits of [5, 3, 2]) {
      const r = await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits, reason: "test" });
      expect(r.status).toBe(201);
      granted.push(r.body.id);
    }
    for (const id of granted) expect(id).toMatch(/^led_[0-9a-z]{26}$/);
    const page1 = await app.api("GET", "/v1/ledger?limit=2", { token: c.apiKey });
    expect(page1.body.data.map((e: { id: string }) => e.id)).toEqual([granted[2], granted[1]]);
    expect(page1.body.nextCursor).toBe(granted[1]);
    const page2 = await app.api("GET", `/v1/ledger?limit=2&cursor=${page1.body.nextCursor}`, { token: c.apiKey });
    expect(page2.body).toMatchObject({ data: [{ id: granted[0], credits: 5 }], nextCursor: null });
    const csv = await app.api("GET", "/v1/ledger/export", { token: c.apiKey });
    expect(
      String(csv.body)
        .trim()
        .split("\r\n")
        .slice(1)
        .map((line) => line.split(",")[0]),
    ).toEqual([...granted].reverse());
    // Someone else's entry id is not a cursor into this ledger.
    const other = await newCustomer(app);
    const theirs = await app.admin("POST", `/v1/admin/accounts/${other.accountId}/grants`, { credits: 1, reason: "x" });
    const refused = await app.api("GET", `/v1/ledger?cursor=${theirs.body.id}`, { token: c.apiKey });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("VALIDATION_FAILED");
  });
});
