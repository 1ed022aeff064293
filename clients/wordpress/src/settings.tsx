import { useEffect, useState } from "preact/hooks";
import { formatCredits, rest } from "./api.js";
import { SyncStatus } from "./sync.js";
import { BalanceView, describePlan, Failure, useBalance, usePlan } from "./widgets.js";

interface Connection {
  connection: { connected: boolean; serviceUrl?: string; siteId?: string; siteUrl?: string; connectedAt?: string };
  options: { postTypes: string[]; searchEnabled: boolean; searchPerMinute: number; deleteDataOnUninstall: boolean };
  postTypes: { name: string; label: string }[];
  homeUrl: string;
}
interface Pack {
  id: string;
  priceCents: number;
  credits: number;
  bonusCredits: number;
}

export function Settings() {
  const [state, setState] = useState<Connection | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    rest<Connection>("/connection").then(setState, setError);
  }, []);
  if (!state) return <Failure error={error} />;
  return (
    <div class="api-credits-settings">
      <h1>API Credits</h1>
      {new URLSearchParams(location.search).get("checkout") === "success" && (
        <div class="notice notice-success inline">
          <p>Thank you: your credits are added as soon as the payment is confirmed.</p>
        </div>
      )}
      <Failure error={error} />
      {state.connection.connected ? (
        <Connected state={state} onChange={setState} onError={setError} />
      ) : (
        <Connect onConnected={setState} onError={setError} />
      )}
    </div>
  );
}

function Connect({ onConnected, onError }: { onConnected: (c: Connection) => void; onError: (e: unknown) => void }) {
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    onError(null);
    try {
      onConnected(
        await rest<Connection>("/connect", {
          method: "POST",
          body: { serviceUrl: form.get("serviceUrl"), key: form.get("key") },
        }),
      );
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="api-credits-connect" onSubmit={submit}>
      <h2>Connect this site</h2>
      <p>
        <label>
          Service URL <input name="serviceUrl" type="url" required class="regular-text" />
        </label>
      </p>
      <p>
        <label>
          Licence key or activation code{" "}
          <input name="key" type="password" required autocomplete="off" class="regular-text" />
        </label>
      </p>
      <p class="description">
        An agency can create a one-time activation code for this site in its dashboard (API keys), so the licence key
        itself need not be shared.
      </p>
      <button type="submit" class="button button-primary" disabled={busy}>
        {busy ? "Connecting…" : "Connect"}
      </button>
    </form>
  );
}

function Connected(props: { state: Connection; onChange: (c: Connection) => void; onError: (e: unknown) => void }) {
  const { connection, options } = props.state;
  const [balance, balanceError] = useBalance();
  const plan = usePlan();
  const act = (fn: () => Promise<unknown>) => () => {
    props.onError(null);
    fn().catch(props.onError);
  };
  // Optimistic: a checkbox shows its new state at once (a controlled input would snap back while the save runs).
  const save = (body: object) => {
    props.onChange({ ...props.state, options: { ...options, ...body } });
    return rest<Connection>("/options", { method: "POST", body }).then(props.onChange);
  };
  return (
    <div>
      <h2>Connection</h2>
      <table class="form-table" role="presentation">
        <tbody>
          <tr>
            <th>Service</th>
            <td class="api-credits-service">{connection.serviceUrl}</td>
          </tr>
          <tr>
            <th>Site</th>
            <td class="api-credits-site">
              {connection.siteUrl} ({connection.siteId})
            </td>
          </tr>
          <tr>
            <th>Plan</th>
            <td class="api-credits-plan">{plan ? describePlan(plan) : "…"}</td>
          </tr>
        </tbody>
      </table>
      <button
        type="button"
        class="button api-credits-disconnect"
        onClick={act(() => rest<Connection>("/disconnect", { method: "POST" }).then(props.onChange))}
      >
        Disconnect
      </button>
      <h2 id="buy">Balance</h2>
      <BalanceView balance={balance} error={balanceError} />
      <Packs onError={props.onError} />
      <Knowledge options={options} postTypes={props.state.postTypes} save={save} onError={props.onError} />
      <h2>Your data</h2>
      <p>
        <label>
          <input
            type="checkbox"
            class="api-credits-delete-on-uninstall"
            checked={options.deleteDataOnUninstall}
            onChange={(e) => save({ deleteDataOnUninstall: (e.target as HTMLInputElement).checked })}
          />{" "}
          When the plugin is deleted, also delete this site's data in the service
        </label>
      </p>
      <DeleteData onError={props.onError} />
    </div>
  );
}

function Packs({ onError }: { onError: (e: unknown) => void }) {
  const [packs, setPacks] = useState<Pack[]>([]);
  useEffect(() => {
    rest<{ data: Pack[] }>("/packs").then((p) => setPacks(p.data), onError);
  }, []);
  const buy = (packId: string) => () =>
    rest<{ url: string }>("/checkout", { method: "POST", body: { packId } }).then((r) => {
      location.href = r.url;
    }, onError);
  return (
    <ul class="api-credits-packs">
      {packs.map((p) => (
        <li key={p.id}>
          <button type="button" class="button" onClick={buy(p.id)}>
            Buy {formatCredits(p.credits)} credits for ${(p.priceCents / 100).toFixed(2)}
            {p.bonusCredits > 0 ? ` (${formatCredits(p.bonusCredits)} bonus included)` : ""}
          </button>
        </li>
      ))}
    </ul>
  );
}

function Knowledge(props: {
  options: Connection["options"];
  postTypes: Connection["postTypes"];
  save: (body: object) => Promise<void>;
  onError: (e: unknown) => void;
}) {
  const [progress, setProgress] = useState<{ indexed: number; failed: number; total: number; done: boolean } | null>(
    null,
  );
  const indexAll = async () => {
    props.onError(null);
    try {
      type Progress = { indexed: number; failed: number; total: number; done: boolean };
      let state = await rest<Progress>("/index", { method: "POST", body: { restart: true } });
      setProgress(state);
      while (!state.done) {
        state = await rest<Progress>("/index", { method: "POST", body: {} });
        setProgress(state);
      }
    } catch (e) {
      props.onError(e);
    }
  };
  const toggleType = (name: string, on: boolean) =>
    props
      .save({ postTypes: on ? [...props.options.postTypes, name] : props.options.postTypes.filter((t) => t !== name) })
      .catch(props.onError);
  return (
    <div class="api-credits-knowledge">
      <h2>Site knowledge</h2>
      <p>
        Published posts of these types are kept in the site's knowledge base (private and password-protected never):
      </p>
      {props.postTypes.map((t) => (
        <label key={t.name} class="api-credits-type">
          <input
            type="checkbox"
            value={t.name}
            checked={props.options.postTypes.includes(t.name)}
            onChange={(e) => toggleType(t.name, (e.target as HTMLInputElement).checked)}
          />{" "}
          {t.label}{" "}
        </label>
      ))}
      <SyncStatus onError={props.onError} />
      <p>
        <button type="button" class="button api-credits-index" onClick={indexAll}>
          Index everything
        </button>{" "}
        {progress && (
          <span class="api-credits-index-progress">
            <progress max={Math.max(1, progress.total)} value={progress.indexed + progress.failed} />{" "}
            {progress.indexed + progress.failed} of {progress.total}
            {progress.done ? " — done" : ""}
            {progress.failed ? ` (${progress.failed} failed)` : ""}
          </span>
        )}
      </p>
      <p>
        <label>
          <input
            type="checkbox"
            class="api-credits-search-enabled"
            checked={props.options.searchEnabled}
            onChange={(e) => props.save({ searchEnabled: (e.target as HTMLInputElement).checked }).catch(props.onError)}
          />{" "}
          Enable the "Search this site" block and [api_credits_search] shortcode (each search costs credits)
        </label>
      </p>
      <p>
        <label>
          Searches per visitor per minute{" "}
          <input
            type="number"
            min={1}
            max={600}
            value={props.options.searchPerMinute}
            onChange={(e) =>
              props.save({ searchPerMinute: Number((e.target as HTMLInputElement).value) }).catch(props.onError)
            }
          />
        </label>
      </p>
    </div>
  );
}

function DeleteData({ onError }: { onError: (e: unknown) => void }) {
  const [receipt, setReceipt] = useState<{ deleted: Record<string, number>; completedAt: string } | null>(null);
  const run = () => {
    if (!confirm("Delete this site's knowledge bases, documents and images in the service? This cannot be undone."))
      return;
    rest<{ deleted: Record<string, number>; completedAt: string }>("/data", { method: "DELETE" }).then(
      setReceipt,
      onError,
    );
  };
  return (
    <div>
      <button type="button" class="button button-link-delete api-credits-delete-data" onClick={run}>
        Delete this site's data in the service
      </button>
      {receipt && (
        <p class="api-credits-receipt">
          Deleted {receipt.deleted.knowledgeBases} knowledge bases, {receipt.deleted.documents} documents and{" "}
          {receipt.deleted.images} images at {receipt.completedAt}.
        </p>
      )}
    </div>
  );
}
