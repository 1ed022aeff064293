import type Stripe from "stripe";
import { ApiError } from "../../errors.js";
import type { EventOutcome } from "../fulfilment.js";
import type { AutoTopupStore } from "./store.js";

const idOf = (value: string | { id: string } | null | undefined) =>
  !value ? null : typeof value === "string" ? value : value.id;

/**
 * Saving a card for auto top-up: a Stripe Customer per account (created once: the idempotency key is the account), a
 * Checkout Session in `setup` mode for it, and — when Stripe reports the session complete — the card's brand and last
 * four digits for display. Card numbers never reach the service.
 */
export class SavedCards {
  constructor(
    private readonly deps: {
      store: AutoTopupStore;
      stripe?: Stripe;
      log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
    },
  ) {}

  private stripe(): Stripe {
    if (!this.deps.stripe)
      throw new ApiError(
        "PAYMENTS_NOT_CONFIGURED",
        "Saving a card is not available on this service yet. Please contact the service's operator.",
      );
    return this.deps.stripe;
  }

  /** The account's Stripe Customer, created the first time. */
  async customerOf(accountId: string): Promise<string> {
    const known = await this.deps.store.card(accountId);
    if (known) return known.customerId;
    const customer = await this.stripe().customers.create(
      { description: "api-credits account", metadata: { accountId } },
      { idempotencyKey: `customer:${accountId}` },
    );
    return this.deps.store.rememberCustomer(accountId, customer.id);
  }

  /** A Checkout Session in setup mode that saves a card for payments made while the customer is away. */
  async setupSession(accountId: string, back: { success: string; cancel: string }): Promise<{ url: string }> {
    const stripe = this.stripe();
    let session: Stripe.Checkout.Session;
    try {
      const customer = await this.customerOf(accountId);
      session = await stripe.checkout.sessions.create({
        mode: "setup",
        currency: "usd",
        customer,
        client_reference_id: accountId,
        metadata: { accountId, purpose: "auto_topup" },
        setup_intent_data: { metadata: { accountId, purpose: "auto_topup" } },
        success_url: back.success,
        cancel_url: back.cancel,
      });
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.deps.log.warn({ err: error }, "Stripe refused to start saving a card");
      throw new ApiError("PROVIDER_ERROR", "The payment provider could not start saving a card. Please try again.");
    }
    if (!session.url) throw new ApiError("PROVIDER_ERROR", "The payment provider did not return a page to open.");
    return { url: session.url };
  }

  /** Removes the saved card: detached from the Stripe Customer (it can never be charged again), then forgotten. */
  async removeCard(accountId: string): Promise<void> {
    const card = await this.deps.store.card(accountId);
    if (!card?.paymentMethod) return;
    try {
      await this.stripe().paymentMethods.detach(card.paymentMethod);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // Already detached (or deleted at Stripe): nothing left to charge.
      if (
        (error as { code?: string }).code !== "resource_missing" &&
        (error as { statusCode?: number }).statusCode !== 400
      ) {
        this.deps.log.warn({ err: error }, "Stripe refused to remove a saved card");
        throw new ApiError("PROVIDER_ERROR", "The payment provider could not remove the card. Please try again.");
      }
    }
    await this.deps.store.forgetCard(accountId);
  }

  /**
   * A paid Checkout Session that asked to save its card (`setup_future_usage: off_session`): the PaymentIntent's
   * card becomes the saved card. Undefined when the session did not ask; failures are logged, never thrown (the
   * purchase is credited whatever happens here).
   */
  async saveFromPayment(session: Stripe.Checkout.Session): Promise<void> {
    if (session.mode !== "payment" || session.metadata?.saveCard !== "true" || session.payment_status !== "paid")
      return;
    try {
      const customerId = idOf(session.customer);
      const piId = idOf(session.payment_intent);
      const accountId = customerId ? await this.deps.store.accountOfCustomer(customerId) : undefined;
      if (!accountId || !piId || session.client_reference_id !== accountId) return;
      const stripe = this.stripe();
      const pi = await stripe.paymentIntents.retrieve(piId);
      const pmId = idOf(pi.payment_method);
      if (!pmId || pi.setup_future_usage !== "off_session") return;
      await this.saveMethod(accountId, customerId!, pmId);
    } catch (error) {
      this.deps.log.warn({ err: error, sessionId: session.id }, "the card of a purchase could not be saved");
    }
  }

  private async saveMethod(accountId: string, customerId: string, pmId: string): Promise<boolean> {
    const pm = await this.stripe().paymentMethods.retrieve(pmId);
    if (idOf(pm.customer) !== customerId) {
      this.deps.log.warn({ accountId }, "the saved card belongs to another Stripe customer");
      return false;
    }
    await this.deps.store.saveCard(accountId, {
      paymentMethod: pm.id,
      brand: pm.card?.brand ?? "card",
      last4: pm.card?.last4 ?? "",
      expMonth: pm.card?.exp_month ?? null,
      expYear: pm.card?.exp_year ?? null,
    });
    this.deps.log.info({ accountId }, "a card was saved for auto top-up");
    return true;
  }

  /** `checkout.session.completed` of a setup session: remembers the card it saved (replays write the same). */
  async saveFromSession(session: Stripe.Checkout.Session): Promise<EventOutcome> {
    const customerId = idOf(session.customer);
    const accountId = customerId ? await this.deps.store.accountOfCustomer(customerId) : undefined;
    if (!accountId || (session.client_reference_id && session.client_reference_id !== accountId)) {
      this.deps.log.warn({ sessionId: session.id }, "a setup session names no customer of ours");
      return "rejected";
    }
    const setupIntentId = idOf(session.setup_intent);
    if (!setupIntentId) return "ignored";
    const stripe = this.stripe();
    const setupIntent = await stripe.setupIntents.retrieve(setupIntentId);
    if (setupIntent.status !== "succeeded") return "pending";
    const pmId = idOf(setupIntent.payment_method);
    if (!pmId) return "ignored";
    return (await this.saveMethod(accountId, customerId!, pmId)) ? "card_saved" : "rejected";
  }
}
