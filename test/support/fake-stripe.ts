import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { randomChars } from "../../src/lib/ids.js";

/**
 * A loopback server that speaks the part of Stripe's API the service uses: form-encoded POST
 * /v1/checkout/sessions, answering a Checkout Session object. It records what it was sent.
 */
export interface FakeStripe {
  url: string;
  sessions: Map<string, Record<string, any>>;
  requests: { path: string; form: URLSearchParams; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions = new Map<string, Record<string, any>>();
  const requests: FakeStripe["requests"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const form = new URLSearchParams(body);
      requests.push({ path: req.url ?? "", form, headers: req.headers });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomChars(8)}` });
        res.end(JSON.stringify(json));
      };
      if (!req.headers.authorization?.startsWith("Bearer sk_test_"))
        return reply(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        const amount = Number(form.get("line_items[0][price_data][unit_amount]"));
        if (!Number.isInteger(amount) || amount < 50)
          return reply(400, {
            error: { type: "invalid_request_error", param: "line_items[0][price_data][unit_amount]" },
          });
        const id = `cs_test_${randomChars(24)}`;
        const metadata: Record<string, string> = {};
        for (const [k, v] of form) {
          const m = /^metadata\[(.+)\]$/.exec(k);
          if (m) metadata[m[1]!] = v;
        }
        const session = {
          id,
          object: "checkout.session",
          mode: form.get("mode"),
          amount_total: amount * Number(form.get("line_items[0][quantity]") ?? 1),
          currency: form.get("line_items[0][price_data][currency]"),
          client_reference_id: form.get("client_reference_id"),
          metadata,
          payment_status: "unpaid",
          status: "open",
          payment_intent: null,
          success_url: form.get("success_url"),
          cancel_url: form.get("cancel_url"),
          url: `https://checkout.stripe.test/c/pay/${id}`,
        };
        sessions.set(id, session);
        return reply(200, session);
      }
      reply(404, {
        error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${req.url})` },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    requests,
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
