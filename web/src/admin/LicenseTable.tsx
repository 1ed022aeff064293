import { useState } from "preact/hooks";
import { ErrorMessage, Link, SecretOnce, StatusBadge } from "../components/ui";
import { api } from "../lib/api";
import { formatDay } from "../lib/format";
import { useActions } from "../lib/hooks";
import type { License } from "./types";

const ACTIONS: { status: License["status"]; label: string; danger?: boolean }[] = [
  { status: "revoked", label: "Revoke", danger: true },
  { status: "expired", label: "Expire" },
  { status: "active", label: "Reactivate" },
];

/**
 * Licences with the operator's actions on each: revoke, expire, reactivate, and (with `canReplaceKey`, on an
 * account's page) replace a leaked licence key. On a phone each licence is a stacked block, actions included.
 */
export function LicenseTable({
  licenses,
  onChanged,
  showAccount = true,
  canReplaceKey = false,
}: {
  licenses: License[];
  onChanged: () => void;
  showAccount?: boolean;
  canReplaceKey?: boolean;
}) {
  const actions = useActions<string>();
  const [replaced, setReplaced] = useState<{ email: string; key: string } | undefined>();

  return (
    <>
      <ErrorMessage error={actions.error} />
      {replaced ? <SecretOnce label={`The new licence key of ${replaced.email}`} value={replaced.key} /> : null}
      <div class="table-scroll">
        <table class="table-stack licenses">
          <caption class="visually-hidden">Licences</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Issued</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {licenses.map((l) => (
              <tr key={l.id} data-license={l.id}>
                <th scope="row">
                  {showAccount ? (
                    <Link href={`/admin/accounts/${encodeURIComponent(l.accountId)}`}>{l.email}</Link>
                  ) : (
                    l.email
                  )}
                  <br />
                  <span class="muted mono">{l.id}</span>
                </th>
                <td data-label="Plan">{l.plan}</td>
                <td data-label="Status">
                  <StatusBadge status={l.status} />
                </td>
                <td data-label="Expires">{formatDay(l.expiresAt)}</td>
                <td data-label="Issued">{formatDay(l.createdAt)}</td>
                <td>
                  <div class="row-actions">
                    {ACTIONS.filter((a) => a.status !== l.status).map((a) => (
                      <button
                        key={a.status}
                        type="button"
                        class={`button button--small ${a.danger ? "button--danger" : "button--ghost"}`}
                        disabled={actions.busy === l.id}
                        onClick={async () => {
                          if (
                            a.danger &&
                            !window.confirm(`Revoke the licence of ${l.email}? Its keys stop spending credits.`)
                          )
                            return;
                          await actions.run(l.id, async () => {
                            await api("PATCH", `/v1/admin/licenses/${encodeURIComponent(l.id)}`, { status: a.status });
                            onChanged();
                          });
                        }}
                      >
                        {a.label}
                        <span class="visually-hidden"> the licence of {l.email}</span>
                      </button>
                    ))}
                    {canReplaceKey ? (
                      <button
                        type="button"
                        class="button button--small button--ghost"
                        disabled={actions.busy === l.id}
                        onClick={async () => {
                          if (
                            !window.confirm(
                              `Replace the licence key of ${l.email}? The current key stops working at once and its dashboard sessions end; site keys keep working.`,
                            )
                          )
                            return;
                          await actions.run(l.id, async () => {
                            const r = await api<{ key: string }>(
                              "POST",
                              `/v1/admin/licenses/${encodeURIComponent(l.id)}/rotate-key`,
                            );
                            setReplaced({ email: l.email, key: r.key });
                          });
                        }}
                      >
                        Replace key<span class="visually-hidden"> of the licence of {l.email}</span>
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
