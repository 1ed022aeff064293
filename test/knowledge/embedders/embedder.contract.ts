import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../../../src/knowledge/embedders/embedder.js";
import { cosine, maxDiff, norm } from "./fake-vectors.js";

export interface ContractSubject {
  embedder: Embedder;
  /** Whether the adapter embeds a query differently from a document (task types, instruction prefixes). */
  asymmetric: boolean;
  /** Texts that keep the adapter busy long enough for an abort to land while it works. */
  slowTexts: string[];
  /** Resolves once the provider is handling `slowTexts` (a fake server holding the request); else abort at once. */
  busy?: () => Promise<void>;
  cleanup?: () => Promise<void>;
}

const TEXTS = ["the cat sat on the mat", "a red fish in the river", "the cat sat on the mat"];

/** The promises every Embedder keeps; run once per adapter. */
export function runEmbedderContract(name: string, setup: () => Promise<ContractSubject>) {
  describe(`Embedder contract: ${name}`, () => {
    let s: ContractSubject;
    let e: Embedder;

    beforeAll(async () => {
      s = await setup();
      e = s.embedder;
    });
    afterAll(async () => {
      await e?.close?.();
      await s?.cleanup?.();
    });

    it("announces a stable id and a positive width", () => {
      expect(e.id).toMatch(/^[a-z]+:[^@\s]+(@\d+)?/);
      expect(Number.isInteger(e.dimensions) && e.dimensions > 0).toBe(true);
    });

    it("returns one unit vector of the announced width per input, in input order", async () => {
      const vectors = await e.embed(TEXTS, "document");
      expect(vectors).toHaveLength(TEXTS.length);
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(e.dimensions);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
      expect(maxDiff(vectors[0]!, vectors[2]!)).toBeLessThan(1e-5);
      expect(cosine(vectors[0]!, vectors[1]!)).toBeLessThan(0.999);
      // Order follows the input, whatever the batching: reversed input gives reversed output.
      const reversed = await e.embed([...TEXTS].reverse(), "document");
      reversed.reverse().forEach((v, i) => {
        expect(maxDiff(v, vectors[i]!)).toBeLessThan(1e-5);
      });
    });

    it("answers an empty list with an empty list", async () => {
      expect(await e.embed([], "document")).toEqual([]);
      expect(await e.embed([], "query")).toEqual([]);
    });

    it("embeds an input far longer than the model reads, and an empty string", async () => {
      const long = "the cat sat on the mat and looked at the red fish in the river. ".repeat(2000);
      const vectors = await e.embed([long, ""], "document");
      expect(vectors).toHaveLength(2);
      for (const v of vectors) {
        expect(v.length).toBe(e.dimensions);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
    });

    it("takes the query path for queries and the document path for documents", async () => {
      const [doc] = await e.embed([TEXTS[0]!], "document");
      const [query] = await e.embed([TEXTS[0]!], "query");
      expect(norm(query!)).toBeCloseTo(1, 5);
      if (s.asymmetric) expect(cosine(doc!, query!)).toBeLessThan(0.9999);
      else expect(maxDiff(doc!, query!)).toBeLessThan(1e-5);
    });

    it("keeps concurrent calls apart", async () => {
      const [a, b] = await Promise.all([e.embed([TEXTS[0]!], "document"), e.embed([TEXTS[1]!, TEXTS[0]!], "document")]);
      expect(maxDiff(a[0]!, b[1]!)).toBeLessThan(1e-5);
      expect(cosine(a[0]!, b[0]!)).toBeLessThan(0.999);
    });

    it("rejects with the abort reason when the signal has already fired", async () => {
      const controller = new AbortController();
      const reason = new Error("stopped before it began");
      controller.abort(reason);
      await expect(e.embed(TEXTS, "document", controller.signal)).rejects.toBe(reason);
    });

    it("rejects with the abort reason when aborted while working", async () => {
      const controller = new AbortController();
      const reason = new Error("stopped while working");
      const pending = e.embed(s.slowTexts, "document", controller.signal);
      await (s.busy ? s.busy() : new Promise((resolve) => setImmediate(resolve)));
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      // The adapter is still usable afterwards.
      expect(await e.embed([TEXTS[1]!], "query")).toHaveLength(1);
    });
  });
}
