import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { type Page, useActions, usePages } from "../../lib/hooks";
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
  const path = `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries`;
  const pages = usePages(
    (cursor, signal) =>
      api<Page<WebhookDelivery>>(
        "GET",
        `${path}?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        undefined,
        { signal },
      ),
    [path],
  );
  const { first, rows } = pages;
  // "Send again" (at a delivery's id) shares the log's one error with "Show older".
  const retry = useActions<string>();

  return (
    <section class="card" aria-label="Delivery log">
      <div class="toolbar">
        <h3>Delivery log</h3>
        <button type="button" class="button button--small button--ghost" onClick={() => void first.reload()}>
          Refresh
        </button>
      </div>
      <ErrorMessage error={first.error ?? retry.error ?? pages.moreError} />
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
                      onClick={() =>
                        retry.run(d.id, async () => {
                          await api("POST", `${path}/${encodeURIComponent(d.id)}/retry`);
                          onStatus(`Sending the ${d.eventType} event again.`);
                          await first.reload();
                        })
                      }
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
      {pages.cursor ? (
        <button type="button" class="button button--small button--ghost" onClick={() => void pages.loadMore()}>
          Show older
        </button>
      ) : null}
    </section>
  );
}
