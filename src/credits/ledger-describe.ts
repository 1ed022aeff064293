import type { LedgerEntry } from "./ledger.js";
import type { Pricing } from "./pricing.js";

/**
 * Names of what ledger entries refer to (documents, knowledge bases), looked up when the ledger is read and only among
 * what the caller may see. Nothing keeps a name in the ledger: a deleted document's name is gone with it.
 */
export interface ReferenceNames {
  /** id → name; null for one the caller's scope does not show (another site's); absent when deleted. */
  names(owner: { accountId: string; siteId: string | null }, ids: string[]): Promise<Map<string, string | null>>;
}

/** Operations as a customer calls them (the usage table, the CSV). */
const FEATURES: Record<string, string> = {
  "training.embed": "Document indexing",
  "training.query": "Knowledge base search",
  "training.delete": "Deletion",
  "images.generate": "Image generation",
  "images.edit": "Image editing",
  "images.upscale": "Image upscaling",
};

export function featureName(operation: string | null): string {
  if (!operation) return "";
  return FEATURES[operation] ?? FEATURES[operation.split(".").slice(0, 2).join(".")] ?? operation;
}

const int = (v: unknown): string | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v.toLocaleString("en-US") : undefined;
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const dollars = (cents: unknown) =>
  typeof cents === "number" ? `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)}` : undefined;

/** The ids an entry refers to that `ReferenceNames` can name. */
export function referencedIds(e: LedgerEntry): string[] {
  return e.reference && /^(doc|kb)_/.test(e.reference) ? [e.reference] : [];
}

interface Context {
  /** Without names (nothing looked up), what an entry refers to reads "a document", never "a deleted document". */
  names?: Map<string, string | null>;
  pricing: Pricing;
}

/** What an entry refers to, as a customer may read it. */
function nameOf(e: LedgerEntry, ctx: Context, kind: "document" | "knowledge base"): string {
  if (!ctx.names) return `a ${kind}`;
  const name = e.reference ? ctx.names.get(e.reference) : undefined;
  if (name === null) return `a ${kind} of another site`;
  return name ?? `a deleted ${kind}`;
}

/** What the operation did, in the past tense ("Indexed handbook.pdf — 36 pages, 17,729 tokens"). */
function done(e: LedgerEntry, ctx: Context): string {
  const q = e.quantity ?? {};
  switch (e.operation) {
    case "training.embed": {
      const facts = [
        typeof q.pages === "number" ? plural(q.pages, "page", "pages") : undefined,
        typeof q.tokens === "number" ? plural(q.tokens, "token", "tokens") : undefined,
      ].filter(Boolean);
      const what =
        e.reference === "openai.embeddings"
          ? "Made embeddings through the OpenAI-compatible API"
          : `Indexed ${nameOf(e, ctx, "document")}`;
      return facts.length ? `${what} — ${facts.join(", ")}` : what;
    }
    case "training.query":
      return `Searched ${nameOf(e, ctx, "knowledge base")}`;
    case "images.generate": {
      const n = typeof q.images === "number" ? q.images : 1;
      return n === 1 ? "Generated an image" : `Generated ${plural(n, "image", "images")}`;
    }
    case "images.edit": {
      const n = typeof q.images === "number" ? q.images : 1;
      return n === 1 ? "Edited an image" : `Edited ${plural(n, "image", "images")}`;
    }
    case "images.upscale":
      return typeof q.factor === "number" ? `Upscaled an image ×${q.factor}` : "Upscaled an image";
    default:
      return featureName(e.operation) || "Used credits";
  }
}

/** What the operation is doing, for a reservation ("Indexing handbook.pdf"). */
function doing(e: LedgerEntry, ctx: Context): string {
  switch (e.operation) {
    case "training.embed": {
      const tokens = int(e.quantity?.tokens);
      const what =
        e.reference === "openai.embeddings"
          ? "Embeddings through the OpenAI-compatible API"
          : `Indexing ${nameOf(e, ctx, "document")}`;
      return tokens ? `${what} — ${tokens} tokens` : what;
    }
    case "training.query":
      return `Searching ${nameOf(e, ctx, "knowledge base")}`;
    default:
      return featureName(e.operation) || "An operation";
  }
}

function packName(e: LedgerEntry, pricing: Pricing): string | undefined {
  const id = e.quantity?.packId;
  if (typeof id !== "string") return undefined;
  return pricing.packs.find((p) => p.id === id)?.name ?? id;
}

/**
 * One entry in a customer's words. Presentation only: the entry's fields stay as they are (a hold still reads as a
 * hold, folded into its operation by the dashboard).
 */
export function describeEntry(e: LedgerEntry, ctx: Context): string {
  switch (e.type) {
    case "purchase": {
      const pack = packName(e, ctx.pricing);
      const paid = dollars(e.quantity?.amountCents);
      return pack ? `Bought the ${pack} pack${paid ? ` (${paid})` : ""}` : `Bought credits${paid ? ` (${paid})` : ""}`;
    }
    case "bonus": {
      const pack = packName(e, ctx.pricing);
      return pack ? `Bonus credits with the ${pack} pack` : "Bonus credits with a purchase";
    }
    case "grant":
      return "Granted by the operator";
    case "adjustment":
      return "Adjusted by the operator";
    case "refund":
      return "Purchase refunded: unspent credits taken back";
    case "usage":
      return done(e, ctx);
    case "hold":
      return `${doing(e, ctx)} — credits reserved until it completes`;
    case "release":
      return `${featureName(e.operation) || "The operation"} did not complete — nothing charged`;
  }
}

/**
 * Describes a page of entries: looks up the names its entries refer to once (as `owner` may see them), then
 * describes each entry.
 */
export async function entryDescriber(
  deps: { pricing: { current(): Pricing }; referenceNames?: ReferenceNames },
  owner: { accountId: string; siteId: string | null },
  page: LedgerEntry[],
): Promise<(e: LedgerEntry) => string> {
  const ids = [...new Set(page.flatMap(referencedIds))];
  const names = ids.length && deps.referenceNames ? await deps.referenceNames.names(owner, ids) : new Map();
  const ctx = { names, pricing: deps.pricing.current() };
  return (e) => describeEntry(e, ctx);
}
