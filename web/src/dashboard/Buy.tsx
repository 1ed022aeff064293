import { useEffect, useRef, useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { ErrorMessage, Loading, Notice } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatInt, formatMoney } from "../lib/format";
import { useActions, useResource } from "../lib/hooks";
import { useLocation } from "../lib/router";

type Packs = ResponseOf<"/v1/packs", "get">;
type Pack = Packs["data"][number];
type PricingInfo = ResponseOf<"/v1/pricing", "get">;
type CheckoutAnswer = ResponseOf<"/v1/checkout", "post">;

/** What a custom amount earns, by the same rule as the service: base credits plus the largest reached pack's bonus. */
export function topUpCredits(
  amountCents: number,
  creditsPerDollar: number,
  packs: Pack[],
): { base: number; bonus: number } {
  const baseMc = Math.floor((amountCents * creditsPerDollar * 1000) / 100);
  let tier: Pack | undefined;
  for (const p of packs)
    if (p.bonusCredits > 0 && p.priceCents <= amountCents && (!tier || p.priceCents > tier.priceCents)) tier = p;
  const bonusMc = tier ? Math.floor((baseMc * tier.bonusCredits) / (tier.credits - tier.bonusCredits)) : 0;
  return { base: baseMc / 1000, bonus: bonusMc / 1000 };
}

async function startCheckout(body: { packId: string } | { amountCents: number }): Promise<void> {
  const answer = await api<CheckoutAnswer>("POST", "/v1/checkout", body);
  window.location.assign(answer.url);
}

export function Buy() {
  const { query } = useLocation();
  const data = useResource(async (signal) => {
    const [packs, pricing] = await Promise.all([
      api<Packs>("GET", "/v1/packs", undefined, { signal }),
      api<PricingInfo>("GET", "/v1/pricing", undefined, { signal }),
    ]);
    return { packs: packs.data, purchasable: packs.purchasable, pricing };
  }, []);
  // A failed checkout shows under the button that started it (a pack's, the chosen pack's ("chosen") or "custom").
  const checkout = useActions<string>();
  // Where a checkout opened: its button stays busy while the page leaves for Stripe.
  const [leaving, setLeaving] = useState<string | undefined>();
  const busy = checkout.busy ?? leaving;
  const errorAt = (at: string) => <ErrorMessage error={checkout.errorAt(at)} />;
  const wanted = query.get("pack");
  const [amount, setAmount] = useState(query.get("amount") ?? "20");
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (wanted && data.data) confirm.current?.focus();
  }, [wanted, data.data]);

  const buy = async (at: string, body: { packId: string } | { amountCents: number }) => {
    if (busy) return;
    if (await checkout.run(at, () => startCheckout(body))) setLeaving(at);
  };

  if (!data.data) return data.error ? <ErrorMessage error={data.error} /> : <Loading />;
  const { packs, pricing, purchasable } = data.data;
  if (!purchasable)
    return (
      <section>
        <h1>Buy credits</h1>
        <Notice tone="warning">
          Buying credits is not available on this service yet. Your balance and everything you have already bought work
          as usual; please contact the service's operator to buy more.
        </Notice>
      </section>
    );
  const creditsPerDollar = Math.round(100 / pricing.creditPriceCents);
  const chosen = packs.find((p) => p.id === wanted);
  const amountCents = Math.round(Number(amount) * 100);
  const validAmount = Number.isFinite(amountCents) && amountCents >= pricing.minTopUpCents;
  const preview = validAmount ? topUpCredits(amountCents, creditsPerDollar, packs) : undefined;

  return (
    <section>
      <h1>Buy credits</h1>
      <p>Credits never expire and pay for both training and images. Payment is handled by Stripe.</p>
      {chosen ? (
        <section class="card card--highlight" aria-labelledby="chosen-title">
          <h2 id="chosen-title">
            {chosen.name ?? chosen.id}: {formatInt(chosen.credits)} credits for {formatMoney(chosen.priceCents)}
          </h2>
          <button
            ref={confirm}
            type="button"
            class="button"
            aria-disabled={busy ? "true" : undefined}
            onClick={() => buy("chosen", { packId: chosen.id })}
          >
            {busy === "chosen" ? "Opening checkout…" : "Continue to secure checkout"}
          </button>
          {errorAt("chosen")}
        </section>
      ) : null}
      <h2>Packs</h2>
      <ul class="packs">
        {packs.map((p) => (
          <li key={p.id} class="pack" data-pack={p.id}>
            <h3 class="pack__name">{p.name ?? p.id}</h3>
            {p.bonusPercent > 0 ? (
              <p class="badge">+{p.bonusPercent}% bonus</p>
            ) : (
              <p class="badge badge--muted">No bonus</p>
            )}
            <p class="pack__price">
              <span class="pack__amount">{formatMoney(p.priceCents)}</span>
            </p>
            <p class="pack__credits">
              <strong>{formatInt(p.credits)}</strong> credits
            </p>
            <button
              type="button"
              class="button"
              aria-disabled={busy ? "true" : undefined}
              onClick={() => buy(p.id, { packId: p.id })}
            >
              {busy === p.id || (busy === "chosen" && chosen?.id === p.id)
                ? "Opening checkout…"
                : `Buy ${p.name ?? p.id}`}
              <span class="visually-hidden"> for {formatMoney(p.priceCents)}</span>
            </button>
            {errorAt(p.id)}
          </li>
        ))}
      </ul>
      <form
        class="card topup"
        onSubmit={(e) => {
          e.preventDefault();
          if (validAmount) void buy("custom", { amountCents });
        }}
      >
        <h2>Any amount</h2>
        <p>
          {formatInt(creditsPerDollar)} credits per dollar from {formatMoney(pricing.minTopUpCents)}, plus the bonus of
          the largest pack your amount reaches.
        </p>
        <div class="field field--inline">
          <label for="custom-amount">Amount in US dollars</label>
          <input
            id="custom-amount"
            type="number"
            inputmode="decimal"
            min={pricing.minTopUpCents / 100}
            step="0.01"
            required
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
            aria-describedby="custom-preview"
          />
          <button type="submit" class="button" disabled={!validAmount} aria-disabled={busy ? "true" : undefined}>
            {busy === "custom" ? "Opening checkout…" : "Top up"}
          </button>
        </div>
        <p id="custom-preview" class="hint" aria-live="polite">
          {preview
            ? `You get ${formatCredits(preview.base + preview.bonus)} credits${preview.bonus > 0 ? ` (${formatCredits(preview.bonus)} bonus)` : ""}.`
            : `The smallest top-up is ${formatMoney(pricing.minTopUpCents)}.`}
        </p>
        {errorAt("custom")}
      </form>
    </section>
  );
}
