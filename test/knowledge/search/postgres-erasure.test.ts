import { randomInt } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../../src/db/postgres.js";
import { batchStemmer } from "../../../src/knowledge/search/analysis.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";
import { Sealer } from "../../../src/lib/sealing.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { tempDir } from "../../support/db.js";
import { type OwnPostgres, startOwnPostgres } from "../../support/own-postgres.js";

/** Random base32 words: incompressible, and found nowhere unless this test wrote them. */
const base32 = (n: number) =>
  Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz234567"[randomInt(32)]).join("");
const DIMS = 16;
const vec = (i: number) => Float32Array.from({ length: DIMS }, (_, j) => Math.sin(i * 17 + j) + 0.01);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
}

/** Which files of the cluster hold `needle` (every file: heap, indexes, TOAST, free space map, pg_wal). */
function filesHolding(dir: string, needle: string | Buffer): string[] {
  return filesUnder(dir)
    .filter((f) => readFileSync(f).includes(needle))
    .map((f) => path.relative(dir, f));
}

describe("PostgreSQL knowledge index: a deleted knowledge base is unreadable on disk (crypto-shredding)", () => {
  let server: OwnPostgres;
  let pool: pg.Pool;
  let index: PostgresSearchIndex;
  const keysDir = tempDir("apic-keys-");
  const keys = new LocalKeyStore(keysDir);
  const doomed = { accountId: "acct_erase", knowledgeBaseId: "kb_doomed" };
  const kept = { accountId: "acct_erase", knowledgeBaseId: "kb_kept" };
  const markers = Array.from({ length: 6 }, () => base32(26));
  const headingMarker = base32(24);
  // Stems as the index analyses them (a base32 word may lose a Porter suffix).
  const stem = batchStemmer();
  const stems = [...markers, headingMarker].map((m) => stem(m));
  let key: Buffer;

  beforeAll(async () => {
    server = await startOwnPostgres();
    pool = openPostgres({ url: server.url, poolSize: 4 });
    index = new PostgresSearchIndex(pool, { keys });
    await index.init();
    const filler = (scope: typeof doomed, from: number): IndexedChunk[] =>
      Array.from({ length: 150 }, (_, i) => ({
        id: `chk_${scope.knowledgeBaseId}_${from + i}`,
        documentId: `doc_fill_${i % 10}`,
        position: i,
        text: `Filler passage ${i} about harbours, lighthouses and the tides near town ${i % 37}.`,
        vector: vec(from + i),
      }));
    await index.addChunks(kept, filler(kept, 0));
    await index.addChunks(doomed, filler(doomed, 0));
    await index.addChunks(doomed, [
      // Long enough (~6 KB of random words) to be stored out of line in TOAST.
      {
        id: "chk_long",
        documentId: "doc_secret",
        position: 0,
        heading: `Heading ${headingMarker}`,
        text: `${markers.join(" ")} ${Array.from({ length: 220 }, () => base32(26)).join(" ")}`,
        metadata: { kind: "secret" },
        vector: vec(9999),
      },
      ...markers.map((m, i) => ({
        id: `chk_short_${i}`,
        documentId: "doc_secret",
        position: i + 1,
        text: `The code word is ${m}.`,
        vector: vec(5000 + i),
      })),
    ]);
    await index.addChunks(doomed, filler(doomed, 150));
    key = (await keys.key("acct_erase/kb_doomed"))!;
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    server?.stop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("finds the markers before the delete, and the scan sees their keyed terms on disk", async () => {
    expect(index.usesPgvector).toBe(true);
    for (const m of markers) {
      const hits = await index.search({ ...doomed, text: m, mode: "keyword", topK: 5 });
      expect(hits.map((h) => h.chunkId)).toContain("chk_long");
      expect(hits.find((h) => h.chunkId === "chk_long")?.heading).toBe(`Heading ${headingMarker}`);
    }
    server.psql("CHECKPOINT");
    // A positive control: what the index stores of a word is on disk where the scan looks.
    const sealer = new Sealer(key);
    for (const s of stems) expect(filesHolding(server.dataDir, sealer.term(s)), s).not.toEqual([]);
    // Only sealed text and keyed terms were ever written: no plaintext marker in heap, TOAST, index or WAL files.
    for (const m of [...markers, headingMarker, ...stems]) expect(filesHolding(server.dataDir, m), m).toEqual([]);
  });

  it("after delete and maintenance, the key is gone and nothing of the knowledge base is readable", async () => {
    expect(await index.deleteKnowledgeBase(doomed)).toBe(307);
    await index.reclaim();
    server.psql("CHECKPOINT");
    expect(existsSync(path.join(keysDir, "acct_erase", "kb_doomed.key"))).toBe(false);
    expect(await keys.key("acct_erase/kb_doomed")).toBeUndefined();
    const files = filesUnder(server.dataDir);
    expect(files.some((f) => f.includes("pg_wal"))).toBe(true);
    for (const m of [...markers, headingMarker, ...stems]) expect(filesHolding(server.dataDir, m), m).toEqual([]);
    // The key never reached PostgreSQL, and its file's bytes are not left in the key folder.
    expect(filesHolding(server.dataDir, key)).toEqual([]);
    expect(filesHolding(keysDir, key)).toEqual([]);
    // Keyed terms may survive in WAL segments and free space until overwritten: without the key they name nothing.
    const sealer = new Sealer(key);
    const left = stems.flatMap((s) => filesHolding(server.dataDir, sealer.term(s)));
    console.info(`keyed terms of the deleted knowledge base still in: ${[...new Set(left)].join(", ") || "nothing"}`);
    // The other knowledge base is intact.
    const hits = await index.search({ ...kept, text: "lighthouses", mode: "keyword", topK: 500 });
    expect(hits).toHaveLength(150);
    expect(await index.search({ ...doomed, text: markers[0]!, mode: "keyword", topK: 5 })).toEqual([]);
  });
});
