import { useState } from "preact/hooks";
import type { ResponseOf } from "../../../../packages/client/src/index";
import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { formatCredits } from "../../lib/format";
import { useActions, useResource } from "../../lib/hooks";
import type { CustomerSession } from "../session";

/** GET /v1/spend-limits */
type SpendLimit = ResponseOf<"/v1/spend-limits", "get">["data"][number];
type Period = SpendLimit["period"];
type Site = ResponseOf<"/v1/sites", "get">["data"][number];
type Key = ResponseOf<"/v1/api-keys", "get">["data"][number];

const PER: Record<Period, string> = { day: "a day", week: "a week", month: "a month", total: "in total" };
const THIS: Record<Period, string> = { day: "today", week: "this week", month: "this month", total: "so far" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "resets at 00:00 UTC on 7 Dec": limits count in UTC days, so their reset is shown in UTC too. */
function resets(limit: SpendLimit): string {
  if (!limit.resetsAt) return "never resets";
  const d = new Date(limit.resetsAt);
  const time = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  return `resets at ${time} UTC on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

const siteName = (url: string) => url.replace(/^https?:\/\//, "").replace(/\/$/, "");

/** "Spend limits": caps per site, per API key or for the whole account, with what each has used this period. */
export function SpendLimits({ session }: { session: CustomerSession }) {
  const owner = session.via === "license_key";
  const data = useResource(
    async (signal) => {
      if (!owner) return undefined;
      const [limits, sites, keys] = await Promise.all([
        api<{ data: SpendLimit[] }>("GET", "/v1/spend-limits", undefined, { signal }),
        api<{ data: Site[] }>("GET", "/v1/sites", undefined, { signal }),
        api<{ data: Key[] }>("GET", "/v1/api-keys", undefined, { signal }),
      ]);
      return { limits: limits.data, sites: sites.data, keys: keys.data.filter((k) => !k.revokedAt) };
    },
    [owner],
  );
  const [target, setTarget] = useState("");
  const [credits, setCredits] = useState("");
  const [period, setPeriod] = useState<Period>("day");
  const [status, setStatus] = useState("");
  // Removing a limit (at its id) and adding one ("add") share one error, shown under the form.
  const actions = useActions<string>();

  const nameOf = (limit: SpendLimit): string => {
    if (limit.siteId) {
      const site = data.data?.sites.find((s) => s.id === limit.siteId);
      return site ? `Site ${siteName(site.url)}` : "A removed site";
    }
    if (limit.keyId) {
      const key = data.data?.keys.find((k) => k.id === limit.keyId);
      return key ? `API key “${key.name}”` : "A revoked API key";
    }
    return "The whole account";
  };

  return (
    <section class="card" aria-labelledby="spend-limits-title">
      <h2 id="spend-limits-title">Spend limits</h2>
      <p>
        Cap what a site or an API key may spend, so one site or a leaked key cannot use up the balance you share.
        Spending past a limit is refused until it resets; buying credits does not lift it.
      </p>
      {!owner ? <p>Only the account owner can see and change spend limits.</p> : null}
      <ErrorMessage error={data.error} />
      {owner && data.loading && !data.data ? <Loading /> : null}
      {data.data && data.data.limits.length === 0 ? <p>No spend limits yet.</p> : null}
      {data.data && data.data.limits.length > 0 ? (
        <ul class="list" aria-label="Spend limits">
          {data.data.limits.map((limit) => {
            const name = nameOf(limit);
            const used = limit.credits > 0 ? limit.usedCredits / limit.credits : 1;
            return (
              <li key={limit.id} class="list__item spend-limit" data-limit={limit.id}>
                <div class="spend-limit__text">
                  <strong>{name}</strong>: {formatCredits(limit.credits)} credits {PER[limit.period]}
                  <br />
                  <span class="spend-limit__usage">
                    Used {formatCredits(limit.usedCredits)} of {formatCredits(limit.credits)} {THIS[limit.period]},{" "}
                    {resets(limit)}
                  </span>
                  <progress
                    max={100}
                    value={Math.round(Math.min(1, used) * 100)}
                    aria-label={`${name}: share of the limit used`}
                  />
                </div>
                <button
                  type="button"
                  class="button button--danger button--small"
                  onClick={async () => {
                    if (!window.confirm(`Remove the limit on ${name.toLowerCase()}? Its spending is no longer capped.`))
                      return;
                    await actions.run(limit.id, async () => {
                      await api("DELETE", `/v1/spend-limits/${encodeURIComponent(limit.id)}`);
                      setStatus(`The limit on ${name.toLowerCase()} was removed.`);
                      await data.reload();
                    });
                  }}
                >
                  Remove<span class="visually-hidden"> the limit on {name.toLowerCase()}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {data.data ? (
        <form
          class="form-row"
          onSubmit={async (e) => {
            e.preventDefault();
            setStatus("");
            const [kind, id] = target.split(":");
            await actions.run("add", async () => {
              await api("POST", "/v1/spend-limits", {
                ...(kind === "site" ? { siteId: id } : kind === "key" ? { keyId: id } : {}),
                credits: Number(credits),
                period,
              });
              setStatus("Spend limit added.");
              setCredits("");
              await data.reload();
            });
          }}
        >
          <div class="field field--grow">
            <label for="limit-target">Limit applies to</label>
            <select id="limit-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">The whole account</option>
              {data.data.sites.map((s) => (
                <option key={s.id} value={`site:${s.id}`}>
                  Site {siteName(s.url)}
                </option>
              ))}
              {data.data.keys.map((k) => (
                <option key={k.id} value={`key:${k.id}`}>
                  API key “{k.name}”
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="limit-credits">Most credits to spend</label>
            <input
              id="limit-credits"
              type="number"
              inputMode="decimal"
              min={0}
              step={0.001}
              required
              value={credits}
              onInput={(e) => setCredits(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="limit-period">Per period</label>
            <select id="limit-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
              <option value="day">Day (UTC)</option>
              <option value="week">Week (from Monday, UTC)</option>
              <option value="month">Calendar month (UTC)</option>
              <option value="total">In total</option>
            </select>
          </div>
          <button type="submit" class="button" disabled={actions.busy === "add"}>
            Add limit
          </button>
        </form>
      ) : null}
      <p class="hint" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorMessage error={actions.error} />
    </section>
  );
}
