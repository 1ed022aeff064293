import { useState } from "preact/hooks";
import { ErrorMessage, Link, Loading } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDay } from "../lib/format";
import { useResource } from "../lib/hooks";
import type { AccountSummary } from "./types";

interface Page {
  data: AccountSummary[];
  nextCursor: string | null;
}

export function Accounts() {
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
  const [more, setMore] = useState<AccountSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const list = useResource(
    async (signal) => {
      const q = applied ? `&email=${encodeURIComponent(applied)}` : "";
      const page = await api<Page>("GET", `/v1/admin/accounts?limit=50${q}`, undefined, { signal });
      setMore([]);
      setCursor(page.nextCursor);
      return page;
    },
    [applied],
  );
  const rows = [...(list.data?.data ?? []), ...more];

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
      <ErrorMessage error={list.error ?? error} />
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
      {cursor ? (
        <button
          type="button"
          class="button button--ghost"
          onClick={async () => {
            try {
              const page = await api<Page>("GET", `/v1/admin/accounts?limit=50&cursor=${encodeURIComponent(cursor)}`);
              setMore((m) => [...m, ...page.data]);
              setCursor(page.nextCursor);
            } catch (err) {
              setError(err);
            }
          }}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}
