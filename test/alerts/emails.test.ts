import { describe, expect, it } from "vitest";
import { EMAIL_TEMPLATES, emailFor, renderEmail } from "../../src/alerts/emails.js";
import { escapeHtml } from "../../src/mail/html.js";

const sender = { serviceName: "Acme <Credits>", publicUrl: "https://credits.example.com" };
const hostile = `<script>alert("x")</script>&'`;

/** Payloads as the events carry them, internal ids included (webhook receivers get them; emails must not). */
const DATA: Record<(typeof EMAIL_TEMPLATES)[number], Record<string, unknown>> = {
  "balance.low": { balance: 12.5, threshold: 50, accountId: "acct_abc123" },
  "balance.depleted": { balance: 0, threshold: 50 },
  "purchase.completed": {
    purchaseId: "cs_test_a1",
    source: "checkout",
    credits: 1000,
    bonusCredits: 100,
    amountCents: 1999,
    currency: "eur",
    packId: "pack_x1",
    balance: 1012.5,
  },
  "auto_topup.succeeded": {
    attemptId: "atu_1",
    purchaseId: "pi_123",
    source: "auto_topup",
    credits: 500,
    bonusCredits: 0,
    amountCents: 1000,
    currency: "usd",
    balance: 512.25,
    card: { brand: "mastercard", last4: "4444" },
  },
  "auto_topup.failed": { message: hostile, code: "card_declined", amountCents: 1000, ruleTurnedOff: true },
  "webhook_endpoint.disabled": { url: `https://hooks.example.com/in?a=1&b=${hostile}`, endpointId: "we_123" },
  "license.expiring": { licenseId: "lic_abc123", plan: "agency", expiresAt: "2027-01-20T12:00:00.000Z", daysLeft: 14 },
  "license.expired": { licenseId: "lic_abc123", plan: "personal", expiresAt: "2027-01-20T12:00:00.000Z" },
};

describe("email templates", () => {
  for (const template of EMAIL_TEMPLATES) {
    it(`${template}: plain text and HTML in customer words, with the dashboard link and no internal ids`, () => {
      const mail = renderEmail(template, DATA[template], sender, "owner@example.com");
      expect(mail.to).toBe("owner@example.com");
      expect(mail.subject.startsWith("Acme <Credits>: ")).toBe(true);
      for (const body of [mail.text, mail.html]) {
        expect(body).not.toMatch(/\b(acct|lic|msg|job|we|pi|pack|cs)_[A-Za-z0-9]/);
        expect(body).not.toMatch(/undefined|NaN|\[object/);
        expect(body).toContain("https://credits.example.com/dashboard");
      }
      // Nothing interpolated reaches the HTML unescaped: the only tags are the layout's own.
      expect(mail.html).not.toContain("<script>");
      expect(mail.html).not.toContain("<Credits>");
      const tags = new Set([...mail.html.matchAll(/<\/?([a-z0-9!]+)/gi)].map((m) => m[1]!.toLowerCase()));
      expect([...tags].sort()).toEqual(["!doctype", "a", "body", "h1", "head", "html", "meta", "p", "title"]);
    });
  }

  it("says the amounts a customer recognises", () => {
    const receipt = renderEmail("purchase.completed", DATA["purchase.completed"], sender, "o@example.com");
    expect(receipt.subject).toContain("1,000 credits");
    expect(receipt.text).toContain("€19.99");
    expect(receipt.text).toContain("100 credits bonus");
    expect(receipt.text).toContain("Your balance is now 1,012.5 credits.");
    const topUp = renderEmail("auto_topup.succeeded", DATA["auto_topup.succeeded"], sender, "o@example.com");
    expect(topUp.text).toContain("we charged your Mastercard card ending in 4444 $10.00 and added 500 credits");
    expect(topUp.text).toContain("Your balance is now 512.25 credits.");
    expect(topUp.text).toContain("This email is your receipt");
    const unknownCard = renderEmail("auto_topup.succeeded", { credits: 5, card: null }, sender, "o@example.com");
    expect(unknownCard.text).toContain("we charged your saved card and added 5 credits");
    const low = renderEmail("balance.low", DATA["balance.low"], sender, "o@example.com");
    expect(low.text).toContain("12.5 credits left");
    expect(low.text).toContain("below the 50 credits");
    const failed = renderEmail(
      "auto_topup.failed",
      { amountCents: 1000, currency: "usd", message: "Your card was declined.", ruleTurnedOff: false },
      sender,
      "o@example.com",
    );
    expect(failed.text).toContain(
      "$10.00 to top up your balance, but the payment did not go through. Your card was declined.",
    );
    const expiring = renderEmail("license.expiring", DATA["license.expiring"], sender, "o@example.com");
    expect(expiring.subject).toContain("January 20, 2027");
    expect(expiring.text).toContain("in 14 days");
  });

  it("escapes every character HTML treats specially", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const disabled = renderEmail("webhook_endpoint.disabled", DATA["webhook_endpoint.disabled"], sender, "o@x.com");
    expect(disabled.html).toContain("a=1&amp;b=&lt;script&gt;");
    expect(disabled.text).toContain("a=1&b=<script>");
  });

  it("one email per thing that happened: an auto top-up's receipt is its auto_topup.succeeded email", () => {
    const purchase = DATA["purchase.completed"];
    expect(emailFor({ type: "purchase.completed", data: purchase })).toBe("purchase.completed");
    expect(emailFor({ type: "purchase.completed", data: { ...purchase, source: "auto_topup" } })).toBeUndefined();
    expect(emailFor({ type: "auto_topup.succeeded", data: DATA["auto_topup.succeeded"] })).toBe("auto_topup.succeeded");
    expect(emailFor({ type: "balance.recovered", data: { balance: 60, threshold: 50 } })).toBeUndefined();
    expect(emailFor({ type: "spend_limit.reached", data: {} })).toBeUndefined();
  });
});
