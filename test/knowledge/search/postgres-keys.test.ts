import { rmSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { IndexKeys, KeyRing } from "../../../src/knowledge/search/postgres-keys.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { tempDir } from "../../support/db.js";

const vec = (axis: number) => Float32Array.from({ length: 8 }, (_, i) => (i === axis ? 1 : 0.05));

describe("the search index's document keys", () => {
  const dirs: string[] = [];
  const keyDir = () => {
    const d = tempDir("apic-keys-");
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("keeps at most `entries` keys in memory, the least recently used going first", async () => {
    const dir = keyDir();
    const keys = new IndexKeys(new LocalKeyStore(dir), { entries: 3 });
    for (let i = 0; i < 5; i++) await keys.fresh(`acct_1/kb_1/doc_${i}`, true);
    expect(keys.cachedCount).toBe(3); // doc_2, doc_3, doc_4
    expect(await keys.cached("acct_1/kb_1/doc_2")).toBeDefined(); // used: now the most recent
    await keys.fresh("acct_1/kb_1/doc_5", true); // doc_3 goes
    expect(keys.cachedCount).toBe(3);
    // Another process destroys every key: what is cached still answers (no read), what was evicted is read and gone.
    await new LocalKeyStore(dir).destroyPrefix("acct_1");
    expect(await new KeyRing(keys, "cached").sealer("acct_1/kb_1/doc_2")).toBeDefined();
    expect(await keys.cached("acct_1/kb_1/doc_5")).toBeDefined();
    expect(await keys.cached("acct_1/kb_1/doc_3")).toBeUndefined();
    expect(await keys.cached("acct_1/kb_1/doc_0")).toBeUndefined();
    // Past its time a cached key is read again.
    const short = new IndexKeys(new LocalKeyStore(dir), { ttlMs: 0 });
    await short.fresh("acct_1/kb_1/doc_9", true);
    await new LocalKeyStore(dir).destroy("acct_1/kb_1/doc_9");
    expect(await short.cached("acct_1/kb_1/doc_9")).toBeUndefined();
  });

  it("forgets what this process destroys, at once", async () => {
    const keys = new IndexKeys(new LocalKeyStore(keyDir()));
    await keys.fresh("acct_1/kb_1/doc_1", true);
    await keys.fresh("acct_1/kb_1", true);
    await keys.fresh("acct_1/kb_2/doc_1", true);
    await keys.destroy("acct_1/kb_2/doc_1");
    expect(await keys.cached("acct_1/kb_2/doc_1")).toBeUndefined();
    await keys.destroyPrefix("acct_1/kb_1", true);
    expect(keys.cachedCount).toBe(0);
    expect(await keys.cached("acct_1/kb_1/doc_1")).toBeUndefined();
    expect(await keys.cached("acct_1/kb_1")).toBeUndefined();
  });

  it("a search in one process reads a document another process deleted and indexed again (a new key)", async () => {
    const pg = await PGlite.create();
    try {
      const dir = keyDir();
      // Two processes: one database, one key folder, each with its own cache.
      const a = new PostgresSearchIndex(pg, { keys: new LocalKeyStore(dir), vectors: "exact" });
      const b = new PostgresSearchIndex(pg, { keys: new LocalKeyStore(dir), vectors: "exact" });
      await a.init();
      await b.init();
      const kb = { accountId: "acct_1", knowledgeBaseId: "kb_1" };
      const add = (index: PostgresSearchIndex, text: string) =>
        index.addChunks(kb, [{ id: "chk_1", documentId: "doc_1", position: 0, text, vector: vec(0) }]);
      const find = async (index: PostgresSearchIndex, text: string) =>
        (await index.search({ ...kb, text, mode: "keyword", topK: 5 })).map((h) => h.text);

      await add(a, "Lighthouses guide ships");
      expect(await find(b, "ships")).toEqual(["Lighthouses guide ships"]); // b now holds doc_1's key
      expect(await a.deleteDocument(kb, "doc_1")).toBe(1);
      expect(await find(b, "ships")).toEqual([]);
      await add(a, "Ships carry tea");
      // b's cached key no longer opens the chunk: it reads the new key instead of failing or answering nothing.
      expect(await find(b, "ships")).toEqual(["Ships carry tea"]);
    } finally {
      await pg.close();
    }
  });
});
