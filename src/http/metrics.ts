import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The Prometheus registry of one process: HTTP traffic, money movements and the Node.js runtime. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP requests by route, method and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [registry],
    }),
    creditsSpent: new Counter({
      name: "credits_spent_millicredits_total",
      help: "Millicredits captured by operation",
      labelNames: ["operation"] as const,
      registers: [registry],
    }),
    creditsPurchased: new Counter({
      name: "credits_purchased_millicredits_total",
      help: "Millicredits credited by Stripe purchases (bonus included)",
      registers: [registry],
    }),
    providerAccountFailures: new Counter({
      name: "provider_account_failures_total",
      help: "Provider calls refused because of the operator's account with the provider (key, credit, quota, rate)",
      labelNames: ["provider", "status"] as const,
      registers: [registry],
    }),
    revenueCents: new Counter({
      name: "revenue_cents_total",
      help: "US cents of fulfilled Checkout Sessions",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
