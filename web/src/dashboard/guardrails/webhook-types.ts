/** What the webhook routes answer (src/webhooks/routes.ts). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: "failing" | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "sending" | "delivered" | "failed";
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  latencyMs: number | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  createdAt: string;
}

/** The events a customer can pick, in their words (names as in docs/webhooks.md). */
export const EVENT_CHOICES: { type: string; label: string }[] = [
  { type: "balance.low", label: "Balance is low" },
  { type: "balance.depleted", label: "Balance ran out" },
  { type: "balance.recovered", label: "Balance is back up" },
  { type: "purchase.completed", label: "Purchase completed" },
  { type: "purchase.refunded", label: "Purchase refunded" },
  { type: "auto_topup.succeeded", label: "Automatic top-up succeeded" },
  { type: "auto_topup.failed", label: "Automatic top-up failed" },
  { type: "spend_limit.reached", label: "Spend limit reached" },
  { type: "document.ready", label: "Document ready" },
  { type: "document.failed", label: "Document failed" },
  { type: "license.expiring", label: "Licence expiring soon" },
  { type: "license.expired", label: "Licence expired" },
];
