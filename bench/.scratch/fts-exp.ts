import Database from "better-sqlite3";
import { rng, vocabulary, zipfSampler } from "../lib/synthetic.js";
const N = 100_000;
const random = rng(42);
const vocab = vocabulary(30_000, random);
const word = zipfSampler(vocab.length, random);
const texts = Array.from({ length: N }, () => {
  const len = 80 + Math.floor(random() * 120);
  return Array.from({ length: len }, () => vocab[word()]).join(" ");
});
const queries = Array.from({ length: 100 }, () => {
  const n = 3 + Math.floor(random() * 6);
  return Array.from({ length: n }, () => vocab[Math.min(vocab.length - 1, 20 + word())]).join(" ");
});
const db = new Database("/tmp/sw/fts.db");
db.exec("DROP TABLE IF EXISTS f; CREATE VIRTUAL TABLE f USING fts5(text, heading, tokenize='porter unicode61 remove_diacritics 2')");
const ins = db.prepare("INSERT INTO f (rowid, text) VALUES (?, ?)");
let t0 = performance.now();
db.transaction(() => texts.forEach((t, i) => ins.run(i + 1, t)))();
console.log("load", (performance.now() - t0).toFixed(0));
const m = (q: string) => q.split(" ").map((w) => `"${w}"`).join(" OR ");
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * xs.length)]!.toFixed(1);
for (const [label, sql] of [
  ["count", "SELECT count(*) FROM f WHERE f MATCH ?"],
  ["bm25 top100", "SELECT rowid, bm25(f, 1.0, 2) AS s FROM f WHERE f MATCH ? ORDER BY s LIMIT 100"],
  ["rank top100", "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rank LIMIT 100"],
] as const) {
  const st = db.prepare(sql);
  const ms: number[] = [];
  let rows = 0;
  for (const q of queries) {
    const t = performance.now();
    const r = st.all(m(q));
    ms.push(performance.now() - t);
    rows += r.length;
  }
  console.log(label, pct(ms, 0.5), pct(ms, 0.95));
}
const cnt = db.prepare("SELECT count(*) AS n FROM f WHERE f MATCH ?");
console.log("avg matches", queries.slice(0, 20).map((q) => (cnt.get(m(q)) as { n: number }).n).join(","));
