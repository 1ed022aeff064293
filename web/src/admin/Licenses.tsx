import { useState } from "preact/hooks";
import { ErrorMessage, Link, Loading, SecretOnce } from "../components/ui";
import { api } from "../lib/api";
import { type Page, usePages, useSubmit } from "../lib/hooks";
import { LicenseTable } from "./LicenseTable";
import type { License } from "./types";

export function Licenses() {
  const [email, setEmail] = useState("");
  const [plan, setPlan] = useState<"personal" | "agency">("personal");
  const [expires, setExpires] = useState("");
  const [issued, setIssued] = useState<(License & { key: string }) | undefined>();
  const pages = usePages(
    (cursor, signal) =>
      api<Page<License>>(
        "GET",
        `/v1/admin/licenses?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        undefined,
        { signal },
      ),
    [],
  );
  const list = pages.first;
  const issue = useSubmit(async () => {
    setIssued(undefined);
    const body: Record<string, unknown> = { email: email.trim(), plan };
    if (expires) body.expiresAt = new Date(`${expires}T23:59:59Z`).toISOString();
    setIssued(await api<License & { key: string }>("POST", "/v1/admin/licenses", body));
    setEmail("");
    setExpires("");
    await list.reload();
  });

  return (
    <section>
      <h1>Licences</h1>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void issue.submit();
        }}
      >
        <h2>Issue a licence</h2>
        <div class="form-row">
          <div class="field field--grow">
            <label for="license-email">Customer email</label>
            <input
              id="license-email"
              type="email"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="license-plan">Plan</label>
            <select
              id="license-plan"
              value={plan}
              onChange={(e) => setPlan(e.currentTarget.value as "personal" | "agency")}
            >
              <option value="personal">Personal (one site)</option>
              <option value="agency">Agency (many sites)</option>
            </select>
          </div>
          <div class="field">
            <label for="license-expires">Expires (optional)</label>
            <input
              id="license-expires"
              type="date"
              value={expires}
              onInput={(e) => setExpires(e.currentTarget.value)}
            />
          </div>
        </div>
        <button type="submit" class="button" disabled={issue.busy}>
          {issue.busy ? "Issuing…" : "Issue licence"}
        </button>
      </form>
      <ErrorMessage error={issue.error} />
      {issued ? (
        <div class="card">
          <SecretOnce label={`Licence key for ${issued.email}`} value={issued.key} />
          <p>
            <Link href={`/admin/accounts/${encodeURIComponent(issued.accountId)}`}>Open the account</Link> to grant
            credits.
          </p>
        </div>
      ) : null}
      <h2>All licences</h2>
      <ErrorMessage error={list.error ?? pages.moreError} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? <LicenseTable licenses={pages.rows} onChanged={() => void list.reload()} /> : null}
      {pages.cursor ? (
        <button type="button" class="button button--ghost" onClick={pages.loadMore}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
