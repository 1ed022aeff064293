import type { ResponseOf } from "../../../packages/client/src/index";
import { ErrorMessage, Loading } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDate, formatMoney, formatSignedCredits } from "../lib/format";
import { type Page, usePages, useResource } from "../lib/hooks";
import { entryTypeName, operationName } from "./words";

type Entry = ResponseOf<"/v1/admin/accounts/{accountId}/ledger", "get">["data"][number];
type Usage = ResponseOf<"/v1/admin/accounts/{accountId}/usage", "get">;
type Purchases = ResponseOf<"/v1/admin/accounts/{accountId}/purchases", "get">;

/** "tokens 7,740, pages 17" from a ledger entry's measured quantity. */
function quantityText(q: Record<string, unknown> | null): string {
  if (!q) return "";
  return Object.entries(q)
    .filter(([, v]) => typeof v === "number" || typeof v === "string")
    .filter(([k]) => !/id$/i.test(k))
    .slice(0, 4)
    .map(([k, v]) => `${k} ${typeof v === "number" ? v.toLocaleString("en-US") : v}`)
    .join(", ");
}

/** What the operator needs to answer "why was I charged?": the account's usage, purchases and ledger. */
export function AccountActivity({ accountId }: { accountId: string }) {
  const base = `/v1/admin/accounts/${encodeURIComponent(accountId)}`;
  const usage = useResource((signal) => api<Usage>("GET", `${base}/usage?days=30`, undefined, { signal }), [base]);
  const purchases = useResource((signal) => api<Purchases>("GET", `${base}/purchases`, undefined, { signal }), [base]);
  const ledger = usePages(
    (cursor, signal) =>
      api<Page<Entry>>(
        "GET",
        `${base}/ledger?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        undefined,
        {
          signal,
        },
      ),
    [base],
  );
  const first = ledger.first;
  const entries = ledger.rows;

  return (
    <>
      <h2>Usage, last 30 days</h2>
      <ErrorMessage error={usage.error} />
      {usage.data ? (
        Object.keys(usage.data.totals.byOperation).length === 0 ? (
          <p>No credits used in the last 30 days.</p>
        ) : (
          <ul class="list card" data-testid="account-usage">
            {Object.entries(usage.data.totals.byOperation).map(([op, credits]) => (
              <li key={op} class="list__item">
                <span>{operationName(op)}</span>
                <strong>
                  {formatCredits(credits)} {credits === 1 ? "credit" : "credits"}
                </strong>
              </li>
            ))}
          </ul>
        )
      ) : (
        <Loading />
      )}

      <h2>Purchases</h2>
      <ErrorMessage error={purchases.error} />
      {purchases.data && purchases.data.data.length === 0 ? <p>No purchases.</p> : null}
      {purchases.data && purchases.data.data.length > 0 ? (
        <div class="table-scroll">
          <table class="table-stack" data-testid="account-purchases">
            <caption class="visually-hidden">Purchases</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">What</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {purchases.data.data.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{formatDate(p.createdAt)}</th>
                  <td data-label="What">
                    {formatCredits(p.credits)} credits
                    {p.bonusCredits > 0 ? ` (${formatCredits(p.bonusCredits)} bonus)` : ""}
                  </td>
                  <td data-label="Amount">{formatMoney(p.amountCents)}</td>
                  <td data-label="Status">
                    {p.status}
                    {p.refundedCents > 0 ? `, ${formatMoney(p.refundedCents)} refunded` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <h2>Ledger</h2>
      <ErrorMessage error={first.error ?? ledger.moreError} />
      {first.loading && entries.length === 0 ? <Loading /> : null}
      {first.data && entries.length === 0 ? <p>No movements of credits yet.</p> : null}
      {entries.length > 0 ? (
        <div class="table-scroll">
          <table class="table-stack" data-testid="account-ledger">
            <caption class="visually-hidden">Ledger of this account, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col" class="num">
                  Credits
                </th>
                <th scope="col" class="num">
                  Balance after
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-type={e.type}>
                  <th scope="row">{formatDate(e.createdAt)}</th>
                  <td data-label="What">
                    {entryTypeName(e.type)}
                    {e.operation ? ` · ${operationName(e.operation)}` : ""}
                    {e.reason ? ` · ${e.reason}` : ""}
                    {e.quantity ? <span class="muted"> ({quantityText(e.quantity)})</span> : null}
                  </td>
                  <td data-label="Credits" class="num">
                    {e.credits !== 0 || e.heldCredits === 0
                      ? formatSignedCredits(e.credits)
                      : e.heldCredits > 0
                        ? `${formatCredits(e.heldCredits)} reserved`
                        : `${formatCredits(-e.heldCredits)} returned`}
                  </td>
                  <td data-label="Balance after" class="num">
                    {formatCredits(e.balanceAfter)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {ledger.cursor ? (
        <button type="button" class="button button--ghost" onClick={ledger.loadMore}>
          Show older entries
        </button>
      ) : null}
    </>
  );
}
