import { useState } from "preact/hooks";
import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { useResource } from "../../lib/hooks";
import type { WebhookDelivery } from "./webhook-types";

const STATUS_WORDS: Record<WebhookDelivery["status"], string> = {
  pending: "Waiting to retry",
  sending: "Sending",
  delivered: "Delivered",
  failed: "Failed",
};

function outcome(d: WebhookDelivery): string {
  if (d.responseStatus !== null)
    return `HTTP ${d.responseStatus}${d.latencyMs !== null ? ` in ${d.latencyMs} ms` : ""}`;
  return d.error ?? (d.attempts === 0 ? "Not sent yet" : "No answer");
}

/** One endpoint's delivery log, newest first, with "Send again". */
export function WebhookDeliveries({ endpointId, onStatus }: { endpointId: string; onStatus: (s: string) => void }) {
  const [pages, setPages] = useState<WebhookDelivery[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const path = `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries`;
  const first = useResource(
    (signal) =>
      api<{ data: WebhookDelivery[]; nextCursor: string | null }>("GET", `${path}?limit=20`, undefined, { signal }),
    [path],
  );
  const rows = [...(first.data?.data ?? []), ...pages.flat()];
  const next = pages.length ? cursor : (first.data?.nextCursor ?? null);

  return (
    <section class="card" aria-label="Delivery log">
      <div class="toolbar">
        <h3>Delivery log</h3>
        <button
          type="button"
          class="button button--small button--ghost"
          onClick={() => {
            setPages([]);
            void first.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <ErrorMessage error={first.error ?? error} />
      {first.loading && !first.data ? <Loading /> : null}
      {first.data && rows.length === 0 ? <p class="muted">Nothing sent yet.</p> : null}
      {rows.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Answer</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <th scope="row">{d.eventType}</th>
                  <td>{STATUS_WORDS[d.status]}</td>
                  <td class="num">{d.attempts}</td>
                  <td>{outcome(d)}</td>
                  <td>{d.nextAttemptAt ? formatDate(d.nextAttemptAt) : "—"}</td>
                  <td>{formatDate(d.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="button button--small"
                      disabled={d.status === "sending"}
                      onClick={async () => {
                        setError(undefined);
                        try {
                          await api("POST", `${path}/${encodeURIComponent(d.id)}/retry`);
                          onStatus(`Sending the ${d.eventType} event again.`);
                          setPages([]);
                          await first.reload();
                        } catch (err) {
                          setError(err);
                        }
                      }}
                    >
                      Send again<span class="visually-hidden"> {d.eventType}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <button
          type="button"
          class="button button--small button--ghost"
          onClick={async () => {
            try {
              const page = await api<{ data: WebhookDelivery[]; nextCursor: string | null }>(
                "GET",
                `${path}?limit=20&cursor=${encodeURIComponent(next)}`,
              );
              setPages((p) => [...p, page.data]);
              setCursor(page.nextCursor);
            } catch (err) {
              setError(err);
            }
          }}
        >
          Show older
        </button>
      ) : null}
    </section>
  );
}
