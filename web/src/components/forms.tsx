import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiProblem } from "../lib/api";
import { ErrorMessage } from "./ui";

/** What the answer says about one of the form's fields (`body.reason`), in words, or undefined. */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  const errors = error.body?.errors as { field?: string; message?: string }[] | undefined;
  const hit = errors?.find((e) => e.field === `body.${field}`);
  if (hit) return hit.message;
  return error.body?.field === field ? error.detail : undefined;
}

/** A labelled input whose server-side error is shown under it, tied to it and announced. */
export function Field({
  id,
  label,
  hint,
  error,
  field,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error: unknown;
  field: string;
  children: (aria: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ComponentChildren;
}) {
  const message = fieldMessage(error, field);
  const described = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, "aria-describedby": described || undefined, "aria-invalid": message ? true : undefined })}
      {hint ? (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      ) : null}
      {message ? (
        <p id={`${id}-error`} class="field__error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

/** The error of a form that no field of it explains (not found, refused), announced where the form is. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  return fields.some((f) => fieldMessage(error, f)) ? null : <ErrorMessage error={error} />;
}

/**
 * A button that opens a small form in place: focus moves to the form's first input when it opens, and back to the
 * button when it closes (saved, cancelled, or Escape).
 */
export function Disclosure({
  label,
  hiddenLabel,
  children,
}: {
  label: string;
  /** Says which row the button acts on, for screen readers (the visible label is the same on every row). */
  hiddenLabel?: string;
  children: (close: () => void) => ComponentChildren;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const opened = useRef(false);
  useEffect(() => {
    if (open) panel.current?.querySelector<HTMLElement>("input, select, textarea")?.focus();
    else if (opened.current) button.current?.focus();
    opened.current = open;
  }, [open]);
  const close = () => setOpen(false);
  useEffect(() => {
    const el = panel.current;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    el?.addEventListener("keydown", onKey);
    return () => el?.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div class="rule-edit">
      <button
        type="button"
        ref={button}
        class="button button--small button--ghost"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        {label}
        {hiddenLabel ? <span class="visually-hidden"> {hiddenLabel}</span> : null}
      </button>
      <div id={panelId} ref={panel} hidden={!open}>
        {open ? children(close) : null}
      </div>
    </div>
  );
}

export function FormButtons({ busy, submit, close }: { busy: boolean; submit: string; close: () => void }) {
  return (
    <div class="actions">
      <button type="submit" class="button" aria-disabled={busy ? "true" : undefined}>
        {busy ? "Saving…" : submit}
      </button>
      <button type="button" class="button button--ghost" onClick={close}>
        Cancel
      </button>
    </div>
  );
}
