import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { randomChars } from "../../src/lib/ids.js";

/** Stripe's test cards the fake knows, by what an off-session charge on them does. */
export const TEST_CARDS = {
  /** 4242 4242 4242 4242: every charge succeeds. */
  visa: { brand: "visa", last4: "4242", outcome: "succeeds" },
  /** 4000 0000 0000 0002: every charge is declined (card_declined / generic_decline). */
  declined: { brand: "visa", last4: "0002", outcome: "declined" },
  /** 4000 0027 6000 3184: the bank asks for authentication on every charge (off-session: authentication_required). */
  authRequired: { brand: "visa", last4: "3184", outcome: "authentication_required" },
} as const;
export type TestCard = keyof typeof TEST_CARDS;

type Obj = Record<string, any>;

/**
 * A loopback server that speaks the part of Stripe's API the service uses, in Stripe's wire format (form-encoded
 * requests with bracketed keys, JSON objects and error bodies, Idempotency-Key honoured: the same key with the same
 * parameters replays the first answer, with other parameters is an `idempotency_error`):
 * - POST /v1/checkout/sessions (`payment` mode with price_data line items; `setup` mode for a customer)
 * - POST/GET /v1/customers, GET /v1/setup_intents/:id, GET /v1/payment_methods/:id
 * - POST /v1/payment_methods/:id/detach
 * - POST /v1/payment_intents (off-session confirm: succeeds, or 402 `card_error` per the test card), GET one.
 * It records what it was sent.
 */
export interface FakeStripe {
  url: string;
  sessions: Map<string, Obj>;
  customers: Map<string, Obj>;
  setupIntents: Map<string, Obj>;
  paymentMethods: Map<string, Obj>;
  paymentIntents: Map<string, Obj>;
  requests: { path: string; form: URLSearchParams; headers: http.IncomingHttpHeaders }[];
  /** The customer completes a setup-mode Checkout page with `card`: the session as Stripe then reports it. */
  completeSetup(sessionId: string, card: TestCard): Obj;
  /**
   * The customer pays a payment-mode Checkout page with `card`: a succeeded PaymentIntent (its card attached to the
   * session's customer when the session asked for `setup_future_usage`), and the paid session as Stripe reports it.
   */
  payWithCard(sessionId: string, card: TestCard): Obj;
  /** Answers the next `n` requests with a 500 api_error (Stripe unavailable). */
  failNext(n: number): void;
  /** Carries out the next `n` requests but drops the connection before answering (the network failed). */
  dropNext(n: number): void;
  close(): Promise<void>;
}

/** Stripe's form encoding (`a[b][c]=v`, `a[0]=v`) as nested objects. */
function formObject(form: URLSearchParams): Obj {
  const out: Obj = {};
  for (const [key, value] of form) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== "");
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= {};
    });
  }
  return out;
}

const now = () => Math.floor(Date.now() / 1000);

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions = new Map<string, Obj>();
  const customers = new Map<string, Obj>();
  const setupIntents = new Map<string, Obj>();
  const paymentMethods = new Map<string, Obj>();
  const paymentIntents = new Map<string, Obj>();
  const intentData = new Map<string, Obj>();
  const idempotent = new Map<string, { fingerprint: string; status: number; json: unknown }>();
  const requests: FakeStripe["requests"] = [];
  let failures = 0;
  let drops = 0;

  function paymentSession(form: URLSearchParams, body: Obj): [number, unknown] {
    const amount = Number(form.get("line_items[0][price_data][unit_amount]"));
    if (!Number.isInteger(amount) || amount < 50)
      return [400, { error: { type: "invalid_request_error", param: "line_items[0][price_data][unit_amount]" } }];
    const id = `cs_test_${randomChars(24)}`;
    const session = {
      id,
      object: "checkout.session",
      mode: body.mode,
      amount_total: amount * Number(form.get("line_items[0][quantity]") ?? 1),
      currency: form.get("line_items[0][price_data][currency]"),
      client_reference_id: body.client_reference_id ?? null,
      customer: body.customer ?? null,
      metadata: body.metadata ?? {},
      payment_status: "unpaid",
      status: "open",
      payment_intent: null,
      setup_intent: null,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      url: `https://checkout.stripe.test/c/pay/${id}`,
    };
    sessions.set(id, session);
    intentData.set(id, body.payment_intent_data ?? {});
    return [200, session];
  }

  function setupSession(body: Obj): [number, unknown] {
    if (!body.customer || !customers.has(body.customer))
      return [400, invalid(`No such customer: '${body.customer}'`, "customer")];
    const id = `cs_test_${randomChars(24)}`;
    const setupIntent = {
      id: `seti_${randomChars(24)}`,
      object: "setup_intent",
      customer: body.customer,
      payment_method: null,
      status: "requires_payment_method",
      usage: "off_session",
      metadata: body.setup_intent_data?.metadata ?? {},
      created: now(),
      livemode: false,
    };
    setupIntents.set(setupIntent.id, setupIntent);
    const session = {
      id,
      object: "checkout.session",
      mode: "setup",
      amount_total: null,
      currency: body.currency ?? null,
      client_reference_id: body.client_reference_id ?? null,
      customer: body.customer,
      metadata: body.metadata ?? {},
      payment_status: "no_payment_required",
      status: "open",
      payment_intent: null,
      setup_intent: setupIntent.id,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      url: `https://checkout.stripe.test/c/setup/${id}`,
    };
    sessions.set(id, session);
    return [200, session];
  }

  function newPaymentMethod(cardName: TestCard, customer: string | null) {
    const card = TEST_CARDS[cardName];
    const pm = {
      id: `pm_${randomChars(24)}`,
      object: "payment_method",
      type: "card",
      customer,
      card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 },
      billing_details: { email: null, name: null },
      created: now(),
      livemode: false,
      fake_card: cardName,
    };
    paymentMethods.set(pm.id, pm);
    return pm;
  }

  function invalid(message: string, param?: string) {
    return { error: { type: "invalid_request_error", message, ...(param ? { param } : {}) } };
  }

  function createPaymentIntent(body: Obj): [number, unknown] {
    const amount = Number(body.amount);
    if (!Number.isInteger(amount) || amount < 50) return [400, invalid("Amount must be at least $0.50 usd", "amount")];
    if (!body.currency) return [400, invalid("Missing required param: currency.", "currency")];
    if (body.customer && !customers.has(body.customer))
      return [400, invalid(`No such customer: '${body.customer}'`, "customer")];
    const pm = body.payment_method ? paymentMethods.get(body.payment_method) : undefined;
    if (body.payment_method && !pm) return [400, invalid(`No such PaymentMethod: '${body.payment_method}'`)];
    if (pm && body.customer && pm.customer !== body.customer)
      return [400, invalid("The provided PaymentMethod belongs to another Customer.", "payment_method")];
    const pi: Obj = {
      id: `pi_${randomChars(24)}`,
      object: "payment_intent",
      amount,
      amount_received: 0,
      currency: String(body.currency).toLowerCase(),
      customer: body.customer ?? null,
      payment_method: pm?.id ?? null,
      description: body.description ?? null,
      metadata: body.metadata ?? {},
      status: pm ? "requires_confirmation" : "requires_payment_method",
      capture_method: "automatic",
      confirmation_method: "automatic",
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
      client_secret: `pi_secret_${randomChars(16)}`,
      created: now(),
      livemode: false,
    };
    paymentIntents.set(pi.id, pi);
    if (body.confirm !== "true" || !pm) return [200, pi];
    const card = TEST_CARDS[pm.fake_card as TestCard];
    if (card.outcome === "succeeds") {
      Object.assign(pi, { status: "succeeded", amount_received: amount, latest_charge: `ch_${randomChars(24)}` });
      return [200, pi];
    }
    const charge = `ch_${randomChars(24)}`;
    const error =
      card.outcome === "declined"
        ? {
            type: "card_error",
            code: "card_declined",
            decline_code: "generic_decline",
            message: "Your card was declined.",
            charge,
          }
        : {
            type: "card_error",
            code: "authentication_required",
            decline_code: "authentication_required",
            message: "Your card was declined. This transaction requires authentication.",
            charge,
          };
    const { type: _type, ...lastError } = error;
    Object.assign(pi, {
      latest_charge: charge,
      last_payment_error: { ...lastError, type: "card_error", payment_method: pm },
      ...(card.outcome === "declined"
        ? { status: "requires_payment_method", payment_method: null }
        : { status: "requires_action", next_action: { type: "use_stripe_sdk", use_stripe_sdk: {} } }),
    });
    return [
      402,
      {
        error: {
          ...error,
          doc_url: `https://stripe.com/docs/error-codes/${error.code}`,
          payment_intent: pi,
          payment_method: pm,
          request_log_url: `https://dashboard.stripe.com/test/logs/req_${randomChars(14)}`,
        },
      },
    ];
  }

  function route(method: string, path: string, form: URLSearchParams): [number, unknown] {
    const body = formObject(form);
    if (method === "POST" && path === "/v1/checkout/sessions")
      return body.mode === "setup" ? setupSession(body) : paymentSession(form, body);
    if (method === "POST" && path === "/v1/customers") {
      const customer = {
        id: `cus_${randomChars(14)}`,
        object: "customer",
        description: body.description ?? null,
        email: body.email ?? null,
        metadata: body.metadata ?? {},
        invoice_settings: { default_payment_method: null },
        created: now(),
        livemode: false,
      };
      customers.set(customer.id, customer);
      return [200, customer];
    }
    if (method === "POST" && path === "/v1/payment_intents") return createPaymentIntent(body);
    const detach = /^\/v1\/payment_methods\/([^/]+)\/detach$/.exec(path);
    if (method === "POST" && detach) {
      const pm = paymentMethods.get(decodeURIComponent(detach[1]!));
      if (!pm)
        return [
          404,
          {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              message: `No such PaymentMethod: '${detach[1]}'`,
            },
          },
        ];
      if (!pm.customer)
        return [
          400,
          invalid("The payment method you provided is not attached to a customer so detachment is impossible."),
        ];
      pm.customer = null;
      const { fake_card: _card, ...visible } = pm;
      return [200, visible];
    }
    const get = /^\/v1\/(customers|setup_intents|payment_methods|payment_intents)\/([^/?]+)$/.exec(path);
    if (method === "GET" && get) {
      const store = {
        customers,
        setup_intents: setupIntents,
        payment_methods: paymentMethods,
        payment_intents: paymentIntents,
      }[get[1] as "customers"];
      const found = store.get(decodeURIComponent(get[2]!));
      if (!found)
        return [
          404,
          {
            error: { type: "invalid_request_error", code: "resource_missing", message: `No such object: '${get[2]}'` },
          },
        ];
      const { fake_card: _card, ...visible } = found;
      return [200, visible];
    }
    return [404, invalid(`Unrecognized request URL (${method}: ${path})`)];
  }

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const form = new URLSearchParams(raw);
      const path = (req.url ?? "").split("?")[0]!;
      requests.push({ path: req.url ?? "", form, headers: req.headers });
      const reply = (status: number, json: unknown, replayed = false) => {
        res.writeHead(status, {
          "content-type": "application/json",
          "request-id": `req_${randomChars(8)}`,
          ...(replayed ? { "idempotent-replayed": "true" } : {}),
        });
        res.end(JSON.stringify(json));
      };
      if (!req.headers.authorization?.startsWith("Bearer sk_test_"))
        return reply(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      if (failures > 0) {
        failures--;
        return reply(500, { error: { type: "api_error", message: "An unknown error occurred" } });
      }
      const key = req.method === "POST" ? req.headers["idempotency-key"] : undefined;
      if (typeof key === "string") {
        const seen = idempotent.get(key);
        const fingerprint = `${path}\n${[...form].sort().join("&")}`;
        if (seen && seen.fingerprint !== fingerprint)
          return reply(400, {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
        if (seen) return reply(seen.status, seen.json, true);
        const [status, json] = route(req.method ?? "GET", path, form);
        // Stripe keeps the result of a request that began executing (success or a 4xx such as a card error).
        if (status < 500) idempotent.set(key, { fingerprint, status, json });
        if (drops > 0) {
          drops--;
          return req.socket.destroy();
        }
        return reply(status, json);
      }
      const [status, json] = route(req.method ?? "GET", path, form);
      reply(status, json);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    customers,
    setupIntents,
    paymentMethods,
    paymentIntents,
    requests,
    completeSetup(sessionId, cardName) {
      const session = sessions.get(sessionId);
      if (session?.mode !== "setup") throw new Error(`no setup session ${sessionId}`);
      const pm = newPaymentMethod(cardName, session.customer);
      Object.assign(setupIntents.get(session.setup_intent)!, { status: "succeeded", payment_method: pm.id });
      Object.assign(session, { status: "complete" });
      return { ...session };
    },
    payWithCard(sessionId, cardName) {
      const session = sessions.get(sessionId);
      if (session?.mode !== "payment") throw new Error(`no payment session ${sessionId}`);
      const data = intentData.get(sessionId) ?? {};
      const keep = data.setup_future_usage === "off_session" && session.customer;
      const pm = newPaymentMethod(cardName, keep ? session.customer : null);
      const pi = {
        id: `pi_${randomChars(24)}`,
        object: "payment_intent",
        amount: session.amount_total,
        amount_received: session.amount_total,
        currency: session.currency,
        customer: session.customer,
        payment_method: pm.id,
        setup_future_usage: keep ? "off_session" : null,
        metadata: data.metadata ?? {},
        status: "succeeded",
        latest_charge: `ch_${randomChars(24)}`,
        last_payment_error: null,
        next_action: null,
        created: now(),
        livemode: false,
      };
      paymentIntents.set(pi.id, pi);
      Object.assign(session, { status: "complete", payment_status: "paid", payment_intent: pi.id });
      return { ...session };
    },
    failNext(n) {
      failures = n;
    },
    dropNext(n) {
      drops = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A webhook delivery as Stripe sends it: the event JSON and its Stripe-Signature header. */
export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  options: { secret: string; id?: string; timestamp?: number },
): { body: string; signature: string; id: string } {
  const id = options.id ?? `evt_${randomChars(24)}`;
  const body = JSON.stringify({
    id,
    object: "event",
    type,
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
  });
  const stripe = new Stripe("sk_test_signing");
  const signature = stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { body, signature, id };
}
