import Stripe from "stripe";
import type { Sql } from "../../db/sql.js";
import type { Outbox } from "../../events/outbox.js";
import type { Job, JobQueue } from "../../jobs/queue.js";
import type { JobContext, JobHandler } from "../../jobs/worker.js";
import type { EventOutcome, Fulfilment, StripeEventHandler } from "../fulfilment.js";
import { purchaseEventData } from "../fulfilment.js";
import type { SavedCards } from "./cards.js";
import { type AutoTopupStore, type ClaimRow, MAX_CONSECUTIVE_FAILURES } from "./store.js";
import { AUTO_TOPUP_JOB } from "./watcher.js";

/** What a failed attempt's code means to the customer. */
export function failureMessage(code: string | null): string {
  switch (code) {
    case null:
      return "";
    case "card_declined":
    case "generic_decline":
    case "do_not_honor":
      return "Your card was declined.";
    case "insufficient_funds":
      return "Your card has insufficient funds.";
    case "expired_card":
      return "Your card has expired. Save a new card.";
    case "authentication_required":
      return "Your bank wants you to approve this payment yourself, which cannot happen while you are away. Buy credits once by hand or save another card.";
    case "no_card":
      return "No card is saved. Save a card to use auto top-up.";
    case "provider_unavailable":
      return "The payment provider could not be reached. Auto top-up tries again later.";
    case "amount_mismatch":
      return "The payment did not match the top-up and was not credited. Please contact support.";
    default:
      return "The payment did not go through.";
  }
}

const toPurchase = (c: ClaimRow) => ({
  amountCents: Number(c.amount_cents),
  baseMc: Number(c.base_mc),
  bonusMc: Number(c.bonus_mc),
  packId: c.pack_id ?? undefined,
});

/**
 * Charges the saved card for one attempt (the job queued with its claim) and settles the attempt from what Stripe
 * answers or reports later: `payment_intent.succeeded` credits through the same fulfilment as Checkout (once, keyed
 * by the PaymentIntent); a decline or a request for authentication credits nothing and counts a failure.
 */
export class AutoTopupCharger implements JobHandler, StripeEventHandler {
  constructor(
    private readonly deps: {
      sql: Sql;
      store: AutoTopupStore;
      cards: SavedCards;
      stripe?: Stripe;
      fulfilment: Fulfilment;
      outbox: Outbox;
      jobs: JobQueue;
      onQueued: () => void;
      log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
    },
  ) {}

  async run({ job }: JobContext): Promise<void> {
    const claimId = job.subjectId;
    if (!claimId) return;
    const claim = await this.deps.store.claim(job.accountId, claimId);
    if (claim?.status !== "pending") return;
    const card = await this.deps.store.card(job.accountId);
    if (!this.deps.stripe || !card?.paymentMethod) {
      await this.fail(job.accountId, claimId, "no_card", null);
      return;
    }
    if (claim.payment_intent) {
      // Asked again (the reconciler: no news from Stripe for a while): what became of the payment, from Stripe.
      await this.settle(await this.deps.stripe.paymentIntents.retrieve(claim.payment_intent), true);
      return;
    }
    const credits = Math.round((Number(claim.base_mc) + Number(claim.bonus_mc)) / 1000);
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.deps.stripe.paymentIntents.create(
        {
          amount: Number(claim.amount_cents),
          currency: "usd",
          customer: card.customerId,
          payment_method: card.paymentMethod,
          off_session: true,
          confirm: true,
          description: `Auto top-up: ${credits.toLocaleString("en-US")} credits`,
          metadata: {
            accountId: job.accountId,
            autoTopupClaim: claimId,
            ...(claim.pack_id ? { packId: claim.pack_id } : {}),
          },
        },
        // The same attempt asks the same thing under the same key: a retry after a crash gets the same PaymentIntent.
        { idempotencyKey: `auto-topup:${job.accountId}:${claimId}` },
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const code = error.code === "authentication_required" ? error.code : (error.decline_code ?? error.code);
        await this.fail(job.accountId, claimId, code ?? "card_declined", error.payment_intent?.id ?? null);
        return;
      }
      if (error instanceof Stripe.errors.StripeInvalidRequestError) {
        this.deps.log.warn({ err: error, claimId }, "Stripe refused the auto top-up payment");
        await this.fail(job.accountId, claimId, error.code ?? "invalid_request", null);
        return;
      }
      throw error; // network or Stripe unavailable: the job is tried again (same idempotency key)
    }
    await this.deps.store.recordPaymentIntent(job.accountId, claimId, pi.id);
    // Credits come from `payment_intent.succeeded` only (like Checkout's): the attempt stays in flight until then.
    await this.settle(pi, false);
  }

  /**
   * Attempts in flight for longer than `staleMs` with no job to move them on (the webhook never came, or the account's
   * data deletion removed the job) get a new job: it reads the PaymentIntent from Stripe, or creates it under the same
   * idempotency key. Several processes may do this at once: the key and the ledger's entry make it harmless.
   */
  async reconcile(now = Date.now(), staleMs = 10 * 60_000): Promise<number> {
    const stale = await this.deps.sql.all<{ id: string; account_id: string }>(
      `SELECT c.id, c.account_id FROM auto_topup_claims c WHERE c.status = 'pending' AND c.created_at < ?
         AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.account_id = c.account_id AND j.subject_id = c.id
           AND j.status IN ('queued', 'running'))`,
      [now - staleMs],
    );
    for (const c of stale)
      await this.deps.jobs.enqueue({ kind: AUTO_TOPUP_JOB, accountId: c.account_id, subjectId: c.id });
    if (stale.length) this.deps.onQueued();
    return stale.length;
  }

  /** Tried and failed for passing reasons every time: the attempt fails (a later success still credits). */
  async giveUp(job: Job): Promise<void> {
    if (job.subjectId) await this.fail(job.accountId, job.subjectId, "provider_unavailable", null);
  }

  async handle(event: Stripe.Event): Promise<EventOutcome | undefined> {
    if (event.type === "checkout.session.completed" && event.data.object.mode === "setup")
      return this.deps.cards.saveFromSession(event.data.object);
    // A purchase that also saves its card: saved here, then Checkout's fulfilment credits it as any other.
    if (event.type === "checkout.session.completed" || event.type === "checkout.session.async_payment_succeeded")
      await this.deps.cards.saveFromPayment(event.data.object);
    if (event.type !== "payment_intent.succeeded" && event.type !== "payment_intent.payment_failed") return undefined;
    const pi = event.data.object;
    if (!pi.metadata?.autoTopupClaim) return undefined; // a Checkout payment's own intent: Checkout fulfils it
    return this.settle(pi, true);
  }

  /** Acts on a PaymentIntent's state, whether from the create call or a webhook (any order, any number of times). */
  private async settle(pi: Stripe.PaymentIntent, signedEvent: boolean): Promise<EventOutcome> {
    const accountId = pi.metadata?.accountId;
    const claimId = pi.metadata?.autoTopupClaim;
    if (!accountId || !claimId) return "ignored";
    if (pi.status === "succeeded") return signedEvent ? this.succeeded(pi, accountId, claimId) : "pending";
    if (pi.status === "processing") return "pending";
    if (pi.status === "requires_action" || pi.status === "requires_confirmation")
      return (await this.fail(accountId, claimId, "authentication_required", pi.id)) ? "auto_topup_failed" : "ignored";
    const last = pi.last_payment_error;
    const code =
      last?.code === "authentication_required" ? last.code : (last?.decline_code ?? last?.code ?? "card_declined");
    return (await this.fail(accountId, claimId, code, pi.id)) ? "auto_topup_failed" : "ignored";
  }

  private async succeeded(pi: Stripe.PaymentIntent, accountId: string, claimId: string): Promise<EventOutcome> {
    const claim = await this.deps.store.claim(accountId, claimId);
    if (!claim) {
      this.deps.log.warn({ paymentIntent: pi.id }, "a paid auto top-up names no attempt of ours");
      return "rejected";
    }
    if (pi.amount !== Number(claim.amount_cents) || pi.currency.toLowerCase() !== "usd") {
      this.deps.log.warn({ paymentIntent: pi.id, amount: pi.amount }, "an auto top-up was paid a different amount");
      await this.fail(accountId, claimId, "amount_mismatch", pi.id);
      return "rejected";
    }
    const purchase = toPurchase(claim);
    const card = await this.cardCharged(accountId, pi);
    const now = Date.now();
    return this.deps.fulfilment.creditPayment({
      purchaseId: pi.id,
      accountId,
      purchase,
      paymentIntent: pi.id,
      source: "auto_topup",
      reason: "Auto top-up",
      writes: [
        {
          sql: `UPDATE auto_topup_claims SET status = 'succeeded', payment_intent = ?, failure_code = NULL,
                  settled_at = ? WHERE id = ? AND account_id = ?`,
          params: [pi.id, now, claimId, accountId],
        },
        {
          sql: `UPDATE auto_topup_rules SET consecutive_failures = 0, last_failure_code = NULL, last_failure_at = NULL
                WHERE account_id = ?`,
          params: [accountId],
        },
        // The customer's one email for this purchase (see emailFor): the receipt's facts, the card and the balance.
        this.deps.outbox.writeWithBalance(
          {
            accountId,
            type: "auto_topup.succeeded",
            data: { attemptId: claimId, ...purchaseEventData(pi.id, "auto_topup", purchase), card },
          },
          this.deps.sql.dialect,
        ),
      ],
    });
  }

  /** The saved card the PaymentIntent charged, as the customer knows it (brand, last 4); null when it was replaced. */
  private async cardCharged(accountId: string, pi: Stripe.PaymentIntent) {
    const saved = await this.deps.store.card(accountId);
    const charged = typeof pi.payment_method === "string" ? pi.payment_method : pi.payment_method?.id;
    if (!saved?.last4 || !charged || saved.paymentMethod !== charged) return null;
    return { brand: saved.brand, last4: saved.last4 };
  }

  /**
   * Ends an attempt in flight as failed (once: a replay or a later report finds it settled), counts the failure,
   * turns the rule off at the third in a row, and emits `auto_topup.failed` — in one transaction.
   */
  private async fail(accountId: string, claimId: string, code: string, paymentIntent: string | null) {
    const now = Date.now();
    const outcome = await this.deps.sql.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE auto_topup_claims SET status = 'failed', failure_code = ?, settled_at = ?,
           payment_intent = COALESCE(payment_intent, ?) WHERE id = ? AND account_id = ? AND status = 'pending'`,
        [code, now, paymentIntent, claimId, accountId],
      );
      if (changed === 0) return undefined;
      await tx.run(
        `UPDATE auto_topup_rules SET consecutive_failures = consecutive_failures + 1, last_failure_code = ?,
           last_failure_at = ?,
           enabled = CASE WHEN consecutive_failures + 1 >= ? THEN 0 ELSE enabled END,
           turned_off_at = CASE WHEN consecutive_failures + 1 >= ? AND enabled = 1 THEN ? ELSE turned_off_at END
         WHERE account_id = ?`,
        [code, now, MAX_CONSECUTIVE_FAILURES, MAX_CONSECUTIVE_FAILURES, now, accountId],
      );
      const rule = await tx.get<{ enabled: number; consecutive_failures: number }>(
        "SELECT enabled, consecutive_failures FROM auto_topup_rules WHERE account_id = ?",
        [accountId],
      );
      const claim = await tx.get<ClaimRow>("SELECT * FROM auto_topup_claims WHERE id = ? AND account_id = ?", [
        claimId,
        accountId,
      ]);
      const turnedOff = Number(rule?.enabled ?? 0) === 0;
      await this.deps.outbox.insert(tx, {
        accountId,
        type: "auto_topup.failed",
        data: {
          attemptId: claimId,
          amountCents: Number(claim?.amount_cents ?? 0),
          currency: "usd",
          ...(claim?.pack_id ? { packId: claim.pack_id } : {}),
          code,
          message: failureMessage(code),
          consecutiveFailures: Number(rule?.consecutive_failures ?? 0),
          ruleTurnedOff: turnedOff,
        },
      });
      return { turnedOff };
    });
    if (outcome) this.deps.log.info({ accountId, claimId, code, ...outcome }, "an auto top-up failed");
    return outcome !== undefined;
  }
}
