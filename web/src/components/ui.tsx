import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiProblem, messageOf } from "../lib/api";
import { formatBytes, formatCost, formatDate, formatInt } from "../lib/format";
import { onLinkClick } from "../lib/router";

/**
 * An error as the user sees it: the problem's `detail`, announced to screen readers and scrolled into view where it
 * is (put it right after the control that caused it). In the dashboard, too few credits comes with what is missing
 * and a way to buy it.
 */
export function ErrorMessage({ error }: { error: unknown }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) box.current?.scrollIntoView?.({ block: "nearest" });
  }, [error]);
  if (!error) return null;
  const short = shortfall(error);
  return (
    <div class="alert alert--error" role="alert" ref={box}>
      <p>{messageOf(error)}</p>
      {short !== undefined && location.pathname.startsWith("/dashboard") ? (
        <p>
          <Link href="/dashboard/buy" class="button button--small">
            Buy credits
          </Link>{" "}
          <span data-testid="credits-missing">{formatCost(short)} more needed.</span>
        </p>
      ) : null}
    </div>
  );
}

/** How many credits an INSUFFICIENT_CREDITS problem is short of, if it is one. */
function shortfall(error: unknown): number | undefined {
  if (!(error instanceof ApiProblem) || error.code !== "INSUFFICIENT_CREDITS") return undefined;
  const needed = Number(error.body?.neededCredits);
  const available = Number(error.body?.availableCredits);
  return Number.isFinite(needed) && Number.isFinite(available) ? Math.max(0, needed - available) : undefined;
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

/** What a deletion answers (`DELETE /v1/data`, a knowledge base, a document). */
export interface DeletionReceipt {
  deleted: Partial<Record<"knowledgeBases" | "documents" | "images" | "files" | "bytes", number>> &
    Record<string, number>;
  credits: number;
  completedAt: string;
}

const COUNTED: [string, string, string][] = [
  ["knowledgeBases", "knowledge base", "knowledge bases"],
  ["documents", "document", "documents"],
  ["images", "image", "images"],
];

/**
 * A deletion receipt in words: what a person recognises (knowledge bases, documents, images, and the size of what was
 * stored) and when; the internal counters (passages, stored files, replies, jobs) stay in the API's answer.
 */
export function Receipt({ value }: { value: DeletionReceipt }) {
  const d = value.deleted;
  const parts = COUNTED.filter(([k]) => (d[k] ?? 0) > 0).map(
    ([k, one, many]) => `${formatInt(d[k]!)} ${d[k] === 1 ? one : many}`,
  );
  const what = parts.length === 0 ? "There was nothing to delete" : `Deleted ${listOf(parts)}`;
  const size = (d.bytes ?? 0) > 0 ? ` (${formatBytes(d.bytes!)} stored)` : "";
  return (
    <p class="receipt" data-testid="receipt-text">
      {what}
      {size}, permanently, on {formatDate(value.completedAt)}. Nothing was charged.
    </p>
  );
}

const listOf = (parts: string[]) =>
  parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;

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
