import { useState } from "preact/hooks";
import { type DeletionReceipt, ErrorMessage, Link, Loading, Receipt } from "../components/ui";
import { api } from "../lib/api";
import { formatDate } from "../lib/format";
import { useActions, useResource } from "../lib/hooks";
import { navigate } from "../lib/router";
import { type KnowledgeBaseInfo, type SiteInfo, scopeLabel } from "./knowledge-types";
import { ScopeSelect } from "./ScopeSelect";
import type { CustomerSession } from "./session";

export function KnowledgeBases({ session }: { session: CustomerSession }) {
  const list = useResource(
    (signal) => api<{ data: KnowledgeBaseInfo[] }>("GET", "/v1/knowledge-bases", undefined, { signal }),
    [],
  );
  const sites = useResource((signal) => api<{ data: SiteInfo[] }>("GET", "/v1/sites", undefined, { signal }), []);
  // Only the account owner chooses who may use a knowledge base; a site's key always works on its own site's.
  const isOwner = session.siteId === null;
  const [scope, setScope] = useState<string | null>(null);
  const [name, setName] = useState("");
  // An error shows where it happened: under the create form ("create") or in the knowledge base's own item (its id).
  const actions = useActions<string>();
  const creating = actions.busy === "create";
  const [receipt, setReceipt] = useState<DeletionReceipt>();

  return (
    <section>
      <h1>Knowledge bases</h1>
      <p>Upload documents or crawl a website into a private knowledge base, then search it.</p>
      <form
        class="card form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (creating) return;
          void actions.run("create", async () => {
            const kb = await api<KnowledgeBaseInfo>("POST", "/v1/knowledge-bases", {
              name: name.trim(),
              ...(isOwner ? { siteId: scope } : {}),
            });
            setName("");
            navigate(`/dashboard/knowledge/${encodeURIComponent(kb.id)}`);
          });
        }}
      >
        <div class="field field--grow">
          <label for="kb-name">New knowledge base</label>
          <input
            id="kb-name"
            required
            maxLength={200}
            placeholder="Product documentation"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        {isOwner && (sites.data?.data.length ?? 0) > 0 ? (
          <ScopeSelect id="kb-scope" label="Used by" sites={sites.data!.data} value={scope} onChange={setScope} />
        ) : null}
        <button type="submit" class="button" aria-disabled={creating ? "true" : undefined}>
          {creating ? "Creating…" : "Create"}
        </button>
      </form>
      <ErrorMessage error={actions.errorAt("create")} />
      <ErrorMessage error={list.error} />
      {receipt ? (
        <div class="card" role="status">
          <h2>Deleted</h2>
          <Receipt value={receipt} />
        </div>
      ) : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.data.length === 0 ? <p>No knowledge bases yet.</p> : null}
      <ul class="list">
        {list.data?.data.map((kb) => (
          <li key={kb.id} class="list__item card">
            <div>
              <h2 class="list__title">
                <Link href={`/dashboard/knowledge/${encodeURIComponent(kb.id)}`}>{kb.name}</Link>
              </h2>
              <p class="muted">
                {kb.documentCount} document{kb.documentCount === 1 ? "" : "s"} · created {formatDate(kb.createdAt)} ·{" "}
                <span class="scope">{scopeLabel(kb.siteId, sites.data?.data)}</span>
              </p>
              {isOwner && (sites.data?.data.length ?? 0) > 0 ? (
                <ScopeSelect
                  id={`scope-${kb.id}`}
                  label={`Who may use ${kb.name}`}
                  sites={sites.data!.data}
                  value={kb.siteId}
                  onChange={(siteId) =>
                    actions.run(kb.id, async () => {
                      await api("PATCH", `/v1/knowledge-bases/${encodeURIComponent(kb.id)}`, { siteId });
                      await list.reload();
                    })
                  }
                />
              ) : null}
              <ErrorMessage error={actions.errorAt(kb.id)} />
            </div>
            <button
              type="button"
              class="button button--danger button--small"
              onClick={async () => {
                if (!window.confirm(`Delete the knowledge base “${kb.name}” and all its documents? This is permanent.`))
                  return;
                await actions.run(kb.id, async () => {
                  setReceipt(await api<DeletionReceipt>("DELETE", `/v1/knowledge-bases/${encodeURIComponent(kb.id)}`));
                  await list.reload();
                });
              }}
            >
              Delete<span class="visually-hidden"> {kb.name}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
