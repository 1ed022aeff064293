import { useEffect, useMemo, useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { Chart } from "../components/Chart";
import { ErrorMessage, Link, Loading, Notice } from "../components/ui";
import { api } from "../lib/api";
import { daysBetween, featureOf, formatBalance, formatCost, formatCredits, operationName } from "../lib/format";
import { useResource } from "../lib/hooks";
import { navigate, useLocation } from "../lib/router";
import { refreshBalance, useBalance } from "./session";

/** GET /v1/usage */
type Usage = ResponseOf<"/v1/usage", "get">;

const FEATURES = [
  { key: "training", label: "Training", color: "#4338ca" },
  { key: "images", label: "Images", color: "#c2410c" },
];

export function Overview() {
  const { balance, error } = useBalance();
  const usage = useResource((signal) => api<Usage>("GET", "/v1/usage", undefined, { signal }), []);
  const chart = useMemo(() => {
    const u = usage.data;
    if (!u) return undefined;
    const days = daysBetween(u.from, u.to);
    const index = new Map(days.map((d, i) => [d, i]));
    const series = FEATURES.map((f) => ({ label: f.label, color: f.color, values: days.map(() => 0) }));
    for (const row of u.data) {
      const i = index.get(row.date);
      const s = FEATURES.findIndex((f) => f.key === featureOf(row.operation));
      if (i !== undefined && s >= 0) series[s]!.values[i]! += row.credits;
    }
    return { days, series };
  }, [usage.data]);

  return (
    <section>
      <h1>Overview</h1>
      <CheckoutResult />
      <ErrorMessage error={error} />
      <div class="stats">
        <div class="stat card">
          <h2 class="stat__label">Available credits</h2>
          <p class="stat__value" data-testid="balance">
            {balance ? formatBalance(balance.credits) : "…"}
          </p>
          <Link href="/dashboard/buy" class="button button--small">
            Buy credits
          </Link>
        </div>
        <div class="stat card">
          <h2 class="stat__label">Reserved</h2>
          <p class="stat__value" data-testid="reserved">
            {balance ? formatCost(balance.reservedCredits) : "…"}
          </p>
          <p class="hint">Held by work in progress; what it does not use returns to your balance.</p>
        </div>
        <div class="stat card">
          <h2 class="stat__label">Used in the last 30 days</h2>
          <p
            class="stat__value"
            data-testid="used"
            title={usage.data ? `${formatCredits(usage.data.totals.credits)} credits` : undefined}
          >
            {usage.data ? formatCost(usage.data.totals.credits) : "…"}
          </p>
        </div>
      </div>
      <h2>Usage over time</h2>
      <ErrorMessage error={usage.error} />
      {usage.data && usage.data.data.length === 0 ? (
        <p class="chart-empty" data-testid="usage-empty">
          No usage yet. Indexing documents, searching and editing images show up here, per day.
        </p>
      ) : chart ? (
        <Chart title="Credits used per day, by feature" days={chart.days} series={chart.series} format={formatCost} />
      ) : usage.loading ? (
        <Loading />
      ) : null}
      {usage.data && Object.keys(usage.data.totals.byOperation).length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption>Credits used per feature, last 30 days</caption>
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col" class="num">
                  Credits
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(usage.data.totals.byOperation).map(([op, credits]) => (
                <tr key={op}>
                  <th scope="row">{operationName(op)}</th>
                  <td class="num" title={`${formatCredits(credits)} credits`}>
                    {formatCost(credits)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

type LedgerPage = ResponseOf<"/v1/ledger", "get">;

/** The page Stripe sends the customer back to: wait for the signed webhook to credit the purchase. */
function CheckoutResult() {
  const { query } = useLocation();
  const outcome = query.get("checkout");
  const sessionId = query.get("session_id");
  const [credited, setCredited] = useState<number | undefined>();
  const [waitedOut, setWaitedOut] = useState(false);

  useEffect(() => {
    if (outcome !== "success" || !sessionId) return;
    let stopped = false;
    let tries = 0;
    const poll = async () => {
      if (stopped) return;
      tries++;
      try {
        const page = await api<LedgerPage>("GET", "/v1/ledger?type=purchase,bonus&limit=50");
        const mine = page.data.filter((e) => e.reference === sessionId);
        if (mine.length > 0) {
          setCredited(mine.reduce((sum, e) => sum + e.credits, 0));
          await refreshBalance();
          return;
        }
      } catch {
        // keep waiting: the balance is what matters, and errors show elsewhere
      }
      if (tries >= 90) setWaitedOut(true);
      else setTimeout(poll, 2000);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [outcome, sessionId]);

  if (outcome === "cancelled")
    return (
      <Notice tone="warning">
        <h2 class="alert__title">Checkout cancelled</h2>
        <p>Nothing was charged. You can buy credits whenever you like.</p>
        <button type="button" class="button button--small" onClick={() => navigate("/dashboard/buy")}>
          Back to buying credits
        </button>
      </Notice>
    );
  if (outcome !== "success") return null;
  return (
    <Notice tone="success">
      <h2 class="alert__title">Thank you for your purchase</h2>
      {credited !== undefined ? (
        <p data-testid="checkout-credited">{formatCredits(credited)} credits were added to your balance.</p>
      ) : waitedOut ? (
        <p>Stripe has not confirmed the payment yet. Your credits will appear as soon as it does.</p>
      ) : (
        <p>Waiting for Stripe to confirm the payment… your credits appear here as soon as it does.</p>
      )}
    </Notice>
  );
}
