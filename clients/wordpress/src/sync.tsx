import { useEffect, useState } from "preact/hooks";
import { rest } from "./api.js";

export interface SyncState {
  waiting: number;
  problems: {
    postId: number;
    title: string;
    status: "retrying" | "failed";
    attempts: number;
    error: string;
    nextAt: string | null;
  }[];
  nextRun: string | null;
}

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "");

/**
 * The post sync queue: saved posts are sent in the background (WP-Cron), so this says what still waits, what failed
 * and why, and offers to send at once.
 */
export function SyncStatus({ onError }: { onError: (e: unknown) => void }) {
  const [state, setState] = useState<SyncState | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    rest<SyncState>("/sync").then(setState, onError);
  }, []);
  if (!state) return null;
  const sendNow = async () => {
    setBusy(true);
    onError(null);
    try {
      setState(await rest<SyncState>("/sync", { method: "POST", body: {} }));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  const idle = state.waiting === 0 && state.problems.length === 0;
  return (
    <div class="api-credits-sync">
      <p class="api-credits-sync-status" aria-live="polite">
        {idle
          ? "Every saved post has been sent to the knowledge base."
          : `${state.waiting} saved ${state.waiting === 1 ? "post is" : "posts are"} waiting to be sent${
              state.nextRun ? ` (next run: ${time(state.nextRun)})` : ""
            }.`}
        {busy ? " Sending…" : ""}
      </p>
      {state.problems.length > 0 && (
        <ul class="api-credits-sync-problems">
          {state.problems.map((p) => (
            <li key={p.postId} data-post={p.postId}>
              <strong>{p.title}</strong>:{" "}
              {p.status === "failed"
                ? `not sent after ${p.attempts} attempts`
                : `attempt ${p.attempts} failed, retrying at ${time(p.nextAt)}`}{" "}
              — {p.error}
            </li>
          ))}
        </ul>
      )}
      {!idle && (
        <button type="button" class="button api-credits-sync-retry" disabled={busy} onClick={sendNow}>
          {state.problems.length > 0 ? "Retry now" : "Send now"}
        </button>
      )}
    </div>
  );
}
