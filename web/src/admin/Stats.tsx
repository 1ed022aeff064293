import { useMemo, useState } from "preact/hooks";
import { Chart } from "../components/Chart";
import { ErrorMessage, Loading } from "../components/ui";
import { api } from "../lib/api";
import { daysBetween, featureOf, formatCredits, formatInt, formatMoney } from "../lib/format";
import { useResource } from "../lib/hooks";

interface StatsAnswer {
  from: string;
  to: string;
  revenue: { date: string; cents: number; purchases: number; credits: number }[];
  usage: { date: string; operation: string; count: number; credits: number }[];
  totals: {
    revenueCents: number;
    purchases: number;
    creditsSold: number;
    creditsUsed: number;
    accounts: number;
    activeLicenses: number;
  };
}

const dollars = (n: number) => formatMoney(Math.round(n * 100));

export function Stats() {
  const [days, setDays] = useState("30");
  const stats = useResource(
    (signal) => api<StatsAnswer>("GET", `/v1/admin/stats?days=${days}`, undefined, { signal }),
    [days],
  );
  const charts = useMemo(() => {
    const s = stats.data;
    if (!s) return undefined;
    const x = daysBetween(s.from, s.to);
    const at = new Map(x.map((d, i) => [d, i]));
    const revenue = x.map(() => 0);
    for (const r of s.revenue) {
      const i = at.get(r.date);
      if (i !== undefined) revenue[i] += r.cents / 100;
    }
    const training = x.map(() => 0);
    const images = x.map(() => 0);
    for (const u of s.usage) {
      const i = at.get(u.date);
      if (i === undefined) continue;
      if (featureOf(u.operation) === "training") training[i] += u.credits;
      else if (featureOf(u.operation) === "images") images[i] += u.credits;
    }
    return {
      x,
      revenue: [{ label: "Revenue", color: "#047857", values: revenue }],
      usage: [
        { label: "Training", color: "#4338ca", values: training },
        { label: "Images", color: "#c2410c", values: images },
      ],
    };
  }, [stats.data]);
  const t = stats.data?.totals;

  return (
    <section>
      <div class="page-title">
        <h1>Revenue and usage</h1>
        <div class="field field--inline">
          <label for="stats-days">Period</label>
          <select id="stats-days" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">365 days</option>
          </select>
        </div>
      </div>
      <ErrorMessage error={stats.error} />
      {!t ? (
        <Loading />
      ) : (
        <div class="stats">
          <Stat label="Revenue" value={formatMoney(t.revenueCents)} />
          <Stat label="Purchases" value={formatInt(t.purchases)} />
          <Stat label="Credits sold" value={formatCredits(t.creditsSold)} />
          <Stat label="Credits used" value={formatCredits(t.creditsUsed)} />
          <Stat label="Accounts" value={formatInt(t.accounts)} />
          <Stat label="Active licences" value={formatInt(t.activeLicenses)} />
        </div>
      )}
      {charts ? (
        <>
          <Chart
            title="Revenue per day (US dollars)"
            days={charts.x}
            series={charts.revenue}
            kind="bars"
            format={dollars}
          />
          <Chart
            title="Credits used per day, by feature"
            days={charts.x}
            series={charts.usage}
            format={formatCredits}
          />
        </>
      ) : null}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div class="stat card">
      <h2 class="stat__label">{label}</h2>
      <p class="stat__value">{value}</p>
    </div>
  );
}
