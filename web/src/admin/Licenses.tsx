import { useState } from "preact/hooks";
import { ErrorMessage, Link, Loading, SecretOnce } from "../components/ui";
import { api } from "../lib/api";
import { useResource } from "../lib/hooks";
import { LicenseTable } from "./LicenseTable";
import type { License } from "./types";

interface Page {
  data: License[];
  nextCursor: string | null;
}

export function Licenses() {
  const [email, setEmail] = useState("");
  const [plan, setPlan] = useState<"personal" | "agency">("personal");
  const [expires, setExpires] = useState("");
  const [issued, setIssued] = useState<(License & { key: string }) | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [more, setMore] = useState<License[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useResource(async (signal) => {
    const page = await api<Page>("GET", "/v1/admin/licenses?limit=50", undefined, { signal });
    setMore([]);
    setCursor(page.nextCursor);
    return page;
  }, []);

  return (
    <section>
      <h1>Licences</h1>
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setIssued(undefined);
          try {
            const body: Record<string, unknown> = { email: email.trim(), plan };
            if (expires) body.expiresAt = new Date(`${expires}T23:59:59Z`).toISOString();
            setIssued(await api<License & { key: string }>("POST", "/v1/admin/licenses", body));
            setEmail("");
            setExpires("");
            await list.reload();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
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
        <button type="submit" class="button" disabled={busy}>
          {busy ? "Issuing…" : "Issue licence"}
        </button>
      </form>
      <ErrorMessage error={error} />
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
      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? <LicenseTable licenses={[...list.data.data, ...more]} onChanged={() => void list.reload()} /> : null}
      {cursor ? (
        <button
          type="button"
          class="button button--ghost"
          onClick={async () => {
            try {
              const page = await api<Page>("GET", `/v1/admin/licenses?limit=50&cursor=${encodeURIComponent(cursor)}`);
              setMore((m) => [...m, ...page.data]);
              setCursor(page.nextCursor);
            } catch (err) {
              setError(err);
            }
          }}
        >
          Load more
        </button>
      ) : null}
    </section>
  );
}
