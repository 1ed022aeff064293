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
  // A document of the knowledge base that lives on, deleted alone, and one beside it that stays.
  const goneMarkers = Array.from({ length: 4 }, () => base32(26));
  const stayMarker = base32(26);

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
    await index.addChunks(kept, [
      {
        id: "chk_gone_long",
        documentId: "doc_gone",
        position: 0,
        heading: `Report ${goneMarkers[0]}`,
        text: `${goneMarkers.join(" ")} ${Array.from({ length: 220 }, () => base32(26)).join(" ")}`,
        vector: vec(7000),
      },
      ...goneMarkers.map((m, i) => ({
        id: `chk_gone_${i}`,
        documentId: "doc_gone",
        position: i + 1,
        text: `The password is ${m}.`,
        vector: vec(7100 + i),
      })),
      { id: "chk_stay", documentId: "doc_stay", position: 0, text: `Keep ${stayMarker} safe.`, vector: vec(7200) },
    ]);
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

  it("a document deleted from a knowledge base that lives on: its key is destroyed, no key left opens its text", async () => {
    const docKeyFile = path.join(keysDir, "acct_erase", "kb_kept", "doc_gone.key");
    const docKey = (await keys.key("acct_erase/kb_kept/doc_gone"))!;
    const baseKey = (await keys.key("acct_erase/kb_kept"))!;
    expect(docKey).toHaveLength(32);
    const rows = (
      await pool.query(
        `SELECT chunk_id, document_keyed, sealed FROM knowledge_chunks
         WHERE account_id = 'acct_erase' AND knowledge_base_id = 'kb_kept' AND document_id = 'doc_gone'`,
      )
    ).rows as { chunk_id: string; document_keyed: boolean; sealed: Buffer }[];
    expect(rows).toHaveLength(5);
    const stems = goneMarkers.map((m) => stem(m));
    for (const m of goneMarkers) {
      const hits = await index.search({ ...kept, text: m, mode: "keyword", topK: 5 });
      expect(hits.map((h) => h.chunkId)).toContain("chk_gone_long");
    }
    server.psql("CHECKPOINT");
    // Controls: each chunk is sealed with the document's own key (the knowledge base's does not open it), and the
    // sealed bytes are on disk where the scan looks (the long one's first bytes in TOAST).
    for (const r of rows) {
      expect(r.document_keyed).toBe(true);
      expect(new Sealer(docKey).open(r.sealed)).toContain(r.chunk_id === "chk_gone_long" ? goneMarkers[1] : "password");
      expect(() => new Sealer(baseKey).open(r.sealed)).toThrow();
      expect(filesHolding(server.dataDir, r.sealed.subarray(0, 32)), r.chunk_id).not.toEqual([]);
    }

    expect(await index.deleteDocument(kept, "doc_gone")).toBe(5);
    server.psql("CHECKPOINT");
    // Before any vacuum: the key is destroyed at once, and what PostgreSQL still holds opens with no key left.
    expect(existsSync(docKeyFile)).toBe(false);
    expect(await keys.key("acct_erase/kb_kept/doc_gone")).toBeUndefined();
    const sealedLeft = rows.filter((r) => filesHolding(server.dataDir, r.sealed.subarray(0, 32)).length > 0);
    console.info(`sealed chunks of the deleted document still on disk before vacuum: ${sealedLeft.length} of 5`);
    const unreadable = () => {
      const left = filesUnder(keysDir).map((f) => readFileSync(f));
      expect(left.length).toBeGreaterThan(0);
      for (const k of left) {
        expect(k.equals(docKey)).toBe(false);
        for (const r of rows) expect(() => new Sealer(k).open(r.sealed)).toThrow();
      }
      expect(filesHolding(keysDir, docKey)).toEqual([]);
      expect(filesHolding(server.dataDir, docKey)).toEqual([]);
      for (const m of [...goneMarkers, ...stems]) expect(filesHolding(server.dataDir, m), m).toEqual([]);
    };
    unreadable();

    await index.reclaim();
    server.psql("CHECKPOINT");
    unreadable();
    // Its terms stay keyed with the knowledge base's key (docs/postgres.md says what they reveal until overwritten).
    const baseSealer = new Sealer(baseKey);
    const terms = stems.flatMap((s) => filesHolding(server.dataDir, baseSealer.term(s)));
    console.info(`keyed terms of the deleted document still in: ${[...new Set(terms)].join(", ") || "nothing"}`);
    // The knowledge base lives on: the rest of it is searchable, the deleted document is not.
    expect(await index.search({ ...kept, text: goneMarkers[0]!, mode: "keyword", topK: 5 })).toEqual([]);
    const stay = await index.search({ ...kept, text: stayMarker, mode: "keyword", topK: 5 });
    expect(stay.map((h) => [h.chunkId, h.text])).toEqual([["chk_stay", `Keep ${stayMarker} safe.`]]);
    expect(await index.search({ ...kept, text: "lighthouses", mode: "keyword", topK: 500 })).toHaveLength(150);
    const semantic = await index.search({ ...kept, text: "", vector: vec(7200), mode: "semantic", topK: 3 });
    expect(semantic[0]?.text).toBe(`Keep ${stayMarker} safe.`);
  });

  it("after delete and maintenance, the key is gone and nothing of the knowledge base is readable", async () => {
    expect(await index.deleteKnowledgeBase(doomed)).toBe(307);
    await index.reclaim();
    server.psql("CHECKPOINT");
    expect(existsSync(path.join(keysDir, "acct_erase", "kb_doomed.key"))).toBe(false);
    // Its documents' keys went with it.
    expect(existsSync(path.join(keysDir, "acct_erase", "kb_doomed"))).toBe(false);
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
