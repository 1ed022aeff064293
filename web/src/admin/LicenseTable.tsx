import { useState } from "preact/hooks";
import { ErrorMessage, Link, StatusBadge } from "../components/ui";
import { api } from "../lib/api";
import { formatDay } from "../lib/format";
import type { License } from "./types";

const ACTIONS: { status: License["status"]; label: string; danger?: boolean }[] = [
  { status: "revoked", label: "Revoke", danger: true },
  { status: "expired", label: "Expire" },
  { status: "active", label: "Reactivate" },
];

/** Licences with the operator's actions on each: revoke, expire, reactivate. */
export function LicenseTable({
  licenses,
  onChanged,
  showAccount = true,
}: {
  licenses: License[];
  onChanged: () => void;
  showAccount?: boolean;
}) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  return (
    <>
      <ErrorMessage error={error} />
      <div class="table-scroll">
        <table>
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
                <td>{l.plan}</td>
                <td>
                  <StatusBadge status={l.status} />
                </td>
                <td>{formatDay(l.expiresAt)}</td>
                <td>{formatDay(l.createdAt)}</td>
                <td class="row-actions">
                  {ACTIONS.filter((a) => a.status !== l.status).map((a) => (
                    <button
                      key={a.status}
                      type="button"
                      class={`button button--small ${a.danger ? "button--danger" : "button--ghost"}`}
                      disabled={busy === l.id}
                      onClick={async () => {
                        if (
                          a.danger &&
                          !window.confirm(`Revoke the licence of ${l.email}? Its keys stop spending credits.`)
                        )
                          return;
                        setBusy(l.id);
                        setError(undefined);
                        try {
                          await api("PATCH", `/v1/admin/licenses/${encodeURIComponent(l.id)}`, { status: a.status });
                          onChanged();
                        } catch (err) {
                          setError(err);
                        } finally {
                          setBusy(undefined);
                        }
                      }}
                    >
                      {a.label}
                      <span class="visually-hidden"> the licence of {l.email}</span>
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
