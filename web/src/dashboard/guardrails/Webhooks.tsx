import { useState } from "preact/hooks";
import { ErrorMessage, Loading, SecretOnce } from "../../components/ui";
import { api } from "../../lib/api";
import { useActions, useResource } from "../../lib/hooks";
import type { CustomerSession } from "../session";
import { WebhookDeliveries } from "./WebhookDeliveries";
import { EVENT_CHOICES, type WebhookEndpoint, type WebhookEvent } from "./webhook-types";

const wrap = { flexWrap: "wrap", gap: "0 16px" } as const;
// The stylesheet sizes inputs to the full width (text fields); a checkbox keeps its own size beside its label.
const checkbox = { width: "auto", minHeight: 0, accentColor: "var(--primary)" } as const;

function eventsSummary(events: WebhookEvent[]): string {
  if (events.includes("*")) return "All events";
  return events.map((t) => EVENT_CHOICES.find((c) => c.type === t)?.label ?? t).join(", ");
}

function stateOf(e: WebhookEndpoint): string {
  if (e.enabled) return "On";
  return e.disabledReason === "failing" ? "Off: it kept failing" : "Off";
}

/** Webhook endpoints: add (URL + events, the secret shown once), turn on/off, new secret, test, delete, the log. */
export function WebhooksSection({ session }: { session: CustomerSession }) {
  const owner = session.via === "license_key";
  const endpoints = useResource(
    (signal) =>
      owner
        ? api<{ data: WebhookEndpoint[] }>("GET", "/v1/webhook-endpoints", undefined, { signal })
        : Promise.resolve({ data: [] }),
    [owner],
  );
  const [url, setUrl] = useState("");
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<WebhookEvent[]>([]);
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const [status, setStatus] = useState("");
  // Every action (adding: "add"; an endpoint's: its id) shares one error, shown above the list.
  const actions = useActions<string>();

  if (!owner)
    return (
      <section aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">Webhooks</h2>
        <p class="muted">Only the account owner can see and change webhooks.</p>
      </section>
    );

  const act = async (at: string, work: () => Promise<void>) => {
    setStatus("");
    await actions.run(at, async () => {
      await work();
      await endpoints.reload();
    });
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p>
        Your server gets a signed POST when something happens on your account. Check the signature with the secret shown
        when you add the endpoint.
      </p>
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          await act("add", async () => {
            const made = await api<WebhookEndpoint & { secret: string }>("POST", "/v1/webhook-endpoints", {
              url: url.trim(),
              events: all ? ["*"] : picked,
            });
            setSecret({ label: `Signing secret for ${made.url}`, value: made.secret });
            setUrl("");
            setStatus("Endpoint added.");
          });
        }}
      >
        <div class="field">
          <label for="webhook-url">Endpoint URL</label>
          <input
            id="webhook-url"
            type="url"
            required
            maxLength={2048}
            placeholder="https://example.com/webhooks"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </div>
        <fieldset>
          <legend>Events to send</legend>
          <label class="choice">
            <input type="checkbox" style={checkbox} checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
            All events
          </label>
          {all ? null : (
            <div class="choices" style={wrap}>
              {EVENT_CHOICES.map((c) => (
                <label key={c.type} class="choice">
                  <input
                    type="checkbox"
                    style={checkbox}
                    value={c.type}
                    checked={picked.includes(c.type)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setPicked((p) => (on ? [...p, c.type] : p.filter((t) => t !== c.type)));
                    }}
                  />
                  {c.label}
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <button type="submit" class="button" disabled={actions.busy === "add" || (!all && picked.length === 0)}>
          Add endpoint
        </button>
      </form>
      {secret ? <SecretOnce label={secret.label} value={secret.value} /> : null}
      <p class="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorMessage error={actions.error ?? endpoints.error} />
      {endpoints.loading && !endpoints.data ? <Loading /> : null}
      {endpoints.data?.data.length === 0 ? <p class="muted">No endpoints yet.</p> : null}
      <ul class="list">
        {endpoints.data?.data.map((e) => {
          const base = `/v1/webhook-endpoints/${encodeURIComponent(e.id)}`;
          return (
            <li key={e.id} class="card" data-endpoint={e.id}>
              <p>
                <strong class="wrap">{e.url}</strong>
              </p>
              <p class="muted">
                {stateOf(e)} · {eventsSummary(e.events)}
              </p>
              <div class="row-actions">
                <button
                  type="button"
                  class="button button--small"
                  onClick={() =>
                    act(e.id, async () => {
                      await api("PATCH", base, { enabled: !e.enabled });
                      setStatus(e.enabled ? "Endpoint turned off." : "Endpoint turned on.");
                    })
                  }
                >
                  {e.enabled ? "Turn off" : "Turn on"}
                </button>
                <button
                  type="button"
                  class="button button--small"
                  onClick={() =>
                    act(e.id, async () => {
                      await api("POST", `${base}/test`);
                      setStatus("Test event sent.");
                      setOpen(e.id);
                    })
                  }
                >
                  Send test event
                </button>
                <button
                  type="button"
                  class="button button--small"
                  onClick={() => {
                    if (!window.confirm("Make a new secret? The old one keeps working for 24 hours.")) return;
                    void act(e.id, async () => {
                      const r = await api<{ secret: string }>("POST", `${base}/rotate-secret`);
                      setSecret({ label: `New signing secret for ${e.url}`, value: r.secret });
                    });
                  }}
                >
                  New secret
                </button>
                <button
                  type="button"
                  class="button button--small button--ghost"
                  aria-expanded={open === e.id}
                  onClick={() => setOpen(open === e.id ? undefined : e.id)}
                >
                  {open === e.id ? "Hide deliveries" : "Show deliveries"}
                </button>
                <button
                  type="button"
                  class="button button--small button--danger"
                  onClick={() => {
                    if (!window.confirm(`Delete the endpoint ${e.url} and its delivery log?`)) return;
                    void act(e.id, async () => {
                      await api("DELETE", base);
                      setStatus("Endpoint deleted.");
                    });
                  }}
                >
                  Delete<span class="visually-hidden"> {e.url}</span>
                </button>
              </div>
              {open === e.id ? <WebhookDeliveries endpointId={e.id} onStatus={setStatus} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
