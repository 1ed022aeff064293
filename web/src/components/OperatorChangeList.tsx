import { formatDate } from "../lib/format";

/** One change the service's operator made to a customer's own rules (admin and dashboard read the same rows). */
export interface OperatorChange {
  id: string;
  summary: string;
  reason: string;
  createdAt: string;
}

/** The operator's changes, each with what changed, why and when; most recent first as given. */
export function OperatorChangeList({ changes }: { changes: OperatorChange[] }) {
  return (
    <ul class="list">
      {changes.map((c) => (
        <li key={c.id} class="list__item" data-change={c.id}>
          <span class="list__text">
            <span>{c.summary}</span>
            <br />
            <span class="muted">
              Why: {c.reason} — {formatDate(c.createdAt)}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}
