import { useEffect, useState } from "preact/hooks";
import { ErrorMessage, Link, Loading, ProgressBar, Receipt, StatusBadge } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDate, formatInt } from "../lib/format";
import { useResource } from "../lib/hooks";
import { navigate } from "../lib/router";
import { AddContent } from "./AddContent";
import { type DocumentInfo, documentError, type KnowledgeBaseInfo } from "./knowledge-types";
import { SearchPanel } from "./SearchPanel";
import { refreshBalance } from "./session";

const busy = (d: DocumentInfo) => d.status === "queued" || d.status === "processing";

export function KnowledgeBase({ id }: { id: string }) {
  const base = `/v1/knowledge-bases/${encodeURIComponent(id)}`;
  const kb = useResource((signal) => api<KnowledgeBaseInfo>("GET", base, undefined, { signal }), [base]);
  const docs = useResource(
    (signal) => api<{ data: DocumentInfo[] }>("GET", `${base}/documents`, undefined, { signal }),
    [base],
  );
  const [error, setError] = useState<unknown>();
  const [receipt, setReceipt] = useState<unknown>();
  const working = docs.data?.data.some(busy) ?? false;

  // Ingestion runs in the background: poll while any document is still on its way, then settle the balance.
  useEffect(() => {
    if (!working) return;
    const t = setInterval(() => void docs.reload(), 1500);
    return () => {
      clearInterval(t);
      void refreshBalance();
    };
  }, [working, docs.reload]);

  if (kb.error) return <ErrorMessage error={kb.error} />;
  if (!kb.data) return <Loading />;
  return (
    <section>
      <p>
        <Link href="/dashboard/knowledge">← All knowledge bases</Link>
      </p>
      <div class="page-title">
        <h1>{kb.data.name}</h1>
        <button
          type="button"
          class="button button--danger button--small"
          onClick={async () => {
            if (!window.confirm(`Delete “${kb.data!.name}” and all its documents? This is permanent.`)) return;
            try {
              await api("DELETE", base);
              navigate("/dashboard/knowledge");
            } catch (err) {
              setError(err);
            }
          }}
        >
          Delete knowledge base
        </button>
      </div>
      <ErrorMessage error={error} />
      <AddContent
        base={base}
        onAdded={async () => {
          await docs.reload();
          await refreshBalance();
        }}
      />
      <h2>Documents</h2>
      <ErrorMessage error={docs.error} />
      {receipt ? (
        <div class="card" role="status">
          <h3>Deleted</h3>
          <Receipt value={receipt} />
        </div>
      ) : null}
      {docs.data && docs.data.data.length === 0 ? <p>No documents yet.</p> : null}
      {docs.data && docs.data.data.length > 0 ? (
        <div class="table-scroll">
          <table class="documents table-stack">
            <caption class="visually-hidden">Documents of this knowledge base</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Pages
                </th>
                <th scope="col" class="num">
                  Tokens
                </th>
                <th scope="col" class="num">
                  Credits
                </th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {docs.data.data.map((d) => (
                <tr key={d.id} data-document={d.name} data-status={d.status}>
                  <th scope="row" class="documents__name">
                    {d.name}
                  </th>
                  <td data-label="Status">
                    <StatusBadge status={d.status} />
                    {busy(d) ? <ProgressBar value={d.progress ?? undefined} label={`Indexing ${d.name}`} /> : null}
                    {d.status === "failed" && documentError(d) ? <p class="negative">{documentError(d)}</p> : null}
                  </td>
                  <td class="num" data-label="Pages">
                    {d.pages == null ? "—" : formatInt(d.pages)}
                  </td>
                  <td class="num" data-label="Tokens">
                    {d.tokens == null ? "—" : formatInt(d.tokens)}
                  </td>
                  <td class="num" data-label="Credits">
                    {d.credits == null ? "—" : formatCredits(d.credits)}
                  </td>
                  <td data-label="Added">{formatDate(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="button button--ghost button--small"
                      onClick={async () => {
                        if (!window.confirm(`Delete “${d.name}”? This is permanent.`)) return;
                        setError(undefined);
                        try {
                          setReceipt(await api("DELETE", `${base}/documents/${encodeURIComponent(d.id)}`));
                          await docs.reload();
                        } catch (err) {
                          setError(err);
                        }
                      }}
                    >
                      Delete<span class="visually-hidden"> {d.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <SearchPanel base={base} />
    </section>
  );
}
