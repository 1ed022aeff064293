import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";

/** An 8-d vector pointing along `axis` (mod 8), a little off every other axis. */
export const v = (axis: number) => Float32Array.from({ length: 8 }, (_, i) => (i === axis % 8 ? 1 : 0.05));

/** `n` chunks of one document `doc_<tag>`, ids `<tag>_<i>`, each along axis i. */
export const chunks = (tag: string, n: number): IndexedChunk[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}_${i}`,
    documentId: `doc_${tag}`,
    position: i,
    text: `${tag} note ${i}`,
    vector: v(i),
  }));
