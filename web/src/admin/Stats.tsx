import { useMemo, useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { Chart } from "../components/Chart";
import { ErrorMessage, Loading, Notice } from "../components/ui";
import { api } from "../lib/api";
import { daysBetween, featureOf, formatCredits, formatDate, formatInt, formatMoney } from "../lib/format";
import { useResource } from "../lib/hooks";
import { FEATURES } from "./words";

type StatsAnswer = ResponseOf<"/v1/admin/stats", "get">;

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
          <Stat
            label="Credits sold"
            value={formatCredits(t.creditsSold)}
            hint="bought through Stripe, bonus included"
          />
          <Stat
            label="Credits granted"
            value={formatCredits(t.creditsGranted)}
            hint={`${formatInt(t.grants)} ${t.grants === 1 ? "grant" : "grants"}${t.creditsAdjusted > 0 ? `; ${formatCredits(t.creditsAdjusted)} adjusted down` : ""}`}
          />
          <Stat
            label="Credits used"
            value={formatCredits(t.creditsUsed)}
            hint={
              Object.keys(t.usedByFeature).length === 0
                ? "nothing yet"
                : Object.entries(t.usedByFeature)
                    .map(([f, c]) => `${FEATURES[f] ?? f} ${formatCredits(c)}`)
                    .join(" · ")
            }
          />
          <Stat
            label="Outstanding credits"
            value={formatCredits(t.outstandingCredits)}
            hint={`all accounts now: sold or granted, not yet spent${t.reservedCredits > 0 ? ` (${formatCredits(t.reservedCredits)} reserved)` : ""}`}
          />
          <Stat label="Accounts" value={formatInt(t.accounts)} />
          <Stat label="Active licences" value={formatInt(t.activeLicenses)} />
        </div>
      )}
      <ImagesStatus />
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

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="stat card" data-stat={label}>
      <h2 class="stat__label">{label}</h2>
      <p class="stat__value">{value}</p>
      {hint ? <p class="muted stat__hint">{hint}</p> : null}
    </div>
  );
}

type ImagesAnswer = ResponseOf<"/v1/admin/images", "get">;

/** "upscale and remove objects": what providers without generation can still do. */
function canDo(capabilities: string[]): string {
  const parts = [
    ...(capabilities.includes("upscale") ? ["upscale"] : []),
    ...(capabilities.includes("edit.remove") ? ["remove objects"] : []),
    ...(capabilities.some((c) => c.startsWith("edit.") && c !== "edit.remove") ? ["edit"] : []),
  ];
  return parts.length > 0 ? parts.join(" and ") : "nothing with images";
}

/** What the operator should configure or fix about images: no generation provider, or a provider refusing our account. */
function ImagesStatus() {
  const images = useResource((signal) => api<ImagesAnswer>("GET", "/v1/admin/images", undefined, { signal }), []);
  const i = images.data;
  if (!i) return <ErrorMessage error={images.error} />;
  return (
    <>
      {i.canGenerate ? null : (
        <Notice tone="warning">
          Image generation is off: no configured provider generates images from text ({i.providers.join(", ")} can only{" "}
          {canDo(i.capabilities)}). Customers see only what they can do, and the pricing page sells only that. To offer
          generation, set <code>IMAGE_PROVIDER</code> to <code>google</code>, <code>gemini</code>, <code>openai</code>,{" "}
          <code>stability</code>, <code>automatic1111</code> or <code>comfyui</code> with its credentials, or{" "}
          <code>IMAGE_FALLBACK_PROVIDER</code> beside the local engine, and restart (docs/configuration.md, “Images”).
        </Notice>
      )}
      {i.accountFailures.length > 0 ? (
        <div class="alert alert--error" role="status" data-testid="provider-failures">
          <p>
            <strong>An image provider refused this service's account</strong> — check its key, credit and quota.
            Customers were told image generation is temporarily unavailable and were not charged.
          </p>
          <ul>
            {i.accountFailures.map((f) => (
              <li key={`${f.provider}-${f.status}`}>
                {f.provider} answered {f.status || "an error"} {formatInt(f.count)} {f.count === 1 ? "time" : "times"},
                last {formatDate(f.lastAt)}: {f.lastDetail}
              </li>
            ))}
          </ul>
          <p class="muted">Counted by this process since it started; /metrics has provider_account_failures_total.</p>
        </div>
      ) : null}
    </>
  );
}
