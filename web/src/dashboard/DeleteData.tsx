import { useState } from "preact/hooks";
import { type DeletionReceipt, ErrorMessage, Receipt } from "../components/ui";
import { api } from "../lib/api";
import { useSubmit } from "../lib/hooks";

const PHRASE = "delete all my data";

export function DeleteData() {
  const [typed, setTyped] = useState("");
  const deletion = useSubmit(async () => {
    const receipt = await api<DeletionReceipt>("DELETE", "/v1/data");
    setTyped("");
    return receipt;
  });
  const confirmed = typed.trim().toLowerCase() === PHRASE;

  return (
    <section>
      <h1>Delete all data</h1>
      <p>
        This permanently deletes every knowledge base, document and image of your account, at once and free of charge.
        Your balance, your ledger and your licence stay. It cannot be undone.
      </p>
      <form
        class="card card--danger"
        onSubmit={(e) => {
          e.preventDefault();
          if (confirmed) void deletion.submit();
        }}
      >
        <div class="field">
          <label for="delete-confirm">
            Type <strong>{PHRASE}</strong> to confirm
          </label>
          <input
            id="delete-confirm"
            autocomplete="off"
            spellcheck={false}
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <button
          type="submit"
          class="button button--danger"
          disabled={!confirmed}
          aria-disabled={deletion.busy ? "true" : undefined}
        >
          {deletion.busy ? "Deleting…" : "Delete everything"}
        </button>
      </form>
      <ErrorMessage error={deletion.error} />
      {deletion.result ? (
        <div class="card" role="status" data-testid="deletion-receipt">
          <h2>Deletion receipt</h2>
          <Receipt value={deletion.result} />
        </div>
      ) : null}
    </section>
  );
}
