import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { paths, ResponseOf } from "../../../packages/client/src/index";
import { OperatorChangeList } from "../components/OperatorChangeList";
import { ErrorMessage, Loading } from "../components/ui";
import type { WebhookDelivery } from "../dashboard/guardrails/webhook-types";
import { EVENT_CHOICES } from "../dashboard/guardrails/webhook-types";
import { api } from "../lib/api";
import { formatCredits, formatDate, formatMoney } from "../lib/format";
import { type Resource, useResource } from "../lib/hooks";
import { AutoTopupTurnOff, RateEdit, SpendLimitEdit } from "./RuleEdits";

/** The account's rules as GET /v1/admin/accounts/{id}/… answers them. */
type Rules<P extends string> = ResponseOf<`/v1/admin/accounts/{accountId}/${P}` & keyof paths, "get">;
type BalanceAlert = Rules<"balance-alert">;
type Endpoints = Rules<"webhook-endpoints">;
type AutoTopupRule = Rules<"auto-topup">;
type SpendLimits = Rules<"spend-limits">;
type Period = SpendLimits["data"][number]["period"];
type RateLimits = Rules<"rate-limits">;
type Rate = RateLimits["data"][number]["override"];
type Changes = Rules<"operator-changes">;

const THIS: Record<Period, string> = { day: "today", week: "this week", month: "this month", total: "in total" };
const PER: Record<Period, string> = { day: "a day", week: "a week", month: "a month", total: "in total" };
const eventName = (type: string) =>
  type === "*" ? "Every event" : (EVENT_CHOICES.find((e) => e.type === type)?.label ?? type);
const credits = (n: number) => `${formatCredits(n)} ${n === 1 ? "credit" : "credits"}`;
const capitalized = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/** "2 requests a second, bursts of 5" (or "one request every 10 s" for slow rates). */
function rateText(r: Rate): string {
  const pace =
    r.rps >= 1 ? `${r.rps} ${r.rps === 1 ? "request" : "requests"} a second` : `one request every ${1 / r.rps} s`;
  return `${pace}, bursts of ${r.burst}`;
}

/** What the last delivery to an endpoint came to, in words. */
function lastDelivery(d: WebhookDelivery | undefined): string {
  if (!d) return "Nothing sent yet";
  const answer = d.responseStatus !== null ? `HTTP ${d.responseStatus}` : (d.error ?? "no answer");
  const when = formatDate(d.lastAttemptAt ?? d.createdAt);
  if (d.status === "delivered") return `Last delivery: delivered (${answer}), ${when}`;
  if (d.status === "failed") return `Last delivery: failed (${answer}), ${when}`;
  if (d.attempts === 0) return `Last delivery: about to be sent, ${when}`;
  return `Last delivery: not accepted yet (${answer}), will be retried — ${when}`;
}

/** One of the account's read-only views under /v1/admin/accounts/{id}/. */
function useAccountRule<T>(accountId: string, path: string): Resource<T> {
  const url = `/v1/admin/accounts/${encodeURIComponent(accountId)}/${path}`;
  return useResource((signal) => api<T>("GET", url, undefined, { signal }), [url]);
}

function Part<T>({
  title,
  resource,
  said,
  children,
}: {
  title: string;
  resource: Resource<T>;
  /** What the operator's last change here came to (announced). */
  said?: string;
  children: (data: T) => ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // A change can remove the row whose button had the focus ("Back to the default"): keep the focus in this part.
  useEffect(() => {
    const section = heading.current?.parentElement;
    if (said && section && !section.contains(document.activeElement)) heading.current?.focus();
  }, [said]);
  return (
    <section class="card" aria-label={title}>
      <h3 ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <ErrorMessage error={resource.error} />
      {resource.data ? children(resource.data) : resource.error ? null : <Loading />}
      <p role="status" aria-live="polite" class={said ? "alert alert--success" : undefined}>
        {said ?? ""}
      </p>
    </section>
  );
}

/**
 * "Notifications & limits": the guardrails the customer set on the account (low-balance alert, webhook endpoints,
 * auto top-up, spend limits) and the request rates the operator set on its keys. The operator may raise or lower a
 * spend limit, turn auto top-up off, and change a key's rate; the first two are the customer's own rules, so each
 * change carries a reason the customer reads (listed last, as the customer sees them).
 */
export function AccountRules({ accountId }: { accountId: string }) {
  const alert = useAccountRule<BalanceAlert>(accountId, "balance-alert");
  const endpoints = useAccountRule<Endpoints>(accountId, "webhook-endpoints");
  const topup = useAccountRule<AutoTopupRule>(accountId, "auto-topup");
  const limits = useAccountRule<SpendLimits>(accountId, "spend-limits");
  const rates = useAccountRule<RateLimits>(accountId, "rate-limits");
  const changes = useAccountRule<Changes>(accountId, "operator-changes");
  const base = `/v1/admin/accounts/${encodeURIComponent(accountId)}`;
  const [said, setSaid] = useState<Partial<Record<"topup" | "limits" | "rates", string>>>({});
  /** After a change: the part and the list of changes show it, and the part says what happened. */
  const changed = (part: keyof typeof said, resource: Resource<unknown>) => async (message: string) => {
    await Promise.all([resource.reload(), changes.reload()]);
    setSaid({ [part]: message });
  };

  return (
    <section aria-labelledby="rules-title" data-testid="account-rules">
      <h2 id="rules-title">Notifications &amp; limits</h2>
      <Part title="Low-balance alert" resource={alert}>
        {(a) =>
          a.state === "off" ? (
            <p>Off: no alert is sent when the balance runs low.</p>
          ) : (
            <p>
              Warns below <strong>{credits(a.thresholdCredits)}</strong>, by webhook
              {a.email ? " and email" : " only (email off)"}.{" "}
              {a.state === "below_threshold"
                ? "The balance is below the threshold now."
                : "The balance is above the threshold: the next fall below it sends an alert."}
            </p>
          )
        }
      </Part>

      <Part title="Webhook endpoints" resource={endpoints}>
        {({ data }) =>
          data.length === 0 ? (
            <p>No webhook endpoint.</p>
          ) : (
            <ul class="list">
              {data.map((e) => (
                <li key={e.id} class="list__item" data-endpoint={e.id}>
                  <span class="list__text">
                    <span class="mono">{e.url}</span>
                    {e.description ? <span class="muted"> — {e.description}</span> : null}
                    <br />
                    <span>
                      {e.enabled
                        ? "On"
                        : e.disabledReason === "failing"
                          ? "Turned off by the service: every attempt failed for too long"
                          : "Turned off by the customer"}
                    </span>
                    <br />
                    <span class="muted">Events: {e.events.map(eventName).join(", ")}</span>
                    <br />
                    <span class="muted">{lastDelivery(e.recentDeliveries[0])}</span>
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Part>

      <Part title="Auto top-up" resource={topup} said={said.topup}>
        {(t) => (
          <>
            <p>
              {t.enabled && t.thresholdCredits !== null && t.credits !== null && t.amountCents !== null
                ? `On: when the balance falls below ${credits(t.thresholdCredits)}, buys ${credits(t.credits)} for ${formatMoney(t.amountCents)}, at most ${t.maxPerMonth} ${t.maxPerMonth === 1 ? "time" : "times"} a month${t.maxCentsPerMonth !== null ? ` and ${formatMoney(t.maxCentsPerMonth)} a month` : ""}.`
                : t.turnedOffAt
                  ? `Off: it turned itself off after failed payments on ${formatDate(t.turnedOffAt)}.`
                  : "Off."}
              {t.available ? "" : " This service takes no payments."}
            </p>
            <p>
              {t.card
                ? `Saved card: ${t.card.brand} ending ${t.card.last4}${t.card.expMonth && t.card.expYear ? `, expires ${String(t.card.expMonth).padStart(2, "0")}/${t.card.expYear}` : ""}.`
                : "No saved card."}{" "}
              This month: {t.thisMonth.count} {t.thisMonth.count === 1 ? "top-up" : "top-ups"},{" "}
              {formatMoney(t.thisMonth.amountCents)}.
            </p>
            {t.lastFailure ? (
              <p class="muted">
                Last failed payment, {formatDate(t.lastFailure.at)}: {t.lastFailure.message}
              </p>
            ) : null}
            {t.enabled ? (
              <AutoTopupTurnOff path={`${base}/auto-topup/turn-off`} onSaved={changed("topup", topup)} />
            ) : null}
          </>
        )}
      </Part>

      <Part title="Spend limits" resource={limits} said={said.limits}>
        {({ data }) =>
          data.length === 0 ? (
            <p>No spend limit.</p>
          ) : (
            <ul class="list">
              {data.map((l) => (
                <li key={l.id} class="list__item" data-limit={l.id}>
                  <span>{capitalized(l.appliesTo)}</span>
                  <span>
                    Used {formatCredits(l.usedCredits)} of {credits(l.credits)} {THIS[l.period]}
                    {l.usedCredits >= l.credits ? " — reached" : ""}
                  </span>
                  <SpendLimitEdit
                    path={`${base}/spend-limits/${encodeURIComponent(l.id)}`}
                    credits={l.credits}
                    per={PER[l.period]}
                    what={l.appliesTo}
                    onSaved={changed("limits", limits)}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Part>

      <Part title="Request rates" resource={rates} said={said.rates}>
        {(r) => (
          <>
            <p>Default for every key: {r.default ? rateText(r.default) : "not limited"}.</p>
            {r.data.length === 0 ? (
              <p>No key of this account has a rate of its own.</p>
            ) : (
              <ul class="list">
                {r.data.map((o) => (
                  <li key={o.id} class="list__item" data-rate={o.id}>
                    <span>
                      {o.kind === "license" ? "Licence key and dashboard" : `API key “${o.name ?? o.id}”`}
                      {o.revoked ? " (revoked)" : ""}
                    </span>
                    <span>{rateText(o.override)}</span>
                    <RateEdit
                      path={`/v1/admin/${o.kind === "license" ? "licenses" : "api-keys"}/${encodeURIComponent(o.id)}/rate-limit`}
                      rate={o.override}
                      what={o.kind === "license" ? "the licence key" : `API key “${o.name ?? o.id}”`}
                      onSaved={changed("rates", rates)}
                    />
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Part>

      <Part title="Changes made for the customer" resource={changes}>
        {({ data }) =>
          data.length === 0 ? (
            <p>The operator has changed none of the customer's rules.</p>
          ) : (
            <OperatorChangeList changes={data} />
          )
        }
      </Part>
    </section>
  );
}
