import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer, WEBHOOK_SECRET } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { type FakeStripe, signedEvent, startFakeStripe, type TestCard } from "../support/fake-stripe.js";

for (const engine of ENGINES) {
  describe(`auto top-up from a saved card on ${engine}`, () => {
    let stripe: FakeStripe;
    let app: TestApp;

    beforeAll(async () => {
      stripe = await startFakeStripe();
      app = await startTestApp(engine, {
        STRIPE_SECRET_KEY: "sk_test_123",
        STRIPE_API_BASE: stripe.url,
        AUTO_TOPUP_RETRY_SECONDS: "0",
      });
    });
    afterAll(async () => {
      await app.close();
      await stripe.close();
    });

    const owner = (c: TestCustomer) => ({ token: c.licenseKey });

    async function deliver(type: string, object: Record<string, unknown>, id?: string) {
      const event = signedEvent(type, object, { secret: WEBHOOK_SECRET, id });
      const r = await app.api("POST", "/v1/webhooks/stripe", {
        rawBody: event.body,
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
      });
      expect(r.status).toBe(200);
      return r.body.outcome as string;
    }

    async function saveCard(c: TestCustomer, card: TestCard) {
      const r = await app.api("POST", "/v1/auto-topup/setup", owner(c));
      expect(r.status).toBe(200);
      const sessionId = r.body.url.split("/").at(-1);
      const session = stripe.sessions.get(sessionId)!;
      expect(session).toMatchObject({ mode: "setup", currency: "usd", client_reference_id: c.accountId });
      expect(stripe.customers.get(session.customer)!.metadata).toEqual({ accountId: c.accountId });
      expect(await deliver("checkout.session.completed", stripe.completeSetup(sessionId, card))).toBe("card_saved");
    }

    async function setRule(c: TestCustomer, rule: object) {
      const r = await app.api("PUT", "/v1/auto-topup", { ...owner(c), body: rule });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    }

    const rule = (c: TestCustomer) => app.api("GET", "/v1/auto-topup", owner(c)).then((r) => r.body);
    const grant = (c: TestCustomer, credits: number) =>
      app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits, reason: "test" });
    const spend = (c: TestCustomer, credits: number) => grant(c, -credits);
    const balance = async (c: TestCustomer) => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits;
    const intentsOf = (c: TestCustomer) =>
      [...stripe.paymentIntents.values()].filter((pi) => pi.metadata.accountId === c.accountId);
    const events = (c: TestCustomer, type: string) =>
      app.running.ctx.db.sql.all<{ data: string }>(
        "SELECT data FROM events WHERE account_id = ? AND type = ? ORDER BY created_at, id",
        [c.accountId, type],
      );
    /** Waits until the account's attempts have all settled (none in flight), then returns the rule's view. */
    const settled = (c: TestCustomer, attempts: number) =>
      eventually(async () => {
        const view = await rule(c);
        const all = view.thisMonth.attempts;
        return all.length === attempts && all.every((a: any) => a.status !== "pending") && view;
      }, `${attempts} settled attempts`);

    it("100 concurrent spends crossing the threshold start one PaymentIntent, credited once whatever the webhooks", async () => {
      const c = await newCustomer(app);
      await grant(c, 1000);
      await saveCard(c, "visa");
      const view = await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-2750", maxPerMonth: 5 });
      expect(view).toMatchObject({
        enabled: true,
        thresholdCredits: 500,
        packId: "credits-2750",
        amountCents: 2500,
        credits: 2750,
        card: { brand: "visa", last4: "4242" },
      });

      const results = await Promise.all(Array.from({ length: 100 }, () => spend(c, 6)));
      expect(results.every((r) => r.status === 201)).toBe(true);
      const pi = await eventually(async () => intentsOf(c)[0], "the PaymentIntent");
      expect(pi).toMatchObject({ amount: 2500, currency: "usd", status: "succeeded" });
      const sent = stripe.requests.find((r) => r.path === "/v1/payment_intents")!;
      expect(sent.form.get("off_session")).toBe("true");
      expect(sent.form.get("confirm")).toBe("true");
      expect(sent.form.get("customer")).toBe(pi.customer);
      expect(sent.headers["idempotency-key"]).toBe(`auto-topup:${c.accountId}:${pi.metadata.autoTopupClaim}`);
      // Still in flight until Stripe's event: more spending starts nothing more, and nothing is credited yet.
      await spend(c, 10);
      expect(await balance(c)).toBe(390);
      expect((await rule(c)).thisMonth.attempts.map((a: any) => a.status)).toEqual(["pending"]);

      // The event twice under one id, twice more under new ids, all at once.
      const outcomes = await Promise.all([
        deliver("payment_intent.succeeded", pi, "evt_same"),
        deliver("payment_intent.succeeded", pi, "evt_same"),
        deliver("payment_intent.succeeded", pi),
        deliver("payment_intent.succeeded", pi),
      ]);
      expect(outcomes.filter((o) => o === "fulfilled")).toHaveLength(1);
      expect(await balance(c)).toBe(390 + 2750);
      const after = await settled(c, 1);
      expect(after.thisMonth).toMatchObject({ count: 1, amountCents: 2500 });
      expect(intentsOf(c)).toHaveLength(1);
      const ledger = (await app.api("GET", "/v1/ledger?type=purchase", { token: c.apiKey })).body.data;
      expect(ledger.map((e: any) => [e.credits, e.reference, e.reason])).toEqual([[2500, pi.id, "Auto top-up"]]);
      expect(await events(c, "auto_topup.succeeded")).toHaveLength(1);
      const completed = (await events(c, "purchase.completed")).map((e) => JSON.parse(e.data));
      expect(completed).toEqual([
        expect.objectContaining({ purchaseId: pi.id, source: "auto_topup", credits: 2750, amountCents: 2500 }),
      ]);

      // A refund claws back what it paid for, once.
      const charge = { id: pi.latest_charge, object: "charge", amount: 2500, payment_intent: pi.id };
      await deliver("charge.refunded", { ...charge, amount_refunded: 2500, refunded: true });
      await deliver("charge.refunded", { ...charge, amount_refunded: 2500, refunded: true });
      expect(await balance(c)).toBe(390);
      const refunded = (await events(c, "purchase.refunded")).map((e) => JSON.parse(e.data));
      expect(refunded).toEqual([
        expect.objectContaining({
          purchaseId: pi.id,
          source: "auto_topup",
          refundedCents: 2500,
          creditsRefunded: 2750,
        }),
      ]);
    });

    it("a charge whose answer was lost is asked again under the same key: one PaymentIntent", async () => {
      const c = await newCustomer(app);
      await grant(c, 600);
      await saveCard(c, "visa");
      await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      const before = stripe.requests.length;
      stripe.dropNext(1);
      await spend(c, 200);
      await eventually(async () => {
        const sent = stripe.requests.slice(before).filter((r) => r.path === "/v1/payment_intents");
        return sent.length >= 2 && sent;
      }, "the retried request");
      const sent = stripe.requests.slice(before).filter((r) => r.path === "/v1/payment_intents");
      expect(new Set(sent.map((r) => r.headers["idempotency-key"])).size).toBe(1);
      await eventually(async () => (await rule(c)).thisMonth.attempts.length === 1, "the attempt");
      expect(intentsOf(c)).toHaveLength(1);
      expect(await deliver("payment_intent.succeeded", intentsOf(c)[0]!)).toBe("fulfilled");
      expect(await balance(c)).toBe(1400);
    });

    it("a Checkout purchase writes purchase.completed with its credit and purchase.refunded with its claw-back, once", async () => {
      const c = await newCustomer(app);
      const r = await app.api("POST", "/v1/checkout", { token: c.apiKey, body: { packId: "credits-2750" } });
      const session: Record<string, any> = {
        ...stripe.sessions.get(r.body.sessionId)!,
        status: "complete",
        payment_status: "paid",
        payment_intent: `pi_${r.body.sessionId.slice(-12)}`,
      };
      await Promise.all([
        deliver("checkout.session.completed", session),
        deliver("checkout.session.completed", session),
        deliver("checkout.session.async_payment_succeeded", session),
      ]);
      const completed = (await events(c, "purchase.completed")).map((e) => JSON.parse(e.data));
      expect(completed).toEqual([
        {
          purchaseId: session.id,
          source: "checkout",
          credits: 2750,
          bonusCredits: 250,
          amountCents: 2500,
          currency: "usd",
          packId: "credits-2750",
          balance: 2750,
        },
      ]);
      const charge = { id: "ch_x", object: "charge", amount: 2500, payment_intent: session.payment_intent };
      await deliver("charge.refunded", { ...charge, amount_refunded: 1250 });
      await deliver("charge.refunded", { ...charge, amount_refunded: 1250 });
      const refunded = (await events(c, "purchase.refunded")).map((e) => JSON.parse(e.data));
      expect(refunded).toEqual([
        { purchaseId: session.id, source: "checkout", refundedCents: 1250, amountCents: 2500, creditsRefunded: 1375 },
      ]);
      expect(await balance(c)).toBe(1375);
    });

    it("a purchase can save its card (setup_future_usage), the owner only", async () => {
      const c = await newCustomer(app);
      const refused = await app.api("POST", "/v1/checkout", {
        token: c.apiKey,
        body: { packId: "credits-1000", saveCard: true },
      });
      expect(refused.status).toBe(403);
      const r = await app.api("POST", "/v1/checkout", {
        ...owner(c),
        body: { packId: "credits-1000", saveCard: true },
      });
      expect(r.status).toBe(200);
      const sent = stripe.requests.filter((q) => q.path === "/v1/checkout/sessions").at(-1)!;
      expect(sent.form.get("payment_intent_data[setup_future_usage]")).toBe("off_session");
      expect(stripe.customers.get(sent.form.get("customer")!)!.metadata).toEqual({ accountId: c.accountId });
      const paid = stripe.payWithCard(r.body.sessionId, "visa");
      expect(await deliver("checkout.session.completed", paid)).toBe("fulfilled");
      expect(await balance(c)).toBe(1000);
      const view = await rule(c);
      expect(view.card).toMatchObject({ brand: "visa", last4: "4242" });
      // The same card now pays auto top-ups.
      await setRule(c, { enabled: true, thresholdCredits: 900, packId: "credits-1000", maxPerMonth: 1 });
      await spend(c, 200);
      const pi = await eventually(async () => intentsOf(c).find((p) => p.metadata.autoTopupClaim), "the top-up");
      expect(pi.payment_method).toBe(stripe.paymentIntents.get(paid.payment_intent)!.payment_method);
      // A purchase that did not ask keeps no card.
      const d = await newCustomer(app);
      const plain = await app.api("POST", "/v1/checkout", { ...owner(d), body: { packId: "credits-1000" } });
      await deliver("checkout.session.completed", stripe.payWithCard(plain.body.sessionId, "visa"));
      expect((await rule(d)).card).toBeNull();
    });

    it("an attempt with no news from Stripe is reconciled: the payment read from Stripe credits once", async () => {
      const c = await newCustomer(app);
      await grant(c, 600);
      await saveCard(c, "visa");
      await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      await spend(c, 200);
      const pi = await eventually(async () => intentsOf(c)[0], "the PaymentIntent");
      await eventually(
        async () =>
          (await app.running.ctx.db.sql.get(
            `SELECT 1 AS done FROM auto_topup_claims c JOIN jobs j ON j.subject_id = c.id
             WHERE c.account_id = ? AND c.payment_intent = ? AND j.status = 'done'`,
            [c.accountId, pi.id],
          )) !== undefined,
        "the recorded PaymentIntent and the job done",
      );
      // Stripe's event never comes. Ten minutes on, the reconciler asks Stripe.
      const reconciler = app.running.ctx.autoTopups.charger;
      expect(await reconciler.reconcile(Date.now())).toBe(0);
      await reconciler.reconcile(Date.now() + 11 * 60_000);
      await settled(c, 1);
      expect(await balance(c)).toBe(1400);
      expect(await deliver("payment_intent.succeeded", pi)).toBe("already_fulfilled");
      expect(await balance(c)).toBe(1400);
      expect(intentsOf(c)).toHaveLength(1);

      // An attempt whose job was deleted (the account's data deletion removes queued jobs) is charged after all.
      await spend(c, 950);
      await eventually(async () => intentsOf(c).length === 2 && true, "the second PaymentIntent");
      const d = await newCustomer(app);
      await grant(d, 600);
      await saveCard(d, "visa");
      await setRule(d, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      await app.running.ctx.db.sql.run(
        `INSERT INTO auto_topup_claims (id, account_id, status, month, pack_id, amount_cents, base_mc, bonus_mc, created_at)
         VALUES ('atu_orphan', ?, 'pending', ?, 'credits-1000', 1000, 1000000, 0, ?)`,
        [d.accountId, new Date().toISOString().slice(0, 7), Date.now()],
      );
      expect(await reconciler.reconcile(Date.now() + 11 * 60_000)).toBeGreaterThanOrEqual(1);
      const orphan = await eventually(async () => intentsOf(d)[0], "the orphan's PaymentIntent");
      expect(orphan.metadata.autoTopupClaim).toBe("atu_orphan");
    });

    it("a refund that arrives before the payment's success is applied when it is credited", async () => {
      const c = await newCustomer(app);
      await grant(c, 600);
      await saveCard(c, "visa");
      await setRule(c, { enabled: true, thresholdCredits: 500, amountCents: 1500, maxPerMonth: 5 });
      await spend(c, 200);
      const pi = await eventually(async () => intentsOf(c)[0], "the PaymentIntent");
      expect(pi.amount).toBe(1500);
      const charge = { id: pi.latest_charge, object: "charge", amount: 1500, payment_intent: pi.id };
      expect(await deliver("charge.refunded", { ...charge, amount_refunded: 1500, refunded: true })).toBe(
        "refund_deferred",
      );
      expect(await deliver("payment_intent.succeeded", pi)).toBe("fulfilled");
      expect(await balance(c)).toBe(400);
    });

    it("a declined card credits nothing, and the third failure in a row turns the rule off", async () => {
      const c = await newCustomer(app);
      await grant(c, 1000);
      await saveCard(c, "declined");
      await setRule(c, { enabled: true, thresholdCredits: 990, packId: "credits-1000", maxPerMonth: 10 });
      for (let attempt = 1; attempt <= 3; attempt++) {
        await spend(c, 50);
        const view = await settled(c, attempt);
        expect(view.consecutiveFailures).toBe(attempt);
        expect(view.lastFailure).toMatchObject({ code: "generic_decline", message: "Your card was declined." });
        expect(view.enabled).toBe(attempt < 3);
      }
      const view = await rule(c);
      expect(view.turnedOffAt).not.toBeNull();
      expect(view.thisMonth).toMatchObject({ count: 0, amountCents: 0 });
      // Stripe reports a failure again (a replayed event): it counts once.
      const declined = intentsOf(c)[0]!;
      expect(declined.status).toBe("requires_payment_method");
      await deliver("payment_intent.payment_failed", declined);
      expect((await rule(c)).consecutiveFailures).toBe(3);
      await spend(c, 50);
      await spend(c, 50);
      expect(intentsOf(c)).toHaveLength(3);
      expect(await balance(c)).toBe(750);
      const failed = (await events(c, "auto_topup.failed")).map((e) => JSON.parse(e.data));
      expect(failed.map((f) => [f.consecutiveFailures, f.ruleTurnedOff])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      // Turning it back on needs it done on purpose, and starts the count afresh.
      expect((await setRule(c, { ...ruleOf(view), enabled: true })).consecutiveFailures).toBe(0);
    });

    it("a card that needs the customer's approval fails the attempt in the customer's words", async () => {
      const c = await newCustomer(app);
      await grant(c, 600);
      await saveCard(c, "authRequired");
      await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 3 });
      await spend(c, 200);
      const view = await settled(c, 1);
      expect(view.lastFailure.code).toBe("authentication_required");
      expect(view.lastFailure.message).toMatch(/approve this payment yourself/);
      expect(intentsOf(c)[0]!.status).toBe("requires_action");
      expect(await balance(c)).toBe(400);
    });

    for (const cap of ["maxPerMonth", "maxCentsPerMonth"] as const) {
      it(`the monthly cap (${cap}) is never exceeded`, async () => {
        const c = await newCustomer(app);
        await grant(c, 600);
        await saveCard(c, "visa");
        const limits = cap === "maxPerMonth" ? { maxPerMonth: 2 } : { maxPerMonth: 100, maxCentsPerMonth: 2500 };
        await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", ...limits });
        for (let i = 1; i <= 4; i++) {
          // Spend below the threshold; each allowed top-up brings the balance back above it.
          const now = await balance(c);
          await Promise.all(Array.from({ length: 10 }, () => spend(c, Math.max(now - 450, 10) / 10)));
          if (i <= 2) {
            const pi = await eventually(async () => intentsOf(c)[i - 1], `top-up ${i}`);
            await deliver("payment_intent.succeeded", pi);
            await settled(c, i);
          }
        }
        const view = await rule(c);
        expect(view.thisMonth).toMatchObject({ count: 2, amountCents: 2000 });
        expect(intentsOf(c)).toHaveLength(2);
        expect(await balance(c)).toBe(440);
      });
    }

    it("a hold later released never buys a pack", async () => {
      const c = await newCustomer(app);
      await grant(c, 1000);
      await saveCard(c, "visa");
      await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      const ledger = app.running.ctx.ledger;
      const hold = await ledger.reserve({
        accountId: c.accountId,
        amountMc: 800_000,
        cause: { operation: "test" },
        ttlMs: 60_000,
        owner: "test",
      });
      expect(hold.ok).toBe(true);
      // Available is 100 now, but the held 800 are not spent: a spend while the hold is open buys nothing.
      await spend(c, 50);
      if (hold.ok) await ledger.release({ accountId: c.accountId, holdId: hold.hold.id, reason: "test" });
      await spend(c, 50);
      expect(await balance(c)).toBe(900);
      // A capture that does spend below the threshold does buy.
      const second = await ledger.reserve({
        accountId: c.accountId,
        amountMc: 500_000,
        cause: { operation: "test" },
        ttlMs: 60_000,
        owner: "test",
      });
      if (!second.ok) throw new Error("reserve refused");
      await ledger.capture({ accountId: c.accountId, holdId: second.hold.id, amountMc: 450_000, cause: {} });
      await eventually(async () => intentsOf(c)[0], "the PaymentIntent");
      expect(intentsOf(c)).toHaveLength(1);
    });

    it("is the owner's alone: a site key gets 403, another account sees only its own", async () => {
      const a = await newCustomer(app);
      const b = await newCustomer(app);
      for (const [method, path] of [
        ["GET", "/v1/auto-topup"],
        ["PUT", "/v1/auto-topup"],
        ["POST", "/v1/auto-topup/setup"],
      ] as const) {
        const body =
          method === "PUT"
            ? { enabled: false, thresholdCredits: 1, packId: "credits-1000", maxPerMonth: 1 }
            : undefined;
        const r = await app.api(method, path, { token: a.apiKey, body });
        expect(r.status).toBe(403);
        expect(r.body.code).toBe("FORBIDDEN");
      }
      await grant(a, 600);
      await saveCard(a, "visa");
      await setRule(a, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      await spend(a, 200);
      const pi = await eventually(async () => intentsOf(a)[0], "the PaymentIntent");
      const seenByOperator = await app.admin("GET", `/v1/admin/accounts/${a.accountId}/auto-topup`);
      expect(seenByOperator.body).toMatchObject({ enabled: true, card: { last4: "4242" }, thisMonth: { count: 1 } });
      expect((await app.api("GET", `/v1/admin/accounts/${a.accountId}/auto-topup`, owner(a))).status).toBe(401);
      const other = await rule(b);
      expect(other).toMatchObject({ enabled: false, card: null, thisMonth: { count: 0, attempts: [] } });
      // An event that names another account with this attempt credits nobody.
      expect(
        await deliver("payment_intent.succeeded", { ...pi, metadata: { ...pi.metadata, accountId: b.accountId } }),
      ).toBe("rejected");
      expect(await balance(b)).toBe(0);
      expect(await balance(a)).toBe(400);
    });

    it("removing the saved card detaches it at Stripe and turns auto top-up off", async () => {
      const c = await newCustomer(app);
      await grant(c, 1000);
      await saveCard(c, "visa");
      await setRule(c, { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 });
      const pm = (await app.running.ctx.db.sql.get<{ payment_method: string }>(
        "SELECT payment_method FROM stripe_customers WHERE account_id = ?",
        [c.accountId],
      ))!.payment_method;
      expect((await app.api("DELETE", "/v1/auto-topup/card", { token: c.apiKey })).status).toBe(403);
      const removed = await app.api("DELETE", "/v1/auto-topup/card", owner(c));
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ enabled: false, card: null });
      expect(stripe.paymentMethods.get(pm)!.customer).toBeNull();
      await spend(c, 600);
      expect(intentsOf(c)).toHaveLength(0);
      const again = await app.api("PUT", "/v1/auto-topup", {
        ...owner(c),
        body: { enabled: true, thresholdCredits: 500, packId: "credits-1000", maxPerMonth: 5 },
      });
      expect(again.status).toBe(409);
    });

    it("refuses rules that could not work, in the customer's words", async () => {
      const c = await newCustomer(app);
      const put = (body: object) => app.api("PUT", "/v1/auto-topup", { ...owner(c), body });
      const noCard = await put({ enabled: true, thresholdCredits: 100, packId: "credits-1000", maxPerMonth: 2 });
      expect(noCard.status).toBe(409);
      expect(noCard.body.detail).toBe("Save a card before turning on auto top-up.");
      const both = await put({
        enabled: false,
        thresholdCredits: 1,
        packId: "credits-1000",
        amountCents: 500,
        maxPerMonth: 1,
      });
      expect(both.status).toBe(400);
      expect(both.body.detail).toBe("Choose a pack or an amount, not both.");
      const cheapCap = await put({
        enabled: false,
        thresholdCredits: 1,
        packId: "credits-2750",
        maxPerMonth: 1,
        maxCentsPerMonth: 2000,
      });
      expect(cheapCap.status).toBe(400);
      expect(cheapCap.body.detail).toMatch(/less than one top-up \(\$25\.00\)/);
      const small = await put({ enabled: false, thresholdCredits: 1, amountCents: 50, maxPerMonth: 1 });
      expect(small.status).toBe(400);
      expect(small.body.detail).toBe("The amount must be between $1.00 and $10000.00.");
    });
  });
}

function ruleOf(view: any) {
  return {
    enabled: view.enabled,
    thresholdCredits: view.thresholdCredits,
    ...(view.packId ? { packId: view.packId } : { amountCents: view.amountCents }),
    maxPerMonth: view.maxPerMonth,
    maxCentsPerMonth: view.maxCentsPerMonth,
  };
}
