/** Fills the embedding cache for every document and query of the three collections: `npx tsx bench/lib/embed-all.ts`. */
import { COLLECTIONS, documentText, loadCollection } from "./collections.js";
import { EmbeddingCache, embedCached } from "./embed-cache.js";
import { loadUseEmbedder } from "./use-embedder.js";

const embedder = await loadUseEmbedder();
const cache = new EmbeddingCache(embedder.id, embedder.dimensions);
for (const name of COLLECTIONS) {
  const c = loadCollection(name);
  process.stderr.write(`${name}: queries\n`);
  await embedCached(
    embedder,
    cache,
    c.queries.map((q) => q.text),
    "query",
  );
  process.stderr.write(`${name}: documents\n`);
  await embedCached(embedder, cache, c.docs.map(documentText), "document");
}
process.stderr.write(`cache holds ${cache.size} vectors\n`);
