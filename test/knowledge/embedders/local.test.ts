import { describe, expect, it } from "vitest";
import { LOCAL_EMBEDDER_ID, LocalEmbedder } from "../../../src/knowledge/embedders/local.js";
import { runEmbedderContract } from "./embedder.contract.js";
import { cosine, maxDiff } from "./fake-vectors.js";

// One model load serves the whole file: it is the slow part (~1–2 s), and the tests stay few and short.
const shared = new LocalEmbedder();

describe("LocalEmbedder", () => {
  const embedder = shared;

  it("identifies the model", () => {
    expect(embedder.id).toBe(LOCAL_EMBEDDER_ID);
    expect(embedder.dimensions).toBe(512);
  });

  it("places related sentences closer than unrelated ones", async () => {
    const [cat, kitten, tax] = await embedder.embed(
      [
        "The cat sat on the mat.",
        "A kitten was sitting on a rug.",
        "File your quarterly tax return before the deadline.",
      ],
      "document",
    );
    expect(cosine(cat!, kitten!)).toBeGreaterThan(cosine(cat!, tax!) + 0.1);
  });

  it("reads the first 128 tokens of an input and nothing after them", async () => {
    // One word is one token here; "alpha" … repeated gives a known token count.
    const words = (n: number) =>
      Array.from({ length: n }, (_, i) => ["river", "stone", "cloud", "garden"][i % 4]).join(" ");
    const [early, earlyOther, late, lateOther] = await embedder.embed(
      [`${words(100)} volcano`, `${words(100)} taxation`, `${words(200)} volcano`, `${words(200)} taxation`],
      "document",
    );
    expect(maxDiff(early!, earlyOther!)).toBeGreaterThan(1e-3);
    expect(maxDiff(late!, lateOther!)).toBeLessThan(1e-6);
  });

  it("shares one load between concurrent first calls, serves queries first, and starts again after close", async () => {
    // The diagnostic report lists the process's worker threads: an outside view of how many models were loaded.
    const workerThreads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;
    const fresh = new LocalEmbedder({ workers: 1, batchSize: 1 });
    const before = workerThreads();
    const [a, b, c] = await Promise.all([
      fresh.embed(["one"], "document"),
      fresh.embed(["two"], "query"),
      fresh.embed(["three"], "document"),
    ]);
    expect([a, b, c].map((v) => v.length)).toEqual([1, 1, 1]);
    expect(workerThreads()).toBe(before + 1);

    // One worker, one text per model call: a query sent after a long ingestion still finishes first.
    const finished: string[] = [];
    const ingestion = fresh.embed(["a", "b", "c", "d", "e", "f"], "document").then(() => finished.push("documents"));
    const search = fresh.embed(["find a"], "query").then(() => finished.push("query"));
    await Promise.all([ingestion, search]);
    expect(finished).toEqual(["query", "documents"]);

    await fresh.close();
    expect(workerThreads()).toBe(before);
    const [again] = await fresh.embed(["one"], "document");
    expect(maxDiff(again!, a[0]!)).toBeLessThan(1e-6);
    await fresh.close();
  });
});

// Runs after the tests above on the same loaded model, and closes it.
runEmbedderContract("local (Universal Sentence Encoder lite)", async () => ({
  embedder: shared,
  asymmetric: false,
  slowTexts: Array.from({ length: 48 }, (_, i) => `passage number ${i} about rivers, fish and cats`),
}));
