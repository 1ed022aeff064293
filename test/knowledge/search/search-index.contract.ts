import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaleWriteError, type TransactionalWrite } from "../../../src/db/sql.js";
import type { IndexedChunk, IndexScope, SearchIndex, SearchQuery } from "../../../src/knowledge/search/search-index.js";

export interface IndexUnderTest {
  index: SearchIndex;
  /** Runs a statement on the index's database (the tables a write's fence names live there, as `jobs` does). */
  run(sql: string): Promise<unknown>;
  cleanup(): Promise<void>;
}

/** A fence as a job's lease makes one (`JobQueue.leaseFence`): it holds while `name` is at `attempt`. */
const fenceOf = (name: string, attempt: number): TransactionalWrite => ({
  sql: "UPDATE fence_attempts SET attempt = attempt WHERE name = ? AND attempt = ?",
  params: [name, attempt],
  fence: true,
});

const DIMS = 8;
/** A unit vector pointing mostly along `axis`: chunks of different topics are far apart, queries pick one. */
export function topic(axis: number, noise = 0.05): Float32Array {
  const v = Float32Array.from({ length: DIMS }, (_, i) => (i === axis ? 1 : noise));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function chunk(id: string, documentId: string, text: string, axis: number, extra: Partial<IndexedChunk> = {}) {
  return { id, documentId, position: 0, text, vector: topic(axis), ...extra } satisfies IndexedChunk;
}

/** The promises every SearchIndex adapter keeps; run once per adapter. */
export function runSearchIndexContract(name: string, open: () => Promise<IndexUnderTest>) {
  describe(`SearchIndex contract on ${name}`, () => {
    let t: IndexUnderTest;
    let n = 0;
    /** Each test gets its own account and knowledge base on the shared index. */
    const fresh = (): IndexScope => ({ accountId: `acct_${name}_${++n}`, knowledgeBaseId: `kb_${n}` });
    const ids = async (q: SearchQuery) => (await t.index.search(q)).map((h) => h.chunkId);

    beforeAll(async () => {
      t = await open();
      await t.run("CREATE TABLE fence_attempts (name TEXT PRIMARY KEY, attempt INTEGER NOT NULL)");
    });
    afterAll(async () => {
      await t.index.close?.();
      await t.cleanup();
    });

    async function library(scope: IndexScope) {
      await t.index.addChunks(scope, [
        chunk("c_run", "doc_sport", "Running shoes for marathon runners", 0, {
          heading: "Sport",
          page: 3,
          metadata: { lang: "en", year: 2024, draft: false },
        }),
        chunk("c_cafe", "doc_food", "The café on the corner serves espresso and croissants", 1, {
          position: 1,
          metadata: { lang: "fr", year: 2023, draft: true },
        }),
        chunk("c_money", "doc_finance", "Quarterly revenue grew while operating costs fell", 2, {
          metadata: { lang: "en", year: "2024" },
        }),
        chunk("c_tea", "doc_food", "Green tea is grown on the hills of Darjeeling", 3, { position: 2 }),
        chunk("c_ship", "doc_ships", "Container ships carry freight between harbours", 4),
      ]);
    }

    it("keyword mode finds words through stemming and accents, and returns the stored chunk", async () => {
      const s = fresh();
      await library(s);
      const q = { ...s, mode: "keyword" as const, topK: 3 };
      expect((await ids({ ...q, text: "cafe" }))[0]).toBe("c_cafe");
      const [hit] = await t.index.search({ ...q, text: "who runs marathons?" });
      expect(hit).toMatchObject({
        chunkId: "c_run",
        documentId: "doc_sport",
        position: 0,
        page: 3,
        heading: "Sport",
        text: "Running shoes for marathon runners",
      });
      expect(hit!.score).toBeGreaterThan(0);
      expect(await ids({ ...q, text: "the of and" })).toEqual([]);
    });

    it("keyword mode treats operator characters as plain text", async () => {
      const s = fresh();
      await library(s);
      for (const text of [
        'espresso" OR "tea',
        "NEAR(tea ships)",
        "tea*",
        "-revenue ^ships",
        "'; DROP TABLE x; --",
        "",
      ]) {
        await expect(t.index.search({ ...s, text, mode: "keyword", topK: 5 })).resolves.toBeInstanceOf(Array);
      }
      expect((await ids({ ...s, text: 'espresso" OR "tea', mode: "keyword", topK: 5 })).sort()).toEqual([
        "c_cafe",
        "c_tea",
      ]);
    });

    it("semantic mode ranks by the vector alone", async () => {
      const s = fresh();
      await library(s);
      const hits = await t.index.search({ ...s, text: "xyzzy", vector: topic(2, 0.01), mode: "semantic", topK: 5 });
      expect(hits.map((h) => h.chunkId)[0]).toBe("c_money");
      expect(hits).toHaveLength(5);
      expect(hits[0]!.score).toBeGreaterThan(0.99);
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    });

    it("hybrid mode puts the chunk both signals agree on first and still answers when no word matches", async () => {
      const s = fresh();
      await library(s);
      expect((await ids({ ...s, text: "espresso croissants", vector: topic(1), mode: "hybrid", topK: 3 }))[0]).toBe(
        "c_cafe",
      );
      expect((await ids({ ...s, text: "freight harbours", vector: topic(4), mode: "hybrid", topK: 3 }))[0]).toBe(
        "c_ship",
      );
      expect((await ids({ ...s, text: "xyzzy", vector: topic(3), mode: "hybrid", topK: 3 }))[0]).toBe("c_tea");
    });

    it("a strong keyword match wins a hybrid search against a weak semantic signal", async () => {
      const s = fresh();
      await library(s);
      // The vector leans towards ships, but only the tea chunk names Darjeeling.
      const v = topic(4, 0.3);
      expect((await ids({ ...s, text: "Darjeeling", vector: v, mode: "hybrid", topK: 3 }))[0]).toBe("c_tea");
    });

    it("returns at most topK hits", async () => {
      const s = fresh();
      await library(s);
      for (const mode of ["keyword", "semantic", "hybrid"] as const) {
        const q = { ...s, text: "tea espresso revenue ships marathon", vector: topic(0, 0.2), mode };
        expect(await ids({ ...q, topK: 2 })).toHaveLength(2);
        expect(await ids({ ...q, topK: 50 })).toHaveLength(5);
        expect(await ids({ ...q, topK: 0 })).toEqual([]);
      }
    });

    it("filters by document and by metadata inside every mode", async () => {
      const s = fresh();
      await library(s);
      const base = { ...s, text: "tea espresso revenue ships marathon", vector: topic(0, 0.2), topK: 10 };
      for (const mode of ["keyword", "semantic", "hybrid"] as const) {
        const q = { ...base, mode };
        expect((await ids({ ...q, filter: { documentIds: ["doc_food"] } })).sort()).toEqual(["c_cafe", "c_tea"]);
        expect((await ids({ ...q, filter: { documentIds: ["doc_food", "doc_ships"] } })).sort()).toEqual([
          "c_cafe",
          "c_ship",
          "c_tea",
        ]);
        expect(await ids({ ...q, filter: { documentIds: [] } })).toEqual([]);
        expect((await ids({ ...q, filter: { metadata: { lang: "en" } } })).sort()).toEqual(["c_money", "c_run"]);
        // Types matter: the number 2024 is not the string "2024".
        expect(await ids({ ...q, filter: { metadata: { year: 2024 } } })).toEqual(["c_run"]);
        expect(await ids({ ...q, filter: { metadata: { year: "2024" } } })).toEqual(["c_money"]);
        expect(await ids({ ...q, filter: { metadata: { draft: true } } })).toEqual(["c_cafe"]);
        expect(await ids({ ...q, filter: { metadata: { lang: "en", draft: false } } })).toEqual(["c_run"]);
        expect(await ids({ ...q, filter: { metadata: { lang: "de" } } })).toEqual([]);
        expect(await ids({ ...q, filter: { documentIds: ["doc_food"], metadata: { lang: "fr" } } })).toEqual([
          "c_cafe",
        ]);
      }
    });

    it("never returns another account's or knowledge base's chunks, even with the same ids and text", async () => {
      const mine = fresh();
      const sameAccountOtherKb = { accountId: mine.accountId, knowledgeBaseId: `${mine.knowledgeBaseId}_other` };
      const otherAccountSameKb = { accountId: `${mine.accountId}_other`, knowledgeBaseId: mine.knowledgeBaseId };
      await t.index.addChunks(mine, [chunk("c1", "doc1", "shared secret words", 0, { heading: "mine" })]);
      for (const other of [sameAccountOtherKb, otherAccountSameKb]) {
        await t.index.addChunks(other, [
          chunk("c1", "doc1", "shared secret words", 0, { heading: "theirs" }),
          chunk("c2", "doc1", "shared secret words again", 0, { heading: "theirs" }),
        ]);
      }
      for (const mode of ["keyword", "semantic", "hybrid"] as const) {
        const hits = await t.index.search({ ...mine, text: "shared secret", vector: topic(0), mode, topK: 10 });
        expect(hits.map((h) => [h.chunkId, h.heading])).toEqual([["c1", "mine"]]);
        const filtered = await t.index.search({
          ...mine,
          text: "shared secret",
          vector: topic(0),
          mode,
          topK: 10,
          filter: { documentIds: ["doc1"] },
        });
        expect(filtered.map((h) => h.heading)).toEqual(["mine"]);
      }
      expect(await t.index.deleteDocument(mine, "doc1")).toBe(1);
      expect(await t.index.deleteKnowledgeBase(mine)).toBe(0);
      for (const other of [sameAccountOtherKb, otherAccountSameKb]) {
        const hits = await t.index.search({
          ...other,
          text: "shared secret",
          vector: topic(0),
          mode: "hybrid",
          topK: 10,
        });
        expect(hits.map((h) => h.chunkId).sort()).toEqual(["c1", "c2"]);
      }
    });

    it("deletes exactly their scope and say how many chunks they removed", async () => {
      const a = fresh();
      const a2 = { accountId: a.accountId, knowledgeBaseId: `${a.knowledgeBaseId}_2` };
      const b = fresh();
      await library(a);
      await library(a2);
      await library(b);
      const everything = { text: "tea espresso revenue ships marathon", vector: topic(0, 0.2), topK: 10 };

      expect(await t.index.deleteDocument(a, "doc_food")).toBe(2);
      expect(await t.index.deleteDocument(a, "doc_food")).toBe(0);
      for (const mode of ["keyword", "semantic", "hybrid"] as const) {
        expect((await ids({ ...a, ...everything, mode })).sort()).toEqual(["c_money", "c_run", "c_ship"]);
      }
      expect(await ids({ ...a, ...everything, mode: "keyword", text: "espresso" })).toEqual([]);
      expect(await ids({ ...a2, ...everything, mode: "keyword", text: "espresso" })).toEqual(["c_cafe"]);

      expect(await t.index.deleteKnowledgeBase(a)).toBe(3);
      expect(await ids({ ...a, ...everything, mode: "hybrid" })).toEqual([]);
      expect(await ids({ ...a2, ...everything, mode: "hybrid" })).toHaveLength(5);

      expect(await t.index.deleteAccount(a.accountId)).toBe(5);
      expect(await ids({ ...a2, ...everything, mode: "hybrid" })).toEqual([]);
      expect(await t.index.deleteAccount(a.accountId)).toBe(0);
      expect(await ids({ ...b, ...everything, mode: "hybrid" })).toHaveLength(5);
    });

    it("scores a knowledge base with its own statistics: other owners' text changes nothing", async () => {
      const mine = fresh();
      await library(mine);
      const query = { ...mine, text: "tea espresso revenue", vector: topic(1), topK: 5 };
      const scored = async (mode: "keyword" | "hybrid") =>
        (await t.index.search({ ...query, mode })).map((h) => [h.chunkId, h.score]);
      const before = { keyword: await scored("keyword"), hybrid: await scored("hybrid") };
      // Others index the same words many times: with shared statistics these words would turn common and score less.
      const crowd = Array.from({ length: 60 }, (_, i) =>
        chunk(`crowd_${i}`, `doc_crowd_${i % 3}`, `tea espresso tea espresso revenue revenue ${i}`, 1),
      );
      await t.index.addChunks({ accountId: `${mine.accountId}_other`, knowledgeBaseId: mine.knowledgeBaseId }, crowd);
      await t.index.addChunks({ accountId: mine.accountId, knowledgeBaseId: `${mine.knowledgeBaseId}_other` }, crowd);
      expect(await scored("keyword")).toEqual(before.keyword);
      expect(await scored("hybrid")).toEqual(before.hybrid);
      expect(before.keyword.length).toBe(3);
    });

    it("keeps keyword scores exact through many small additions, full postings blocks, deletions and replacements", async () => {
      const grown = fresh();
      const direct = fresh();
      // 1,300 chunks share a word, so its postings span more than one block; they arrive 100 at a time, then the
      // last 300 four at a time (many small additions, as ingestion makes them).
      const all = Array.from({ length: 1300 }, (_, i) =>
        chunk(`c${i}`, `doc_${i % 13}`, `lantern ${i % 7 === 0 ? "lantern harbour" : "harbour"} note ${i}`, i % 8),
      );
      for (let i = 0; i < 1000; i += 100) await t.index.addChunks(grown, all.slice(i, i + 100));
      for (let i = 1000; i < all.length; i += 4) await t.index.addChunks(grown, all.slice(i, i + 4));
      expect(await t.index.deleteDocument(grown, "doc_3")).toBe(100);
      expect(await t.index.deleteDocument(grown, "doc_7")).toBe(100);
      const replaced = all.slice(0, 40).map((c) => ({ ...c, text: `${c.text} lantern lantern` }));
      await t.index.addChunks(grown, replaced);
      // The same final chunks, added in one go to another knowledge base, must score exactly the same.
      const remaining = new Map(
        all.filter((c) => c.documentId !== "doc_3" && c.documentId !== "doc_7").map((c) => [c.id, c]),
      );
      for (const c of replaced) remaining.set(c.id, c);
      await t.index.addChunks(direct, [...remaining.values()]);
      const scores = async (scope: IndexScope) =>
        (await t.index.search({ ...scope, text: "lantern harbour", mode: "keyword", topK: 2000 }))
          .map((h) => `${h.chunkId} ${h.score}`)
          .sort();
      const expected = await scores(direct);
      expect(expected).toHaveLength(1106); // 1,300 − 200 deleted + 6 replacements whose documents were deleted
      expect(await scores(grown)).toEqual(expected);
    });

    it("a filter that only the lowest-ranked chunks pass still finds them, best first", async () => {
      const s = fresh();
      // 1,500 chunks hold the query word; the 40 of doc_rare hold it once in a long text, so they rank last.
      const common = Array.from({ length: 1460 }, (_, i) => chunk(`c${i}`, `doc_${i % 10}`, `quartz quartz ${i}`, 0));
      const rare = Array.from({ length: 40 }, (_, i) =>
        chunk(`r${i}`, "doc_rare", `quartz ${"filler words of a long passage ".repeat(4 + (i % 5))}${i}`, 0),
      );
      await t.index.addChunks(s, [...common, ...rare]);
      const q = { ...s, text: "quartz", mode: "keyword" as const, topK: 10 };
      const unfiltered = await ids({ ...q, topK: 1500 });
      expect(unfiltered.slice(-40).every((id) => id.startsWith("r"))).toBe(true);
      const expected = unfiltered.filter((id) => id.startsWith("r")).slice(0, 10);
      expect(await ids({ ...q, filter: { documentIds: ["doc_rare"] } })).toEqual(expected);
      expect(await t.index.deleteKnowledgeBase(s)).toBe(1500);
    });

    it("adding a chunk id again replaces it instead of duplicating it", async () => {
      const s = fresh();
      await t.index.addChunks(s, [chunk("c1", "doc1", "old wording about lighthouses", 0)]);
      await t.index.addChunks(s, [chunk("c1", "doc1", "new wording about windmills", 5)]);
      expect(await ids({ ...s, text: "lighthouses", mode: "keyword", topK: 5 })).toEqual([]);
      const hits = await t.index.search({ ...s, text: "windmills", vector: topic(5), mode: "hybrid", topK: 5 });
      expect(hits.map((h) => [h.chunkId, h.text])).toEqual([["c1", "new wording about windmills"]]);
      expect(await t.index.deleteKnowledgeBase(s)).toBe(1);
    });

    it("a fenced write commits while its fence holds; once taken over, it and a delete change nothing", async () => {
      const s = fresh();
      const name = s.knowledgeBaseId;
      await t.run(`INSERT INTO fence_attempts (name, attempt) VALUES ('${name}', 1)`);
      await t.index.addChunks(s, [chunk("c1", "doc1", "lighthouses along the northern coast", 0)], fenceOf(name, 1));
      expect(await ids({ ...s, text: "lighthouses", mode: "keyword", topK: 5 })).toEqual(["c1"]);

      // Another attempt took over: the first one's batch in flight and its clean-up must not land.
      await t.run(`UPDATE fence_attempts SET attempt = 2 WHERE name = '${name}'`);
      const stale = fenceOf(name, 1);
      await expect(
        t.index.addChunks(s, [chunk("c2", "doc1", "windmills turning in the polder", 1)], stale),
      ).rejects.toBeInstanceOf(StaleWriteError);
      await expect(t.index.deleteDocument(s, "doc1", stale)).rejects.toBeInstanceOf(StaleWriteError);
      expect(await ids({ ...s, text: "windmills", mode: "keyword", topK: 5 })).toEqual([]);
      expect(await ids({ ...s, text: "polder", vector: topic(1), mode: "semantic", topK: 5 })).toEqual(["c1"]);

      // The attempt that holds the fence writes and deletes as usual.
      await t.index.addChunks(s, [chunk("c3", "doc1", "windmills turning in the polder", 1)], fenceOf(name, 2));
      expect(await ids({ ...s, text: "windmills", mode: "keyword", topK: 5 })).toEqual(["c3"]);
      expect(await t.index.deleteDocument(s, "doc1", fenceOf(name, 2))).toBe(2);
    });
  });
}
