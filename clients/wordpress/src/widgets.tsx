import { useEffect, useState } from "preact/hooks";
import { type Balance, formatCredits, type RestError, rest } from "./api.js";

/** A 14-day usage sparkline as an inline SVG (no chart library in wp-admin). */
export function Sparkline({ values }: { values: number[] }) {
  const max = Math.max(1, ...values);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * 140},${28 - (v / max) * 26}`).join(" ");
  return (
    <svg class="api-credits-spark" width="140" height="30" role="img" aria-label="Credits used per day, last 14 days">
      <polyline fill="none" stroke="currentColor" stroke-width="1.5" points={points} />
    </svg>
  );
}

export function useBalance(): [Balance | null, string | null, () => void] {
  const [balance, setBalance] = useState<Balance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    rest<Balance>("/balance")
      .then((b) => {
        setBalance(b);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    load();
  }, []);
  return [balance, error, load];
}

export interface Plan {
  plan: "personal" | "agency";
  status: string;
  siteLimit: number;
  sitesUsed: number;
  siteUrl: string;
}

/** The licence's plan as the service tells this site's key (null until known, or when it cannot be read). */
export function usePlan(): Plan | null {
  const [plan, setPlan] = useState<Plan | null>(null);
  useEffect(() => {
    rest<Plan>("/plan").then(setPlan, () => setPlan(null));
  }, []);
  return plan;
}

export function describePlan(p: Plan): string {
  const name = p.plan === "agency" ? "Agency" : "Personal";
  const sites = `${p.sitesUsed.toLocaleString("en-US")} of ${p.siteLimit.toLocaleString("en-US")} ${
    p.siteLimit === 1 ? "site" : "sites"
  } used`;
  return `${name} (${sites})${p.status === "active" ? "" : ` — the licence is ${p.status}`}`;
}

export function BalanceView({ balance, error }: { balance: Balance | null; error: string | null }) {
  if (error) return <p class="api-credits-error">{error}</p>;
  if (!balance) return <p>Loading the balance…</p>;
  return (
    <div class="api-credits-balance">
      <p>
        <strong class="api-credits-credits" data-credits={balance.credits}>
          {formatCredits(balance.credits)}
        </strong>{" "}
        credits
        {balance.reservedCredits > 0 ? ` (${formatCredits(balance.reservedCredits)} held by work in progress)` : ""}
      </p>
      <Sparkline values={balance.usage} />
      {balance.lowBalance && !balance.needsCredits && (
        <div class="notice notice-warning inline api-credits-low" role="status">
          <p>
            Your credits are running low: the balance is below the alert level set for your account.{" "}
            <a href={balance.buyUrl}>Buy credits</a>
          </p>
        </div>
      )}
    </div>
  );
}

/** The dashboard widget: balance, usage and the way to buy. */
export function DashboardWidget() {
  const [balance, error] = useBalance();
  const plan = usePlan();
  return (
    <div>
      {plan && (
        <p class="api-credits-widget-plan">
          {describePlan(plan)} · {plan.siteUrl}
        </p>
      )}
      <BalanceView balance={balance} error={error} />
      <p>
        <a class="button button-primary" href={`${window.apiCredits.admin}admin.php?page=api-credits#buy`}>
          Buy credits
        </a>
      </p>
    </div>
  );
}

/** What a failed call tells the user; a 402 links to buying. */
export function Failure({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as RestError;
  return (
    <div class={`notice ${e.status === 402 ? "notice-warning api-credits-402" : "notice-error"} inline`}>
      <p>
        {e.message}{" "}
        {e.status === 402 && <a href={`${window.apiCredits.admin}admin.php?page=api-credits#buy`}>Buy credits</a>}
      </p>
    </div>
  );
}
