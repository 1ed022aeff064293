import { useState } from "preact/hooks";
import { ErrorMessage, Loading } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDate, formatSignedCredits } from "../lib/format";
import { useResource } from "../lib/hooks";

interface Entry {
  id: string;
  type: string;
  credits: number;
  heldCredits: number;
  balanceAfter: number;
  operation: string | null;
  quantity: Record<string, unknown> | null;
  reference: string | null;
  reason: string | null;
  createdAt: string;
}

interface Page {
  data: Entry[];
  nextCursor: string | null;
}

const TYPES = ["purchase", "bonus", "grant", "adjustment", "usage", "hold", "release", "refund"];

function describe(e: Entry): string {
  const parts: string[] = [];
  if (e.operation) parts.push(e.operation);
  if (e.quantity)
    parts.push(
      Object.entries(e.quantity)
        .map(([k, v]) => `${k} ${typeof v === "number" ? v.toLocaleString("en-US") : String(v)}`)
        .join(", "),
    );
  if (e.reason) parts.push(e.reason);
  if (e.heldCredits !== 0) parts.push(`reserved ${formatSignedCredits(e.heldCredits)}`);
  return parts.join(" · ") || (e.reference ?? "");
}

export function Ledger() {
  const [type, setType] = useState("");
  const [more, setMore] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const first = useResource(
    async (signal) => {
      const page = await api<Page>("GET", `/v1/ledger?limit=50${type ? `&type=${type}` : ""}`, undefined, { signal });
      setMore([]);
      setCursor(page.nextCursor);
      return page;
    },
    [type],
  );
  const entries = [...(first.data?.data ?? []), ...more];

  return (
    <section>
      <h1>Ledger</h1>
      <p>Every movement of credits, newest first. Entries are never changed or removed.</p>
      <div class="toolbar">
        <div class="field field--inline">
          <label for="ledger-type">Type</label>
          <select id="ledger-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
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
      {first.data && entries.length === 0 ? <p>No entries{type ? ` of type ${type}` : ""} yet.</p> : null}
      {entries.length > 0 ? (
        <div class="table-scroll">
          <table class="ledger" aria-busy={first.loading}>
            <caption class="visually-hidden">Ledger entries</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Credits
                </th>
                <th scope="col" class="num">
                  Balance after
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-type={e.type}>
                  <td>{formatDate(e.createdAt)}</td>
                  <td>{e.type}</td>
                  <td class={`num ${e.credits > 0 ? "positive" : e.credits < 0 ? "negative" : ""}`}>
                    {formatSignedCredits(e.credits)}
                  </td>
                  <td class="num">{formatCredits(e.balanceAfter)}</td>
                  <td class="ledger__details">{describe(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={moreError} />
      {cursor ? (
        <button
          type="button"
          class="button button--ghost"
          onClick={async () => {
            setMoreError(undefined);
            try {
              const page = await api<Page>("GET", `/v1/ledger?limit=50&cursor=${cursor}${type ? `&type=${type}` : ""}`);
              setMore((m) => [...m, ...page.data]);
              setCursor(page.nextCursor);
            } catch (err) {
              setMoreError(err);
            }
          }}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}
