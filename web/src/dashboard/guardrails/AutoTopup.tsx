import { useEffect, useState } from "preact/hooks";
import type { ResponseOf } from "../../../../packages/client/src/index";
import { ErrorMessage, Loading, Notice } from "../../components/ui";
import { api } from "../../lib/api";
import { formatCredits, formatDate, formatInt, formatMoney } from "../../lib/format";
import { useActions, useResource } from "../../lib/hooks";
import { useLocation } from "../../lib/router";
import type { CustomerSession } from "../session";

/** GET /v1/auto-topup */
type AutoTopupView = ResponseOf<"/v1/auto-topup", "get">;
type Attempt = AutoTopupView["thisMonth"]["attempts"][number];
type Pack = ResponseOf<"/v1/packs", "get">["data"][number];

const brandName = (brand: string) =>
  ({ visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" })[brand] ??
  brand.charAt(0).toUpperCase() + brand.slice(1);

/** The select's value for "the amount the rule already buys" (a rule set through the API with amountCents). */
const AMOUNT = "amount";

const STATUS_WORDS: Record<Attempt["status"], string> = {
  pending: "In progress",
  succeeded: "Paid",
  failed: "Failed",
};

/** Auto top-up: save a card through Stripe, and the rule that buys a pack when the balance runs low. */
export function AutoTopup({ session }: { session: CustomerSession }) {
  if (session.via !== "license_key")
    return (
      <section class="card" aria-labelledby="autotopup-title">
        <h2 id="autotopup-title">Auto top-up</h2>
        <p>Only the account owner can see and change auto top-up and the saved card.</p>
      </section>
    );
  return <AutoTopupSettings />;
}

function AutoTopupSettings() {
  const { query } = useLocation();
  const data = useResource(async (signal) => {
    const [view, packs] = await Promise.all([
      api<AutoTopupView>("GET", "/v1/auto-topup", undefined, { signal }),
      api<{ data: Pack[] }>("GET", "/v1/packs", undefined, { signal }),
    ]);
    return { view, packs: packs.data };
  }, []);
  const [form, setForm] = useState({ enabled: false, threshold: "500", packId: "", maxPerMonth: "3", maxDollars: "" });
  const [status, setStatus] = useState("");
  // The card's buttons and the rule's form share one error, shown under the form.
  const actions = useActions<"card" | "remove" | "save">();
  // Stripe's page for saving a card opened: the buttons stay off while this page leaves for it.
  const [leaving, setLeaving] = useState(false);
  const busy = actions.busy !== undefined || leaving;

  useEffect(() => {
    const v = data.data?.view;
    if (!v) return;
    setForm({
      enabled: v.enabled,
      threshold: String(v.thresholdCredits ?? 500),
      // A rule set through the API with an amount keeps it unless the owner picks a pack here.
      packId: v.packId ?? (v.amountCents !== null ? AMOUNT : (data.data?.packs[0]?.id ?? "")),
      maxPerMonth: String(v.maxPerMonth ?? 3),
      maxDollars: v.maxCentsPerMonth === null ? "" : String(v.maxCentsPerMonth / 100),
    });
  }, [data.data]);

  if (!data.data) return data.error ? <ErrorMessage error={data.error} /> : <Loading />;
  const { view, packs } = data.data;

  if (!view.available)
    return (
      <section class="card" aria-labelledby="autotopup-title">
        <h2 id="autotopup-title">Auto top-up</h2>
        <Notice tone="warning">
          Auto top-up is unavailable: this service does not take card payments yet. Please contact the service's
          operator.
        </Notice>
      </section>
    );

  const saveCard = async () => {
    const opened = await actions.run("card", async () => {
      const { url } = await api<ResponseOf<"/v1/auto-topup/setup", "post">>("POST", "/v1/auto-topup/setup");
      window.location.assign(url);
    });
    if (opened) setLeaving(true);
  };

  const removeCard = async () => {
    if (!window.confirm("Remove the saved card? Auto top-up turns off until you save another.")) return;
    setStatus("");
    await actions.run("remove", async () => {
      await api<AutoTopupView>("DELETE", "/v1/auto-topup/card");
      await data.reload();
      setStatus("The card was removed and auto top-up is off.");
    });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setStatus("");
    await actions.run("save", async () => {
      await api<AutoTopupView>("PUT", "/v1/auto-topup", {
        enabled: form.enabled,
        thresholdCredits: Number(form.threshold),
        ...(form.packId === AMOUNT ? { amountCents: view.amountCents } : { packId: form.packId }),
        maxPerMonth: Number(form.maxPerMonth),
        maxCentsPerMonth: form.maxDollars.trim() === "" ? null : Math.round(Number(form.maxDollars) * 100),
      });
      await data.reload();
      setStatus(form.enabled ? "Auto top-up is on." : "Auto top-up is off.");
    });
  };

  const returned = query.get("card");
  return (
    <section class="card" aria-labelledby="autotopup-title">
      <h2 id="autotopup-title">Auto top-up</h2>
      <p>When your balance falls below a threshold, we buy credits with your saved card, so your work never stops.</p>
      {returned === "saved" && !view.card ? <p>Your card is being saved; this takes a few seconds.</p> : null}
      {returned === "cancelled" ? <p>No card was saved.</p> : null}
      <h3>Saved card</h3>
      {view.card ? (
        <p data-testid="saved-card">
          {brandName(view.card.brand)} ending {view.card.last4}
          {view.card.expMonth && view.card.expYear
            ? `, expires ${String(view.card.expMonth).padStart(2, "0")}/${view.card.expYear}`
            : ""}
        </p>
      ) : (
        <p>No card saved yet.</p>
      )}
      <button type="button" class="button button--ghost" disabled={busy} onClick={saveCard}>
        {view.card ? "Use another card" : "Save a card"}
      </button>{" "}
      {view.card ? (
        <button type="button" class="button button--ghost" disabled={busy} onClick={removeCard}>
          Remove card
        </button>
      ) : null}
      {view.lastFailure ? (
        <Notice tone="warning">
          The last top-up on {formatDate(view.lastFailure.at)} failed: {view.lastFailure.message}
          {view.turnedOffAt ? " After three failed payments in a row, auto top-up was turned off." : ""}
        </Notice>
      ) : null}
      <form onSubmit={save}>
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
            />{" "}
            Top up automatically
          </label>
        </div>
        <div class="field">
          <label for="autotopup-threshold">When the balance falls below (credits)</label>
          <input
            id="autotopup-threshold"
            type="number"
            min="0"
            step="1"
            required
            value={form.threshold}
            onInput={(e) => setForm({ ...form, threshold: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="autotopup-pack">Buy</label>
          <select
            id="autotopup-pack"
            value={form.packId}
            onChange={(e) => setForm({ ...form, packId: e.currentTarget.value })}
          >
            {view.packId === null && view.amountCents !== null ? (
              <option value={AMOUNT}>
                {formatCredits(view.credits ?? 0)} credits for {formatMoney(view.amountCents)}
              </option>
            ) : null}
            {packs.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name ?? p.id}: {formatInt(p.credits)} credits for {formatMoney(p.priceCents)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="autotopup-max">At most this many top-ups a month</label>
          <input
            id="autotopup-max"
            type="number"
            min="1"
            max="100"
            step="1"
            required
            value={form.maxPerMonth}
            onInput={(e) => setForm({ ...form, maxPerMonth: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="autotopup-max-dollars">And at most this much a month, in US dollars (optional)</label>
          <input
            id="autotopup-max-dollars"
            type="number"
            min="1"
            step="0.01"
            value={form.maxDollars}
            onInput={(e) => setForm({ ...form, maxDollars: e.currentTarget.value })}
          />
        </div>
        <button type="submit" class="button" disabled={busy}>
          Save auto top-up
        </button>
      </form>
      <p role="status" aria-live="polite">
        {status}
      </p>
      <ErrorMessage error={actions.error} />
      <h3>This month</h3>
      <p>
        {view.thisMonth.count === 0
          ? "No top-ups this month."
          : `${formatInt(view.thisMonth.count)} top-up${view.thisMonth.count === 1 ? "" : "s"}, ${formatMoney(view.thisMonth.amountCents)} in total.`}
      </p>
      {view.thisMonth.attempts.length > 0 ? (
        <ul class="list" data-testid="topups">
          {view.thisMonth.attempts.map((a) => (
            <li key={a.id}>
              {formatDate(a.createdAt)}: {formatCredits(a.credits)} credits for {formatMoney(a.amountCents)} —{" "}
              {STATUS_WORDS[a.status]}
              {a.message ? ` (${a.message})` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
