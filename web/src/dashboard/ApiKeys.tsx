import { useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { ErrorMessage, Loading, Notice, SecretOnce } from "../components/ui";
import { api } from "../lib/api";
import { formatDate } from "../lib/format";
import { useActions, useResource, useSubmit } from "../lib/hooks";
import type { SiteInfo } from "./knowledge-types";
import type { CustomerSession } from "./session";

/** The owner's sites: deactivating one frees its licence slot (to move to a new address) and stops its keys. */
function Sites({ onChanged }: { onChanged: () => void }) {
  const sites = useResource((signal) => api<{ data: SiteInfo[] }>("GET", "/v1/sites", undefined, { signal }), []);
  const deactivation = useActions<string>();
  const [done, setDone] = useState<string | undefined>();
  return (
    <section aria-labelledby="sites-title">
      <h2 id="sites-title">Sites</h2>
      <p>
        Each site the plugin is activated on takes one of your licence's sites. Deactivate a site you no longer use to
        free it: its keys stop working at once. Its knowledge bases and images stay in your account.
      </p>
      <ErrorMessage error={deactivation.error ?? sites.error} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      {sites.data && sites.data.data.length === 0 ? <p>No site is activated.</p> : null}
      {sites.data && sites.data.data.length > 0 ? (
        <ul class="list card">
          {sites.data.data.map((site) => (
            <li key={site.id} class="list__item" data-site={site.id}>
              <span>{site.url.replace(/^https?:\/\//, "")}</span>
              <button
                type="button"
                class="button button--danger button--small"
                onClick={async () => {
                  if (
                    !window.confirm(
                      `Deactivate ${site.url}? The plugin on that site stops working until it is activated again.`,
                    )
                  )
                    return;
                  setDone(undefined);
                  await deactivation.run(site.id, async () => {
                    await api("POST", `/v1/sites/${encodeURIComponent(site.id)}/deactivate`);
                    setDone(`${site.url} is deactivated; its keys no longer work.`);
                    await sites.reload();
                    onChanged();
                  });
                }}
              >
                Deactivate<span class="visually-hidden"> {site.url}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Replaces a leaked licence key: the old one stops working at once, and so do the sessions signed in with it. */
function LicenseKey({ session, onReplaced }: { session: CustomerSession; onReplaced: (key: string) => void }) {
  const [replaced, setReplaced] = useState<string | undefined>();
  const rotate = useSubmit(async () => {
    const r = await api<ResponseOf<"/v1/license/rotate-key", "post">>("POST", "/v1/license/rotate-key");
    if (session.via === "license_key") onReplaced(r.key);
    else setReplaced(r.key);
  });
  return (
    <section aria-labelledby="licence-key-title">
      <h2 id="licence-key-title">Licence key</h2>
      <p>
        If your licence key may have leaked, replace it. The old key stops working at once and everyone signed in with
        it is signed out{session.via === "license_key" ? ", you included" : ""}. Your sites' keys keep working.
      </p>
      <ErrorMessage error={rotate.error} />
      {replaced ? <SecretOnce label="Your new licence key" value={replaced} /> : null}
      <button
        type="button"
        class="button button--ghost"
        disabled={rotate.busy}
        onClick={() => {
          if (window.confirm("Replace your licence key? The current key stops working at once.")) void rotate.submit();
        }}
      >
        {rotate.busy ? "Replacing…" : "Replace licence key"}
      </button>
    </section>
  );
}

type ApiKey = ResponseOf<"/v1/api-keys", "get">["data"][number];
type CreatedKey = ResponseOf<"/v1/api-keys", "post", 201>;

export function ApiKeys({
  session,
  onLicenseKeyReplaced,
}: {
  session: CustomerSession;
  /** The licence key this session signed in with was replaced: the session has ended, sign in with the new key. */
  onLicenseKeyReplaced: (key: string) => void;
}) {
  const keys = useResource((signal) => api<{ data: ApiKey[] }>("GET", "/v1/api-keys", undefined, { signal }), []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedKey | undefined>();
  // Creating and revoking share the error under the form: each forgets the other's when it starts.
  const revoke = useActions<string>();
  const create = useSubmit(async () => {
    revoke.reset();
    setCreated(await api<CreatedKey>("POST", "/v1/api-keys", { name: name.trim() }));
    setName("");
    await keys.reload();
  });

  return (
    <section>
      <h1>API keys</h1>
      <p>
        Keys let the plugin or any HTTP client use your credits.{" "}
        {session.siteId ? "You are signed in with a site's key: you see that site's keys only." : ""}
      </p>
      <form
        class="card form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void create.submit();
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
        <button type="submit" class="button" aria-disabled={create.busy ? "true" : undefined}>
          Create key
        </button>
      </form>
      {created ? <SecretOnce label="Your new API key" value={created.key} /> : null}
      <ErrorMessage error={create.error ?? revoke.error} />
      <ErrorMessage error={keys.error} />
      {keys.loading && !keys.data ? <Loading /> : null}
      {keys.data && keys.data.data.length === 0 ? <p>No API keys yet.</p> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <div class="table-scroll">
          <table class="table-stack">
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
                  <td data-label="Created">{formatDate(k.createdAt)}</td>
                  <td data-label="Last used">{formatDate(k.lastUsedAt)}</td>
                  <td data-label="Status">{k.revokedAt ? `revoked ${formatDate(k.revokedAt)}` : "active"}</td>
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
                          create.reset();
                          await revoke.run(k.id, async () => {
                            await api("DELETE", `/v1/api-keys/${encodeURIComponent(k.id)}`);
                            await keys.reload();
                          });
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
      {session.siteId === null ? (
        <>
          <Sites onChanged={() => void keys.reload()} />
          <LicenseKey session={session} onReplaced={onLicenseKeyReplaced} />
        </>
      ) : null}
    </section>
  );
}
