import { useState } from "preact/hooks";
import { type DeletionReceipt, ErrorMessage, Link, Loading, Receipt } from "../components/ui";
import { api } from "../lib/api";
import { formatDate } from "../lib/format";
import { useResource } from "../lib/hooks";
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
  const [busy, setBusy] = useState(false);
  // An error shows where it happened: under the create form ("create") or in the knowledge base's own item (its id).
  const [failure, setFailure] = useState<{ at: string; error: unknown }>();
  const errorAt = (at: string) => (failure?.at === at ? failure.error : undefined);
  const [receipt, setReceipt] = useState<DeletionReceipt>();

  return (
    <section>
      <h1>Knowledge bases</h1>
      <p>Upload documents or crawl a website into a private knowledge base, then search it.</p>
      <form
        class="card form-row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy) return;
          setBusy(true);
          setFailure(undefined);
          try {
            const kb = await api<KnowledgeBaseInfo>("POST", "/v1/knowledge-bases", {
              name: name.trim(),
              ...(isOwner ? { siteId: scope } : {}),
            });
            setName("");
            navigate(`/dashboard/knowledge/${encodeURIComponent(kb.id)}`);
          } catch (err) {
            setFailure({ at: "create", error: err });
          } finally {
            setBusy(false);
          }
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
        <button type="submit" class="button" aria-disabled={busy ? "true" : undefined}>
          {busy ? "Creating…" : "Create"}
        </button>
      </form>
      <ErrorMessage error={errorAt("create")} />
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
                  onChange={async (siteId) => {
                    setFailure(undefined);
                    try {
                      await api("PATCH", `/v1/knowledge-bases/${encodeURIComponent(kb.id)}`, { siteId });
                      await list.reload();
                    } catch (err) {
                      setFailure({ at: kb.id, error: err });
                    }
                  }}
                />
              ) : null}
              <ErrorMessage error={errorAt(kb.id)} />
            </div>
            <button
              type="button"
              class="button button--danger button--small"
              onClick={async () => {
                if (!window.confirm(`Delete the knowledge base “${kb.name}” and all its documents? This is permanent.`))
                  return;
                setFailure(undefined);
                try {
                  setReceipt(await api<DeletionReceipt>("DELETE", `/v1/knowledge-bases/${encodeURIComponent(kb.id)}`));
                  await list.reload();
                } catch (err) {
                  setFailure({ at: kb.id, error: err });
                }
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
