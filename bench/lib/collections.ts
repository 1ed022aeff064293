import { readFileSync } from "node:fs";
import path from "node:path";

/** One BEIR-layout test collection from /work/shared/eval (read in place; never copied into the repository). */
export interface Collection {
  name: string;
  docs: { id: string; title: string; text: string }[];
  queries: { id: string; text: string }[];
  /** query id → (doc id → graded gain > 0) */
  qrels: Map<string, Map<string, number>>;
}

export const EVAL_DIR = process.env.EVAL_DIR ?? "/work/shared/eval";
export const COLLECTIONS = ["scifact", "cranfield", "cisi"] as const;

function jsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function loadCollection(name: string, dir = EVAL_DIR): Collection {
  const base = path.join(dir, name);
  const docs = jsonl<{ _id: string; title?: string; text?: string }>(path.join(base, "corpus.jsonl")).map((d) => ({
    id: d._id,
    title: d.title ?? "",
    text: d.text ?? "",
  }));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(path.join(base, "qrels.tsv"), "utf8").split("\n").slice(1);
  for (const line of lines) {
    const [q, d, s] = line.split("\t");
    if (!q || !d || !s || Number(s) <= 0) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(d, Number(s));
  }
  const queries = jsonl<{ _id: string; text: string }>(path.join(base, "queries.jsonl"))
    .map((q) => ({ id: q._id, text: q.text }))
    .filter((q) => qrels.has(q.id));
  return { name, docs, queries, qrels };
}

/** Title and body as one plain-text source document, the way a user would upload it: the title on its first line. */
export function documentText(doc: { title: string; text: string }): string {
  const title = doc.title.replace(/\s+/g, " ").trim();
  return title ? `${title}\n\n${doc.text}` : doc.text;
}
