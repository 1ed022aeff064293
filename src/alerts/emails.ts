import { htmlEmail } from "../mail/html.js";
import type { MailMessage } from "../mail/mailer.js";

/** What an email may be about: the account events that have one, and an endpoint the service stopped calling. */
export const EMAIL_TEMPLATES = [
  "balance.low",
  "balance.depleted",
  "purchase.completed",
  "auto_topup.succeeded",
  "auto_topup.failed",
  "webhook_endpoint.disabled",
  "license.expiring",
  "license.expired",
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/** Alerts the customer may turn off (the `email` flag of the balance alert); the rest are always sent. */
export const OPTIONAL_EMAILS: ReadonlySet<EmailTemplate> = new Set(["balance.low", "balance.depleted"]);

export const isEmailTemplate = (name: string): name is EmailTemplate =>
  (EMAIL_TEMPLATES as readonly string[]).includes(name);

/**
 * The email an event sends, if any: one email for one thing that happened to the customer. An auto top-up is one
 * purchase reported by two events — `purchase.completed` (`source: "auto_topup"`) and `auto_topup.succeeded` — and
 * its one email is the `auto_topup.succeeded` one, which carries the receipt's facts (credits added, amount charged,
 * card, new balance); its `purchase.completed` sends none. Webhook endpoints receive both events either way.
 */
export function emailFor(event: { type: string; data: Record<string, unknown> }): EmailTemplate | undefined {
  if (!isEmailTemplate(event.type)) return undefined;
  if (event.type === "purchase.completed" && event.data.source === "auto_topup") return undefined;
  return event.type;
}

export interface Sender {
  serviceName: string;
  publicUrl: string;
}

type Data = Record<string, unknown>;
interface Draft {
  subject: string;
  paragraphs: string[];
  action: { label: string; path: string };
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function credits(v: unknown): string {
  const n = num(v) ?? 0;
  const text = n.toLocaleString("en-US", { maximumFractionDigits: 3 });
  return `${text} ${n === 1 ? "credit" : "credits"}`;
}

function money(cents: unknown, currency: unknown): string | undefined {
  const n = num(cents);
  if (n === undefined) return undefined;
  const code = typeof currency === "string" && /^[a-z]{3}$/i.test(currency) ? currency.toUpperCase() : "USD";
  return new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(n / 100);
}

function day(v: unknown): string {
  const ms = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) return "soon";
  return new Date(ms).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

const BRANDS: Record<string, string> = {
  amex: "American Express",
  diners: "Diners Club",
  discover: "Discover",
  jcb: "JCB",
  mastercard: "Mastercard",
  unionpay: "UnionPay",
  visa: "Visa",
};

/** "your Visa card ending in 4242", or "your saved card" when the event does not say which. */
function cardWords(v: unknown): string {
  const card = typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  const last4 = typeof card.last4 === "string" && /^\d{4}$/.test(card.last4) ? card.last4 : undefined;
  if (!last4) return "your saved card";
  const brand = typeof card.brand === "string" ? BRANDS[card.brand] : undefined;
  return `your ${brand ? `${brand} ` : ""}card ending in ${last4}`;
}

/** "Your balance is now 1,400 credits." when the event says what the purchase left. */
const balanceNow = (d: Data): string[] =>
  num(d.balance) !== undefined ? [`Your balance is now ${credits(d.balance)}.`] : [];

const bonusWords = (d: Data): string => (num(d.bonusCredits) ? ` (including ${credits(d.bonusCredits)} bonus)` : "");

const BUY = { label: "Buy credits", path: "/dashboard/buy" };
const SETTINGS = { label: "Notifications & limits", path: "/dashboard/limits" };

const DRAFTS: Record<EmailTemplate, (d: Data) => Draft> = {
  "balance.low": (d) => ({
    subject: `Your balance is low: ${credits(d.balance)} left`,
    paragraphs: [
      `Your balance fell below the ${credits(d.threshold)} you asked us to warn you about. You have ${credits(d.balance)} left.`,
      "Buy credits now so your sites keep working. You can change this warning on the Notifications & limits page.",
    ],
    action: BUY,
  }),
  "balance.depleted": (d) => ({
    subject: "Your credits have run out",
    paragraphs: [
      `A request was just refused because your balance could not cover it. You have ${credits(d.balance)} left.`,
      "Until you buy more credits, anything that spends credits on your sites will be refused.",
    ],
    action: BUY,
  }),
  "purchase.completed": (d) => {
    const paid = money(d.amountCents, d.currency);
    return {
      subject: `Receipt: ${credits(d.credits)} added to your balance`,
      paragraphs: [
        `Thank you for your purchase. We added ${credits(d.credits)}${bonusWords(d)} to your balance.`,
        ...(paid ? [`Amount paid: ${paid}.`] : []),
        ...balanceNow(d),
        "Every purchase is listed in your ledger.",
      ],
      action: { label: "See your ledger", path: "/dashboard/ledger" },
    };
  },
  // The receipt of an automatic purchase too: its purchase.completed sends no email of its own (see emailFor).
  "auto_topup.succeeded": (d) => {
    const paid = money(d.amountCents, d.currency);
    return {
      subject: `Automatic top-up: ${credits(d.credits)} added`,
      paragraphs: [
        `Your balance fell below your automatic top-up level, so we charged ${cardWords(d.card)}${paid ? ` ${paid}` : ""} and added ${credits(d.credits)}${bonusWords(d)} to your balance.`,
        ...balanceNow(d),
        "This email is your receipt; every purchase is listed in your ledger. You can change or turn off automatic top-up on the Notifications & limits page.",
      ],
      action: SETTINGS,
    };
  },
  "auto_topup.failed": (d) => {
    const paid = money(d.amountCents, d.currency);
    // The auto top-up's own sentence for the card's answer (`message`), e.g. "Your card was declined."
    const why = typeof d.message === "string" ? d.message.trim() : "";
    return {
      subject: "Automatic top-up failed",
      paragraphs: [
        `We tried to charge your saved card${paid ? ` ${paid}` : ""} to top up your balance, but the payment did not go through.${why ? ` ${why}` : ""}`,
        d.ruleTurnedOff === true
          ? "After several failed attempts in a row we turned automatic top-up off. Update your card, then turn it back on."
          : "No credits were added. Check your card, or buy credits yourself.",
      ],
      action: SETTINGS,
    };
  },
  "webhook_endpoint.disabled": (d) => ({
    subject: "We stopped sending events to one of your webhook endpoints",
    paragraphs: [
      `Deliveries to ${typeof d.url === "string" ? d.url : "your endpoint"} kept failing, so we turned the endpoint off.`,
      "Fix the receiver, then turn the endpoint back on. Events you missed are in its delivery log, where you can send them again.",
    ],
    action: SETTINGS,
  }),
  "license.expiring": (d) => ({
    subject: `Your licence expires on ${day(d.expiresAt)}`,
    paragraphs: [
      `Your licence expires on ${day(d.expiresAt)}${num(d.daysLeft) ? `, in ${d.daysLeft} days` : ""}.`,
      "Renew it before then so your sites can keep spending credits. Your balance stays yours either way.",
    ],
    action: { label: "Open your dashboard", path: "/dashboard" },
  }),
  "license.expired": (d) => ({
    subject: "Your licence has expired",
    paragraphs: [
      `Your licence expired on ${day(d.expiresAt)}. Your sites cannot spend credits until it is renewed.`,
      "Your balance and your data are kept: renew the licence to pick up where you left off.",
    ],
    action: { label: "Open your dashboard", path: "/dashboard" },
  }),
};

/** The email for an event or notice, in plain text and HTML (every interpolated value escaped in the HTML). */
export function renderEmail(template: EmailTemplate, data: Data, sender: Sender, to: string): MailMessage {
  const draft = DRAFTS[template](data);
  const url = `${sender.publicUrl}${draft.action.path}`;
  const footer = `You receive this email because you hold an account with ${sender.serviceName} (${sender.publicUrl}).`;
  const text = [...draft.paragraphs, `${draft.action.label}: ${url}`, "", "--", footer].join("\n\n");
  const html = htmlEmail({
    title: draft.subject,
    paragraphs: draft.paragraphs,
    action: { label: draft.action.label, url },
    footer,
  });
  return { to, subject: `${sender.serviceName}: ${draft.subject}`, text, html };
}
