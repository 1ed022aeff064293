const creditsFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });
const intFormat = new Intl.NumberFormat("en-US");

export const formatCredits = (n: number): string => creditsFormat.format(n);
export const formatInt = (n: number): string => intFormat.format(n);

/**
 * A balance as a customer reads it: whole credits, rounded down so that what is shown can always be spent (the
 * exact value, to the millicredit, goes in a title or the ledger).
 */
export const formatBalance = (n: number): string => intFormat.format(Math.floor(n + 1e-9));

const tenthFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/**
 * A cost as a customer reads it: to a tenth of a credit, rounded up, so a shown cost is never less than what is
 * charged (17.729 → 17.8). The exact value goes in details and exports.
 */
export const formatCost = (n: number): string => tenthFormat.format(Math.ceil(Math.round(n * 1000) / 100) / 10 || 0);

export function formatSignedCredits(n: number): string {
  return n > 0 ? `+${formatCredits(n)}` : n < 0 ? `−${formatCredits(-n)}` : "0";
}

export function formatMoney(cents: number): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString("en-US", { dateStyle: "medium" });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Every UTC day from `from` to `to` (inclusive), as YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** "training.embed" → "training": the feature an operation belongs to. */
export const featureOf = (operation: string): string => operation.split(".")[0] ?? operation;

const OPERATIONS: Record<string, string> = {
  "training.embed": "Document indexing",
  "training.query": "Knowledge base search",
  "images.generate": "Image generation",
  "images.edit": "Image editing",
  "images.upscale": "Image upscaling",
};

/** "training.embed" → "Document indexing": an operation as a customer calls it (the CSV uses the same words). */
export const operationName = (operation: string): string =>
  OPERATIONS[operation] ?? OPERATIONS[operation.split(".").slice(0, 2).join(".")] ?? operation;
