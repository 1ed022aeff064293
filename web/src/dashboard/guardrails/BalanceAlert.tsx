import { useEffect, useState } from "preact/hooks";
import type { ResponseOf } from "../../../../packages/client/src/index";
import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { useResource, useSubmit } from "../../lib/hooks";
import type { CustomerSession } from "../session";

/** GET|PUT /v1/balance-alert */
type BalanceAlertSettings = ResponseOf<"/v1/balance-alert", "get">;

function describe(s: BalanceAlertSettings): string {
  const credits = `${s.thresholdCredits.toLocaleString("en-US", { maximumFractionDigits: 3 })} credits`;
  if (s.state === "off") return "Off: you will not be warned before your balance runs out.";
  const how = s.email ? "by email and to your webhooks" : "to your webhooks only (email is off)";
  if (s.state === "armed") return `Watching: we will warn you ${how} when your balance falls below ${credits}.`;
  return `Your balance is below ${credits}. We warn you once; we will warn you again after it goes back above.`;
}

/** The low-balance alert: a threshold in credits, email on or off, and whether the balance is below it now. */
export function BalanceAlert({ session }: { session: CustomerSession }) {
  const owner = session.via === "license_key";
  const current = useResource(
    (signal) =>
      owner ? api<BalanceAlertSettings>("GET", "/v1/balance-alert", undefined, { signal }) : Promise.resolve(undefined),
    [owner],
  );
  const [threshold, setThreshold] = useState("");
  const [email, setEmail] = useState(true);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    await api<BalanceAlertSettings>("PUT", "/v1/balance-alert", { thresholdCredits: Number(threshold), email });
    await current.reload();
    setSaved(true);
  });

  useEffect(() => {
    if (!current.data) return;
    setThreshold(String(current.data.thresholdCredits));
    setEmail(current.data.email);
  }, [current.data]);

  return (
    <section class="card" aria-labelledby="balance-alert-title">
      <h2 id="balance-alert-title">Low-balance alert</h2>
      {!owner ? (
        <p>The account owner chooses when to be warned that the balance is running low.</p>
      ) : (
        <>
          <p>Get a warning before your credits run out, so your sites keep working.</p>
          {current.loading && !current.data ? <Loading /> : null}
          <ErrorMessage error={current.error} />
          {current.data ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void save.submit();
              }}
            >
              <div class="field">
                <label for="balance-alert-threshold">Warn me when my balance falls below (credits)</label>
                <input
                  id="balance-alert-threshold"
                  type="number"
                  inputMode="decimal"
                  min={0}
                  step="any"
                  required
                  aria-describedby="balance-alert-hint"
                  value={threshold}
                  onInput={(e) => {
                    setThreshold(e.currentTarget.value);
                    setSaved(false);
                  }}
                />
                <small id="balance-alert-hint">0 turns the warning off.</small>
              </div>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={email}
                  onChange={(e) => {
                    setEmail(e.currentTarget.checked);
                    setSaved(false);
                  }}
                />
                Also email me at {session.email}
              </label>
              <div class="actions">
                <button type="submit" class="button" disabled={save.busy}>
                  {save.busy ? "Saving…" : "Save"}
                </button>
              </div>
            </form>
          ) : null}
          <ErrorMessage error={save.error} />
          <p role="status" aria-live="polite" data-testid="balance-alert-state">
            {current.data ? `${saved ? "Saved. " : ""}${describe(current.data)}` : ""}
          </p>
        </>
      )}
    </section>
  );
}
