import { type ImageOffer, imageOfferWords, priceCatalogue } from "../credits/catalogue.js";
import type { Pricing } from "../credits/pricing.js";
import { html, layout, type SafeHtml } from "./html.js";
import { packTiers } from "./pricing-model.js";

const int = (n: number) => n.toLocaleString("en-US");
const creditsText = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 3 });
const dollars = (cents: number) =>
  `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
const perCredit = (d: number) => `$${d.toFixed(4)}`;
const count = (n: number | null) => (n === null ? "unlimited" : int(n));

export function siteHeader(current?: "pricing"): SafeHtml {
  return html`<header class="site-header">
  <div class="wrap site-header__inner">
    <a class="brand" href="/pricing"><span class="brand__mark" aria-hidden="true"></span>AI Credits</a>
    <nav aria-label="Main">
      <ul class="nav-list">
        <li><a href="/pricing"${current === "pricing" ? html` aria-current="page"` : ""}>Pricing</a></li>
        <li><a class="button button--small" href="/dashboard">Dashboard</a></li>
      </ul>
    </nav>
  </div>
</header>`;
}

function packCards(pricing: Pricing, purchasable: boolean): SafeHtml {
  const tiers = packTiers(pricing);
  const best = tiers.reduce((a, b) => (b.dollarsPerCredit < a.dollarsPerCredit ? b : a), tiers[0]!);
  return html`<ul class="packs" role="list">
${tiers.map(
  (t) => html`<li class="pack${t === best && tiers.length > 1 ? " pack--best" : ""}" data-pack="${t.pack.id}">
  <h3 class="pack__name">${t.name}</h3>
  ${t.bonusPercent > 0 ? html`<p class="badge" data-testid="bonus">+${t.bonusPercent}% bonus</p>` : html`<p class="badge badge--muted">No bonus</p>`}
  <p class="pack__price"><span class="pack__amount">${dollars(t.pack.priceCents)}</span> one-time</p>
  <p class="pack__credits"><strong>${int(t.pack.credits)}</strong> credits${t.pack.bonusCredits > 0 ? html` <span class="muted">(${int(t.pack.bonusCredits)} bonus)</span>` : ""}</p>
  <p class="muted">${perCredit(t.dollarsPerCredit)} per credit</p>
  ${purchasable ? html`<a class="button" href="/dashboard/buy?pack=${encodeURIComponent(t.pack.id)}">Buy ${t.name}<span class="visually-hidden"> for ${dollars(t.pack.priceCents)}</span></a>` : ""}
</li>`,
)}
</ul>`;
}

function topUpForm(pricing: Pricing): SafeHtml {
  const min = pricing.minTopUpCents / 100;
  const max = pricing.maxTopUpCents / 100;
  return html`<form class="topup card" action="/dashboard/buy" method="get">
  <h3>Any amount</h3>
  <p>${int(pricing.creditsPerDollar)} credits per dollar, from ${dollars(pricing.minTopUpCents)}, plus the bonus of the largest pack the amount reaches.</p>
  <div class="field field--inline">
    <label for="topup-amount">Amount in US dollars</label>
    <input id="topup-amount" name="amount" type="number" inputmode="decimal" min="${min}" max="${max}" step="0.01" value="${Math.max(min, 20)}" required>
    <button class="button" type="submit">Top up</button>
  </div>
</form>`;
}

const EVERYTHING: ImageOffer = {
  generate: true,
  editModes: ["inpaint", "remove", "outpaint", "background"],
  upscale: true,
};

/** What each pack buys, one line per measure; image lines only for what this service offers. */
function tierRows(pricing: Pricing, offer: ImageOffer): { label: string; cells: string[] }[] {
  const tiers = packTiers(pricing);
  const rows = [
    { label: "Credits", cells: tiers.map((t) => int(t.pack.credits)) },
    { label: "Bonus", cells: tiers.map((t) => (t.bonusPercent > 0 ? `+${t.bonusPercent}%` : "—")) },
    { label: "Cost per credit", cells: tiers.map((t) => perCredit(t.dollarsPerCredit)) },
    { label: "Training tokens", cells: tiers.map((t) => count(t.trainingTokens)) },
    { label: "Knowledge-base queries", cells: tiers.map((t) => count(t.queries)) },
  ];
  if (offer.generate)
    for (const q of ["fast", "standard", "ultra"] as const)
      rows.push({ label: `Images, ${q}`, cells: tiers.map((t) => count(t.images[q])) });
  if (offer.upscale) rows.push({ label: "Upscales ×2", cells: tiers.map((t) => count(t.upscalesX2)) });
  return rows;
}

/**
 * The comparison as a table for wide screens and as one card per pack for phones (CSS shows one of the two; the
 * hidden one is display:none, so a screen reader reads it once).
 */
function tierTable(pricing: Pricing, offer: ImageOffer): SafeHtml {
  const tiers = packTiers(pricing);
  const rows = tierRows(pricing, offer);
  return html`<div class="table-scroll compare-wide" tabindex="0" role="region" aria-labelledby="compare-title">
<table class="compare">
  <caption id="compare-title">What each pack buys</caption>
  <thead><tr><td></td>${tiers.map((t) => html`<th scope="col">${t.name}<br><span class="muted">${dollars(t.pack.priceCents)}</span></th>`)}</tr></thead>
  <tbody>
    ${rows.map((r) => html`<tr><th scope="row">${r.label}</th>${r.cells.map((c) => html`<td>${c}</td>`)}</tr>`)}
  </tbody>
</table>
</div>
<ul class="compare-cards" role="list" aria-label="What each pack buys">
${tiers.map(
  (t, i) => html`<li class="card compare-card" data-pack="${t.pack.id}">
  <h3 class="compare-card__title">${t.name} <span class="muted">${dollars(t.pack.priceCents)}</span></h3>
  <dl class="compare-card__rows">
    ${rows.map((r) => html`<div><dt>${r.label}</dt><dd>${r.cells[i]!}</dd></div>`)}
  </dl>
</li>`,
)}
</ul>`;
}

/** Credits per operation: a table that becomes stacked rows on a phone (operation, then unit and credits). */
function costTable(pricing: Pricing, tokenizer: string, offer: ImageOffer): SafeHtml {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="costs-title">
<table class="costs table-stack">
  <caption id="costs-title">Credits per operation</caption>
  <thead><tr><th scope="col">Feature</th><th scope="col">Operation</th><th scope="col">Unit</th><th scope="col" class="num">Credits</th></tr></thead>
  <tbody>
  ${priceCatalogue(pricing, tokenizer, offer).map(
    (o) => html`<tr data-operation="${o.operation}">
    <td class="stack-hide">${o.feature}</td>
    <th scope="row">${o.label}${o.note ? html`<br><span class="muted">${o.note}</span>` : ""}</th>
    <td data-label="Unit">${o.unit}</td>
    <td class="num" data-label="Credits">${o.credits === 0 ? "Free" : creditsText(o.credits)}</td>
  </tr>`,
  )}
  </tbody>
</table>
</div>`;
}

function faq(pricing: Pricing, tokenizer: string, offer: ImageOffer): SafeHtml {
  const images = imageOfferWords(offer);
  const mcPerToken = pricing.costs.embedMcPerToken;
  const pdfLow = creditsText((5000 * mcPerToken) / 1000);
  const pdfHigh = creditsText((10000 * mcPerToken) / 1000);
  const items: [string, SafeHtml][] = [
    [
      "Do credits expire?",
      html`No. Credits never expire, and there is no subscription: buy a pack when you need more and top up at any time.`,
    ],
    [
      "Is there one balance for training and images?",
      images
        ? html`Yes. One balance pays for knowledge-base training and search and for images: on this service you can ${images}. An Agency licence shares it across all your client sites.`
        : html`Yes. One balance pays for knowledge-base training and search. An Agency licence shares it across all your client sites.`,
    ],
    [
      "What about refunds and failed work?",
      html`Work that fails, or that a provider's safety filter refuses, costs nothing: the credits reserved for it return to your balance. A purchase refunded through Stripe removes the refunded credits that are still unspent.`,
    ],
    [
      "Does deleting data cost anything?",
      html`No. Deleting a document, a knowledge base or everything you stored is free, immediate and permanent, and works even when your licence has lapsed.`,
    ],
    [
      "How are tokens counted?",
      html`With the <code>${tokenizer}</code> tokenizer, on the text extracted from each document, charged exactly per token. The overlap between chunks is not billed, so a price quoted from the text alone is exact. A 10-page PDF typically costs ${pdfLow}–${pdfHigh} credits.`,
    ],
    [
      "Can I buy a custom amount?",
      html`Yes: ${int(pricing.creditsPerDollar)} credits per dollar from ${dollars(pricing.minTopUpCents)}, plus the bonus rate of the largest pack whose price your amount reaches.`,
    ],
    [
      "What do I need to spend credits?",
      html`An active Personal or Agency licence of the plugin. With an expired or revoked licence you can still see your balance and history and delete your data.`,
    ],
  ];
  return html`<div class="faq">
${items.map(([q, a]) => html`<details><summary>${q}</summary><p>${a}</p></details>`)}
</div>`;
}

/** The public pricing page, rendered from the pricing in force when it is requested. */
export function renderPricingPage(input: {
  pricing: Pricing;
  tokenizer: string;
  stylesheet?: string;
  /** False while the service takes no payments: the packs are shown, without buy buttons, and the page says so. */
  purchasable: boolean;
  /** The image operations this service offers (absent: all); only those are priced and sold. */
  imageOffer?: ImageOffer;
}): string {
  const { pricing, tokenizer, purchasable } = input;
  const offer = input.imageOffer ?? EVERYTHING;
  const images = imageOfferWords(offer);
  const body = html`${siteHeader("pricing")}
<main id="main">
  <section class="hero">
    <div class="wrap">
      <h1>Prepaid AI credits</h1>
      <p class="lead">One balance for AI data training${offer.generate ? " and AI image generation" : images ? ` and AI images (${images})` : ""}. Buy a pack once, use it whenever you like: credits never expire.</p>
    </div>
  </section>
  <section class="wrap section" aria-labelledby="packs-title">
    <h2 id="packs-title">Credit packs</h2>
    ${purchasable ? "" : html`<p class="alert alert--warning" role="status" data-testid="purchases-unavailable">Purchases are not open on this service yet: the prices below are what credits will cost. Please check back later or contact the service's operator.</p>`}
    ${packCards(pricing, purchasable)}
    ${purchasable ? topUpForm(pricing) : ""}
  </section>
  <section class="wrap section" aria-labelledby="compare-heading">
    <h2 id="compare-heading">Compare the packs</h2>
    ${tierTable(pricing, offer)}
  </section>
  <section class="wrap section" aria-labelledby="costs-heading">
    <h2 id="costs-heading">What operations cost</h2>
    ${costTable(pricing, tokenizer, offer)}
  </section>
  <section class="wrap section" aria-labelledby="faq-title">
    <h2 id="faq-title">Questions</h2>
    ${faq(pricing, tokenizer, offer)}
  </section>
</main>
<footer class="site-footer"><div class="wrap">Prices in US dollars. Payments by Stripe.</div></footer>`;
  return layout({
    title: "Pricing — AI Credits",
    description: `Prepaid credits for AI data training${offer.generate ? " and image generation" : images ? " and images" : ""}. Credits never expire.`,
    stylesheet: input.stylesheet,
    body,
  });
}
