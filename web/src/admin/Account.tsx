import { useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { ErrorMessage, Link, Loading, Notice } from "../components/ui";
import { api } from "../lib/api";
import { formatCredits, formatDay, formatSignedCredits } from "../lib/format";
import { useResource, useSubmit } from "../lib/hooks";
import { AccountActivity } from "./AccountActivity";
import { AccountRules } from "./AccountRules";
import { LicenseTable } from "./LicenseTable";

type AccountDetail = ResponseOf<"/v1/admin/accounts/{accountId}", "get">;

/** The ledger entry a grant answers with. */
type GrantEntry = ResponseOf<"/v1/admin/accounts/{accountId}/grants", "post", 201>;

export function Account({ id }: { id: string }) {
  const account = useResource(
    (signal) => api<AccountDetail>("GET", `/v1/admin/accounts/${encodeURIComponent(id)}`, undefined, { signal }),
    [id],
  );
  const [credits, setCredits] = useState("");
  const [reason, setReason] = useState("");
  const grant = useSubmit(async (accountId: string) => {
    const entry = await api<GrantEntry>(
      "POST",
      `/v1/admin/accounts/${encodeURIComponent(accountId)}/grants`,
      { credits: Number(credits), reason: reason.trim() },
      { headers: { "idempotency-key": crypto.randomUUID() } },
    );
    setCredits("");
    setReason("");
    // The notice appears with the reloaded balance beside it, never before it.
    await account.reload();
    return entry;
  });
  const done = grant.result;
  const [siteError, setSiteError] = useState<unknown>();

  if (account.error) return <ErrorMessage error={account.error} />;
  if (!account.data) return <Loading />;
  const a = account.data;
  return (
    <section>
      <p>
        <Link href="/admin/accounts">← All accounts</Link>
      </p>
      <h1>{a.email}</h1>
      <p class="muted mono">{a.id}</p>
      <div class="stats">
        <div class="stat card">
          <h2 class="stat__label">Available credits</h2>
          <p class="stat__value" data-testid="account-credits">
            {formatCredits(a.credits)}
          </p>
        </div>
        <div class="stat card">
          <h2 class="stat__label">Reserved</h2>
          <p class="stat__value">{formatCredits(a.reservedCredits)}</p>
        </div>
        <div class="stat card">
          <h2 class="stat__label">Customer since</h2>
          <p class="stat__value stat__value--small">{formatDay(a.createdAt)}</p>
        </div>
      </div>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          grant.reset();
          void grant.submit(a.id);
        }}
      >
        <h2>Grant or adjust credits</h2>
        <div class="form-row">
          <div class="field">
            <label for="grant-credits">Credits</label>
            <input
              id="grant-credits"
              type="number"
              step="0.001"
              required
              value={credits}
              onInput={(e) => setCredits(e.currentTarget.value)}
              aria-describedby="grant-hint"
            />
          </div>
          <div class="field field--grow">
            <label for="grant-reason">Reason</label>
            <input
              id="grant-reason"
              required
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </div>
        </div>
        <p id="grant-hint" class="hint">
          A negative amount adjusts down; it is refused if it would take the balance below zero.
        </p>
        <button type="submit" class="button" disabled={grant.busy || !credits || Number(credits) === 0}>
          {grant.busy ? "Saving…" : "Apply"}
        </button>
      </form>
      <ErrorMessage error={grant.error} />
      {done ? (
        <Notice tone="success">
          {formatSignedCredits(done.credits)} credits applied; the account now has{" "}
          {formatCredits(done.balanceAfter - done.reservedAfter)} credits available.
        </Notice>
      ) : null}
      <h2>Licences</h2>
      <LicenseTable licenses={a.licenses} onChanged={() => void account.reload()} showAccount={false} canReplaceKey />
      <h2>Sites</h2>
      <ErrorMessage error={siteError} />
      {a.sites.length === 0 ? (
        <p>No site is activated yet.</p>
      ) : (
        <ul class="list card">
          {a.sites.map((s) => (
            <li key={s.id} class="list__item" data-site={s.id}>
              <span class="list__text">
                {s.url}
                <br />
                <span class="muted">
                  {s.deactivatedAt
                    ? `deactivated ${formatDay(s.deactivatedAt)}`
                    : `active since ${formatDay(s.createdAt)}`}
                </span>
              </span>
              {s.deactivatedAt ? null : (
                <button
                  type="button"
                  class="button button--small button--danger"
                  onClick={async () => {
                    if (
                      !window.confirm(
                        `Deactivate ${s.url}? Its API keys stop working at once and its licence slot is freed.`,
                      )
                    )
                      return;
                    setSiteError(undefined);
                    try {
                      await api("POST", `/v1/admin/sites/${encodeURIComponent(s.id)}/deactivate`);
                      await account.reload();
                    } catch (err) {
                      setSiteError(err);
                    }
                  }}
                >
                  Deactivate<span class="visually-hidden"> {s.url}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <AccountRules accountId={a.id} />
      <AccountActivity accountId={a.id} key={`${a.id}-${a.credits}`} />
    </section>
  );
}
