import { useEffect, useRef, useState } from "preact/hooks";
import { type DeletionReceipt, ErrorMessage, Link, Loading, ProgressBar, Receipt, StatusBadge } from "../components/ui";
import { api } from "../lib/api";
import { formatCost, formatCredits, formatDate, formatInt } from "../lib/format";
import { useActions, useResource, useSubmit } from "../lib/hooks";
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
  const deleteBase = useSubmit(async () => {
    await api("DELETE", base);
    navigate("/dashboard/knowledge");
  });
  const deleteDocument = useActions<string>();
  const [receipt, setReceipt] = useState<DeletionReceipt>();
  const working = docs.data?.data.some(busy) ?? false;
  const reserving = useReservations(docs.data?.data);
  const finished = useFinished(docs.data?.data);

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
            await deleteBase.submit();
          }}
        >
          Delete knowledge base
        </button>
      </div>
      <ErrorMessage error={deleteBase.error} />
      <AddContent
        base={base}
        onAdded={async () => {
          await docs.reload();
          await refreshBalance();
        }}
      />
      <h2>Documents</h2>
      <p class="inline-status" role="status" data-testid="documents-status">
        {finished}
      </p>
      <ErrorMessage error={docs.error} />
      <ErrorMessage error={deleteDocument.error} />
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
                  <td
                    class="num"
                    data-label="Credits"
                    title={d.credits ? `${formatCredits(d.credits)} credits` : undefined}
                  >
                    {busy(d) && reserving.has(d.id) ? (
                      <span class="muted" data-testid="doc-reserving">
                        reserving ~{formatCost(reserving.get(d.id)!)}
                      </span>
                    ) : d.credits == null ? (
                      "—"
                    ) : (
                      formatCost(d.credits)
                    )}
                  </td>
                  <td data-label="Added">{formatDate(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="button button--ghost button--small"
                      onClick={async () => {
                        if (!window.confirm(`Delete “${d.name}”? This is permanent.`)) return;
                        await deleteDocument.run(d.id, async () => {
                          setReceipt(
                            await api<DeletionReceipt>("DELETE", `${base}/documents/${encodeURIComponent(d.id)}`),
                          );
                          await docs.reload();
                        });
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

/**
 * What each document still being indexed has reserved: the open hold's amount, from the ledger's hold entries (a
 * hold's reference is its document). Read only while some document is busy.
 */
function useReservations(docs: DocumentInfo[] | undefined): Map<string, number> {
  const [held, setHeld] = useState(new Map<string, number>());
  const pending = docs?.filter(busy).map((d) => d.id) ?? [];
  const key = pending.join(",");
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    api<{ data: { reference: string | null; heldCredits: number; holdId: string | null }[] }>(
      "GET",
      "/v1/ledger?type=hold&limit=100",
      undefined,
      { signal: controller.signal },
    )
      .then((page) => {
        const next = new Map<string, number>();
        for (const e of page.data) if (e.reference && !next.has(e.reference)) next.set(e.reference, e.heldCredits);
        setHeld(next);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [key]);
  return held;
}

/**
 * Announces (in a live status) each document that finishes in the background while the page is open: indexed and
 * what it cost, or why it failed and that nothing was charged.
 */
function useFinished(docs: DocumentInfo[] | undefined): string {
  const wasBusy = useRef(new Set<string>());
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!docs) return;
    const done: string[] = [];
    for (const d of docs) {
      if (busy(d)) wasBusy.current.add(d.id);
      else if (wasBusy.current.delete(d.id))
        done.push(
          d.status === "ready"
            ? `“${d.name}” is indexed — ${formatCost(d.credits ?? 0)} credits.`
            : `“${d.name}” could not be indexed${documentError(d) ? `: ${documentError(d)}` : ""}. Nothing was charged.`,
        );
    }
    if (done.length) setMessage(done.join(" "));
  }, [docs]);
  return message;
}
