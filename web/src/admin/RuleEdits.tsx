import { useId, useState } from "preact/hooks";
import { Disclosure, Field, FormButtons, FormError } from "../components/forms";
import { api } from "../lib/api";
import { useSubmit } from "../lib/hooks";

const REASON_HINT = "The customer sees this reason with the change.";

/** Changes how many credits one of the customer's spend limits allows, with a reason the customer reads. */
export function SpendLimitEdit({
  path,
  credits,
  per,
  what,
  onSaved,
}: {
  /** `/v1/admin/accounts/{id}/spend-limits/{limitId}` */
  path: string;
  credits: number;
  /** "a month", "in total" */
  per: string;
  /** "site shop.example.com" */
  what: string;
  onSaved: (message: string) => Promise<void>;
}) {
  const id = useId();
  return (
    <Disclosure label="Change limit" hiddenLabel={`of ${what}`}>
      {(close) => <SpendLimitForm {...{ id, path, credits, per, onSaved, close }} />}
    </Disclosure>
  );
}

function SpendLimitForm(props: {
  id: string;
  path: string;
  credits: number;
  per: string;
  onSaved: (message: string) => Promise<void>;
  close: () => void;
}) {
  const [credits, setCredits] = useState(String(props.credits));
  const [reason, setReason] = useState("");
  const save = useSubmit(async () => {
    const after = await api<{ credits: number }>("PATCH", props.path, { credits: Number(credits), reason });
    props.close();
    await props.onSaved(`Limit changed to ${after.credits.toLocaleString("en-US")} credits ${props.per}.`);
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.submit();
      }}
    >
      <Field id={`${props.id}-credits`} label={`Credits ${props.per}`} error={save.error} field="credits">
        {(aria) => (
          <input
            {...aria}
            type="number"
            inputMode="decimal"
            min={0}
            step="0.001"
            required
            value={credits}
            onInput={(e) => setCredits(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field id={`${props.id}-reason`} label="Reason" hint={REASON_HINT} error={save.error} field="reason">
        {(aria) => (
          <input {...aria} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        )}
      </Field>
      <FormError error={save.error} fields={["credits", "reason"]} />
      <FormButtons busy={save.busy} submit="Save limit" close={props.close} />
    </form>
  );
}

/** Turns the customer's auto top-up off (never on: that would charge the customer's card). */
export function AutoTopupTurnOff({ path, onSaved }: { path: string; onSaved: (message: string) => Promise<void> }) {
  const id = useId();
  return (
    <Disclosure label="Turn off auto top-up">{(close) => <TurnOffForm {...{ id, path, onSaved, close }} />}</Disclosure>
  );
}

function TurnOffForm(props: {
  id: string;
  path: string;
  onSaved: (message: string) => Promise<void>;
  close: () => void;
}) {
  const [reason, setReason] = useState("");
  const save = useSubmit(async () => {
    await api("POST", props.path, { reason });
    props.close();
    await props.onSaved("Auto top-up turned off. Only the customer can turn it back on.");
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.submit();
      }}
    >
      <p>No new top-up starts; one already under way finishes. Only the customer can turn it back on.</p>
      <Field id={`${props.id}-reason`} label="Reason" hint={REASON_HINT} error={save.error} field="reason">
        {(aria) => (
          <input {...aria} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        )}
      </Field>
      <FormError error={save.error} fields={["reason"]} />
      <FormButtons busy={save.busy} submit="Turn off" close={props.close} />
    </form>
  );
}

/** Sets one key's (or licence's) own request rate. */
export function RateEdit({
  path,
  rate,
  what,
  onSaved,
}: {
  /** `/v1/admin/api-keys/{id}/rate-limit` or `/v1/admin/licenses/{id}/rate-limit` */
  path: string;
  rate: { rps: number; burst: number };
  what: string;
  onSaved: (message: string) => Promise<void>;
}) {
  const id = useId();
  return (
    <Disclosure label="Change rate" hiddenLabel={`of ${what}`}>
      {(close) => <RateForm {...{ id, path, rate, what, onSaved, close }} />}
    </Disclosure>
  );
}

function RateForm(props: {
  id: string;
  path: string;
  rate: { rps: number; burst: number };
  what: string;
  onSaved: (message: string) => Promise<void>;
  close: () => void;
}) {
  const [rps, setRps] = useState(String(props.rate.rps));
  const [burst, setBurst] = useState(String(props.rate.burst));
  const save = useSubmit(async (body: { rps: number; burst: number } | null) => {
    await api("PUT", props.path, body);
    props.close();
    await props.onSaved(body ? `Rate of ${props.what} changed.` : `${props.what} follows the default rate again.`);
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save.submit({ rps: Number(rps), burst: Number(burst) });
      }}
    >
      <Field id={`${props.id}-rps`} label="Requests a second" error={save.error} field="rps">
        {(aria) => (
          <input
            {...aria}
            type="number"
            inputMode="decimal"
            min={0.001}
            step="any"
            required
            value={rps}
            onInput={(e) => setRps(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field id={`${props.id}-burst`} label="Burst (requests at once)" error={save.error} field="burst">
        {(aria) => (
          <input
            {...aria}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            required
            value={burst}
            onInput={(e) => setBurst(e.currentTarget.value)}
          />
        )}
      </Field>
      <FormError error={save.error} fields={["rps", "burst"]} />
      <div class="actions">
        <button type="submit" class="button" aria-disabled={save.busy ? "true" : undefined}>
          {save.busy ? "Saving…" : "Save rate"}
        </button>
        <button
          type="button"
          class="button button--ghost"
          aria-disabled={save.busy ? "true" : undefined}
          onClick={() => save.submit(null)}
        >
          Back to the default
        </button>
        <button type="button" class="button button--ghost" onClick={props.close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
