import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, request } from "../support/app.js";
import { type AutoTopupSetup, saveCard, setRule, startAutoTopupApp } from "../support/auto-topup.js";
import { eventually } from "../support/eventually.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

/** PostgreSQL with three processes spending from one account: still one PaymentIntent per crossing. */
describe("auto top-up with several processes on postgres", () => {
  let setup: AutoTopupSetup;
  let others: ServiceProcess[] = [];

  beforeAll(async () => {
    setup = await startAutoTopupApp("postgres");
  });
  afterAll(async () => {
    await Promise.all(others.map((p) => p.stop()));
    await setup.close();
  });

  it("150 concurrent spends across three processes crossing the threshold start exactly one PaymentIntent", async () => {
    const { app, stripe } = setup;
    const c = await newCustomer(app);
    await app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 1000, reason: "test" });
    await saveCard(setup, c, "visa");
    const put = await setRule(app, c, {
      enabled: true,
      thresholdCredits: 500,
      packId: "credits-1000",
      maxPerMonth: 10,
    });
    expect(put.body.card).toMatchObject({ last4: "4242" });
    // Started after the rule was saved: they read it at start-up.
    others = await Promise.all([spawnService(app.env), spawnService(app.env)]);
    const urls = [app.url, ...others.map((p) => p.url)];
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        request(urls[i % 3]!, "POST", `/v1/admin/accounts/${c.accountId}/grants`, {
          token: app.env.ADMIN_TOKEN,
          body: { credits: -4, reason: "spend" },
        }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const mine = () => [...stripe.paymentIntents.values()].filter((pi) => pi.metadata.accountId === c.accountId);
    await eventually(() => mine().length > 0, { what: "the PaymentIntent", timeoutMs: 10_000 });
    // Whichever process's worker ran it, there is one attempt, in flight until Stripe's event.
    const claims = await app.running.ctx.db.sql.all<{ status: string }>(
      "SELECT status FROM auto_topup_claims WHERE account_id = ?",
      [c.accountId],
    );
    expect(claims).toEqual([{ status: "pending" }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(mine()).toHaveLength(1);
    expect(stripe.requests.filter((r) => r.path === "/v1/payment_intents")).toHaveLength(1);
  });
});
