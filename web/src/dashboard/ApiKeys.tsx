import { useState } from "preact/hooks";
import { ErrorMessage, Loading, SecretOnce } from "../components/ui";
import { api } from "../lib/api";
import { formatDate } from "../lib/format";
import { useResource } from "../lib/hooks";
import type { CustomerSession } from "./session";

interface ApiKey {
  id: string;
  name: string;
  siteId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function ApiKeys({ session }: { session: CustomerSession }) {
  const keys = useResource((signal) => api<{ data: ApiKey[] }>("GET", "/v1/api-keys", undefined, { signal }), []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ id: string; key: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  return (
    <section>
      <h1>API keys</h1>
      <p>
        Keys let the plugin or any HTTP client use your credits.{" "}
        {session.siteId ? "You are signed in with a site's key: you see that site's keys only." : ""}
      </p>
      <form
        class="card form-row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          setBusy(true);
          setError(undefined);
          try {
            setCreated(await api<{ id: string; key: string }>("POST", "/v1/api-keys", { name: name.trim() }));
            setName("");
            await keys.reload();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field field--grow">
          <label for="key-name">New key name</label>
          <input
            id="key-name"
            required
            maxLength={100}
            placeholder="Staging site"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button" aria-disabled={busy ? "true" : undefined}>
          Create key
        </button>
      </form>
      {created ? <SecretOnce label="Your new API key" value={created.key} /> : null}
      <ErrorMessage error={error} />
      <ErrorMessage error={keys.error} />
      {keys.loading && !keys.data ? <Loading /> : null}
      {keys.data && keys.data.data.length === 0 ? <p>No API keys yet.</p> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <th scope="row">
                    {k.name}
                    {k.id === session.keyId ? <span class="muted"> (this session)</span> : null}
                  </th>
                  <td>{formatDate(k.createdAt)}</td>
                  <td>{formatDate(k.lastUsedAt)}</td>
                  <td>{k.revokedAt ? `revoked ${formatDate(k.revokedAt)}` : "active"}</td>
                  <td>
                    {k.revokedAt ? null : (
                      <button
                        type="button"
                        class="button button--danger button--small"
                        onClick={async () => {
                          const warning =
                            k.id === session.keyId
                              ? " You are signed in with this key: revoking it signs you out."
                              : "";
                          if (!window.confirm(`Revoke the key “${k.name}”? Clients using it stop working.${warning}`))
                            return;
                          setError(undefined);
                          try {
                            await api("DELETE", `/v1/api-keys/${encodeURIComponent(k.id)}`);
                            await keys.reload();
                          } catch (err) {
                            setError(err);
                          }
                        }}
                      >
                        Revoke<span class="visually-hidden"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
