import { useMemo, useState } from "preact/hooks";
import { ErrorMessage, Loading } from "../components/ui";
import { api } from "../lib/api";
import { formatBalance, formatCost, formatDate, formatSignedCredits } from "../lib/format";
import { type Page, usePages } from "../lib/hooks";
import { type Entry, entryFacts, foldEntries, type LedgerRow } from "./ledger-rows";

const TYPES: [string, string][] = [
  ["purchase", "Purchases"],
  ["bonus", "Bonuses"],
  ["grant", "Grants"],
  ["adjustment", "Adjustments"],
  ["usage", "Charges"],
  ["hold", "Reservations"],
  ["release", "Returned reservations"],
  ["refund", "Refunds"],
];

export function Ledger() {
  const [type, setType] = useState("");
  const pages = usePages(
    (cursor, signal) =>
      api<Page<Entry>>(
        "GET",
        `/v1/ledger?limit=50${cursor ? `&cursor=${cursor}` : ""}${type ? `&type=${type}` : ""}`,
        undefined,
        { signal },
      ),
    [type],
  );
  const first = pages.first;
  // Filtered by type, a hold's settlement is not in the list: folding (and "reserving") only applies to everything.
  const rows = useMemo(() => foldEntries(pages.rows, { fold: type === "" }), [pages.rows, type]);
  const typeLabel = TYPES.find(([t]) => t === type)?.[1].toLowerCase();

  return (
    <section>
      <h1>Ledger</h1>
      <p>
        Every movement of credits, newest first. Entries are never changed or removed; credits reserved for work in
        progress are shown with the operation they belong to.
      </p>
      <div class="toolbar">
        <div class="field field--inline">
          <label for="ledger-type">Show</label>
          <select id="ledger-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">Everything</option>
            {TYPES.map(([t, label]) => (
              <option key={t} value={t}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <a class="button button--ghost" href="/v1/ledger/export" download="ledger.csv">
          Export CSV
        </a>
      </div>
      <ErrorMessage error={first.error} />
      {first.loading && !first.data ? <Loading /> : null}
      {first.data && rows.length === 0 ? <p>No {typeLabel ?? "entries"} yet.</p> : null}
      {rows.length > 0 ? (
        <table class="ledger" aria-busy={first.loading}>
          <caption class="visually-hidden">Ledger, one row per operation</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">What happened</th>
              <th scope="col" class="num">
                Credits
              </th>
              <th scope="col" class="num">
                Balance after
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <Row key={row.key} row={row} />
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorMessage error={pages.moreError} />
      {pages.cursor ? (
        <button type="button" class="button button--ghost" onClick={pages.loadMore}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

/** Costs rounded up, credits added rounded down: what a row shows never flatters the balance. */
function change(row: LedgerRow): string {
  if (row.credits < 0) return `−${formatCost(-row.credits)}`;
  if (row.credits > 0) return `+${formatBalance(row.credits)}`;
  return "0";
}

function Row({ row }: { row: LedgerRow }) {
  const exact = row.credits === 0 ? "nothing charged" : `exactly ${formatSignedCredits(row.credits)} credits`;
  return (
    <tr data-type={row.type}>
      <td class="ledger__date">{formatDate(row.createdAt)}</td>
      <td class="ledger__what">
        <span class="ledger__description">{row.description}</span>
        <details class="ledger__details">
          <summary>
            Details<span class="visually-hidden"> of {row.description}</span>
          </summary>
          {row.entries.map((e) => (
            <dl key={e.id} class="ledger__entry">
              {entryFacts(e).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          ))}
        </details>
      </td>
      <td
        class={`num ledger__credits ${row.credits > 0 ? "positive" : row.credits < 0 ? "negative" : ""}`}
        title={exact}
      >
        <span class="ledger__label">Credits </span>
        {row.reserving > 0 ? (
          <span class="muted" data-testid="ledger-reserving">
            reserving ~{formatCost(row.reserving)}
          </span>
        ) : (
          change(row)
        )}
      </td>
      <td class="num ledger__after">
        <span class="ledger__label">Balance after </span>
        {formatBalance(row.availableAfter)}
      </td>
    </tr>
  );
}
