import { useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { ErrorMessage, Loading, SecretOnce, StatusBadge } from "../components/ui";
import { api } from "../lib/api";
import { formatDate } from "../lib/format";
import { useActions, useResource, useSubmit } from "../lib/hooks";

type ActivationCode = ResponseOf<"/v1/activation-codes", "get">["data"][number];

/**
 * One-time activation codes (owner only): a site's admin connects the WordPress plugin with a code, so the licence
 * key itself is never handed out.
 */
export function ActivationCodes() {
  const codes = useResource(
    (signal) => api<{ data: ActivationCode[] }>("GET", "/v1/activation-codes", undefined, { signal }),
    [],
  );
  const [siteUrl, setSiteUrl] = useState("");
  const [days, setDays] = useState("7");
  const [created, setCreated] = useState<string | undefined>();
  // Creating and revoking share the error under the form: each forgets the other's when it starts.
  const revoke = useActions<string>();
  const create = useSubmit(async () => {
    revoke.reset();
    const body = { expiresInDays: Number(days), ...(siteUrl.trim() ? { siteUrl: siteUrl.trim() } : {}) };
    setCreated((await api<ResponseOf<"/v1/activation-codes", "post", 201>>("POST", "/v1/activation-codes", body)).code);
    setSiteUrl("");
    await codes.reload();
  });

  return (
    <section aria-labelledby="activation-codes">
      <h2 id="activation-codes">Activation codes</h2>
      <p>
        Connect a client's site without giving out your licence key: create a code, and the site's admin enters it in
        the plugin instead. Each code works once.
      </p>
      <form
        class="card form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void create.submit();
        }}
      >
        <div class="field field--grow">
          <label for="code-site">Site address (optional)</label>
          <input
            id="code-site"
            type="url"
            maxLength={2048}
            placeholder="https://client.example"
            value={siteUrl}
            onInput={(e) => setSiteUrl(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="code-days">Valid for</label>
          <select id="code-days" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="1">1 day</option>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
          </select>
        </div>
        <button type="submit" class="button" disabled={create.busy}>
          Create code
        </button>
      </form>
      {created ? <SecretOnce label="Your activation code" value={created} /> : null}
      <ErrorMessage error={create.error ?? revoke.error} />
      <ErrorMessage error={codes.error} />
      {codes.loading && !codes.data ? <Loading /> : null}
      {codes.data && codes.data.data.length === 0 ? <p>No activation codes yet.</p> : null}
      {codes.data && codes.data.data.length > 0 ? (
        <ul class="list card" aria-label="Activation codes">
          {codes.data.data.map((c) => (
            <li class="list__item" key={c.id} data-code={c.id}>
              <div>
                <p class="list__title">{c.siteUrl ?? "Any site"}</p>
                <p class="muted">
                  {c.status === "used" ? `used ${formatDate(c.usedAt)}` : `expires ${formatDate(c.expiresAt)}`}
                </p>
              </div>
              <StatusBadge status={c.status} />
              {c.status === "active" ? (
                <button
                  type="button"
                  class="button button--danger button--small"
                  onClick={() => {
                    create.reset();
                    void revoke.run(c.id, async () => {
                      await api("DELETE", `/v1/activation-codes/${encodeURIComponent(c.id)}`);
                      await codes.reload();
                    });
                  }}
                >
                  Revoke<span class="visually-hidden"> the code for {c.siteUrl ?? "any site"}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
