import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { messageOf } from "../lib/api";
import { onLinkClick } from "../lib/router";

/** An error as the user sees it: the problem's `detail`, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="alert alert--error" role="alert">
      {messageOf(error)}
    </p>
  );
}

export function Notice({
  children,
  tone = "info",
}: {
  children: ComponentChildren;
  tone?: "info" | "success" | "warning";
}) {
  return (
    <div class={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

/** A labelled progress bar; without `value` it shows work of unknown length. */
export function ProgressBar({ value, label }: { value?: number; label: string }) {
  const pct = value === undefined ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div class="progress">
      <span class="progress__label">
        {label}
        {pct !== undefined ? ` ${pct}%` : ""}
      </span>
      <progress max={100} value={pct} aria-label={label} />
    </div>
  );
}

export function Link({
  href,
  children,
  class: cls,
  ...rest
}: {
  href: string;
  children: ComponentChildren;
  class?: string;
  "aria-current"?: "page";
}) {
  return (
    <a href={href} class={cls} onClick={onLinkClick} {...rest}>
      {children}
    </a>
  );
}

/** A secret shown once (licence key, API key), with a copy button. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <p>
        <strong>{label}</strong> — copy it now: it is shown only once.
      </p>
      <div class="secret__row">
        <code class="secret__value" data-testid="secret">
          {value}
        </code>
        <button
          type="button"
          class="button button--small"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

/** A deletion receipt (or any summary object) as a definition list. */
export function Receipt({ value }: { value: unknown }) {
  if (value === null || typeof value !== "object") return <span>{String(value)}</span>;
  return (
    <dl class="receipt">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k} class="receipt__row">
          <dt>{humanize(k)}</dt>
          <dd>{v !== null && typeof v === "object" ? <Receipt value={v} /> : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function humanize(key: string): string {
  const spaced = key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status--${status}`}>{status}</span>;
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {label}
    </p>
  );
}
