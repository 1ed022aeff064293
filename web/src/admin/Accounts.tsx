import { useState } from "preact/hooks";
import { ErrorMessage, Link, Loading } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDay } from "../lib/format";
import { type Page, usePages } from "../lib/hooks";
import type { AccountSummary } from "./types";

export function Accounts() {
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
  const pages = usePages(
    (cursor, signal) =>
      api<Page<AccountSummary>>(
        "GET",
        cursor
          ? `/v1/admin/accounts?limit=50&cursor=${encodeURIComponent(cursor)}`
          : `/v1/admin/accounts?limit=50${applied ? `&email=${encodeURIComponent(applied)}` : ""}`,
        undefined,
        { signal },
      ),
    [applied],
  );
  const list = pages.first;
  const rows = pages.rows;

  return (
    <section>
      <h1>Accounts</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter.trim());
        }}
      >
        <div class="field field--inline">
          <label for="account-email">Email</label>
          <input id="account-email" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          <button type="submit" class="button button--ghost">
            Find
          </button>
        </div>
      </form>
      <ErrorMessage error={list.error ?? pages.moreError} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && rows.length === 0 ? <p>No accounts{applied ? ` with the email ${applied}` : ""}.</p> : null}
      {rows.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Accounts</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col" class="num">
                  Licences
                </th>
                <th scope="col" class="num">
                  Credits
                </th>
                <th scope="col" class="num">
                  Reserved
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-account={a.id}>
                  <th scope="row">
                    <Link href={`/admin/accounts/${encodeURIComponent(a.id)}`}>{a.email}</Link>
                  </th>
                  <td class="num">{a.licenses}</td>
                  <td class="num">{formatCredits(a.credits)}</td>
                  <td class="num">{formatCredits(a.reservedCredits)}</td>
                  <td>{formatDay(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {pages.cursor ? (
        <button type="button" class="button button--ghost" onClick={pages.loadMore}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
