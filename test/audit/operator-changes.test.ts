import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, request, type TestApp, type TestCustomer } from "../support/app.js";
import { type AutoTopupSetup, intentsOf, saveCard, setRule, startAutoTopupApp } from "../support/auto-topup.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";

/** One knowledge-base search by keyword: 1 credit, spent by whoever's token it carries. */
async function search(app: TestApp, token: string, kbId: string) {
  return request(app.url, "POST", `/v1/knowledge-bases/${kbId}/query`, {
    token,
    body: { query: "anything at all", mode: "keyword" },
  });
}

for (const engine of ENGINES) {
  describe(`the operator changes an account's own rules, recorded for the customer (${engine})`, () => {
    let setup: AutoTopupSetup;
    let app: TestApp;
    beforeAll(async () => {
      setup = await startAutoTopupApp(engine, { env: { AUTO_TOPUP_RETRY_SECONDS: "0" } });
      app = setup.app;
    });
    afterAll(async () => {
      await setup?.close();
    });

    const owner = (c: TestCustomer) => ({ token: c.licenseKey });
    const base = (c: TestCustomer) => `/v1/admin/accounts/${c.accountId}`;
    const changesSeenBy = async (c: TestCustomer) => {
      const r = await app.api("GET", "/v1/operator-changes", owner(c));
      expect(r.status).toBe(200);
      return r.body.data;
    };

    it("a raised spend limit lets the site spend again at once; the customer reads what changed and why", async () => {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 50);
      const kb = await app.api("POST", "/v1/knowledge-bases", { ...owner(c), body: { name: "Docs" } });
      const limit = await app.api("POST", "/v1/spend-limits", {
        ...owner(c),
        body: { siteId: c.siteId, credits: 1, period: "month" },
      });
      expect((await search(app, c.apiKey, kb.body.id)).status).toBe(200);
      expect((await search(app, c.apiKey, kb.body.id)).body.code).toBe("SPEND_LIMIT_REACHED");

      const raised = await app.admin("PATCH", `${base(c)}/spend-limits/${limit.body.id}`, {
        credits: 3,
        reason: "Ticket 4411: the customer asked for more this month",
      });
      expect(raised.status, JSON.stringify(raised.body)).toBe(200);
      // What the period used is kept: 2 more searches fit, the third does not.
      expect(raised.body).toMatchObject({ id: limit.body.id, credits: 3, usedCredits: 1, period: "month" });
      expect((await search(app, c.apiKey, kb.body.id)).status).toBe(200);
      expect((await search(app, c.apiKey, kb.body.id)).status).toBe(200);
      expect((await search(app, c.apiKey, kb.body.id)).body.code).toBe("SPEND_LIMIT_REACHED");

      const site = (await app.api("GET", "/v1/sites", owner(c))).body.data[0].url.replace("https://", "");
      const seen = await changesSeenBy(c);
      expect(seen).toEqual([
        {
          id: expect.stringMatching(/^chg_/),
          rule: "spend_limit",
          subjectId: limit.body.id,
          summary: `Spend limit of site ${site} raised from 1 to 3 credits a month.`,
          reason: "Ticket 4411: the customer asked for more this month",
          createdAt: expect.any(String),
        },
      ]);
      expect((await app.admin("GET", `${base(c)}/operator-changes`)).body.data).toEqual(seen);
      // The operator's list says what each limit caps in the customer's words.
      const listed = (await app.admin("GET", `${base(c)}/spend-limits`)).body.data;
      expect(listed).toEqual([expect.objectContaining({ id: limit.body.id, appliesTo: `site ${site}`, credits: 3 })]);
      // Only the owner reads them: a site's key is refused.
      expect((await app.api("GET", "/v1/operator-changes", { token: c.apiKey })).status).toBe(403);
    });

    it("refuses a change without a reason or with a bad amount, naming the field, and records nothing", async () => {
      const c = await newCustomer(app);
      const other = await newCustomer(app);
      const limit = await app.api("POST", "/v1/spend-limits", {
        ...owner(c),
        body: { credits: 10, period: "day" },
      });
      const path = `${base(c)}/spend-limits/${limit.body.id}`;
      for (const [body, field] of [
        [{ credits: 20 }, "body.reason"],
        [{ credits: 20, reason: "   " }, "body.reason"],
        [{ credits: -1, reason: "ticket" }, "body.credits"],
        [{ credits: 1.0001, reason: "ticket" }, "body.credits"],
      ] as const) {
        const r = await app.admin("PATCH", path, body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.headers.get("content-type")).toContain("application/problem+json");
        expect(r.body.code).toBe("VALIDATION_FAILED");
        expect(r.body.errors[0].field).toBe(field);
      }
      // The period is the customer's to choose: the operator changes only the amount.
      const period = await app.admin("PATCH", path, { credits: 20, reason: "ticket", period: "week" });
      expect(period.status).toBe(400);
      expect(period.body.detail).toContain("period");
      // Another account's limit is not found, exactly like one that does not exist.
      const foreign = await app.admin("PATCH", `${base(other)}/spend-limits/${limit.body.id}`, {
        credits: 20,
        reason: "ticket",
      });
      expect(foreign.status).toBe(404);
      expect((await app.admin("PATCH", `${base(c)}/spend-limits/lim_nope`, { credits: 1, reason: "x" })).status).toBe(
        404,
      );
      const customer = (await app.api("PATCH", path, { ...owner(c), body: { credits: 20, reason: "x" } })).status;
      expect(customer).toBe(401);
      expect((await app.api("GET", `/v1/spend-limits/${limit.body.id}`, owner(c))).body.credits).toBe(10);
      expect(await changesSeenBy(c)).toEqual([]);
      expect(await changesSeenBy(other)).toEqual([]);
    });

    it("turns a failing auto top-up off: no top-up starts, the customer reads why and can turn it back on", async () => {
      const [c, control] = [await newCustomer(app), await newCustomer(app)];
      for (const x of [c, control]) {
        await grant(app, x.accountId, 600);
        await saveCard(setup, x, "visa");
        expect(
          (await setRule(app, x, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 }))
            .status,
        ).toBe(200);
      }
      const off = await app.admin("POST", `${base(c)}/auto-topup/turn-off`, { reason: "Card declined 3 times" });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body).toMatchObject({ enabled: false, thresholdCredits: 500 });
      // Both fall below the threshold; once the control's top-up has started, the other has none.
      for (const x of [c, control]) await grant(app, x.accountId, -200);
      await eventually(async () => intentsOf(setup.stripe, control.accountId).length === 1, "the control's top-up");
      expect(intentsOf(setup.stripe, c.accountId)).toEqual([]);

      expect(await changesSeenBy(c)).toEqual([
        expect.objectContaining({
          rule: "auto_topup",
          subjectId: null,
          summary: "Auto top-up turned off. Only you can turn it back on.",
          reason: "Card declined 3 times",
        }),
      ]);
      // Already off: nothing changes and nothing more is recorded.
      expect((await app.admin("POST", `${base(c)}/auto-topup/turn-off`, { reason: "again" })).status).toBe(200);
      expect(await changesSeenBy(c)).toHaveLength(1);
      expect((await app.admin("POST", `${base(c)}/auto-topup/turn-off`, {})).body.errors[0].field).toBe("body.reason");
      // The operator has no way to turn it on; the customer does.
      const back = await setRule(app, c, {
        enabled: true,
        thresholdCredits: 500,
        packId: "credits-1000",
        maxPerMonth: 5,
      });
      expect(back.body.enabled).toBe(true);
    });
  });
}
