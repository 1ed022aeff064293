/**
 * The adapters of the ports that configuration chooses (embedder, search index, image providers): picked once, at
 * start-up, from validated configuration; a missing or invalid variable stops start-up with its name.
 */
import type { Config } from "./config.js";
import { ConfigError } from "./config.js";
import type { Database } from "./db/open.js";
import { loadImageProvider } from "./images/providers/index.js";
import type { ImageProvider } from "./images/providers/provider.js";
import type { Embedder } from "./knowledge/embedders/embedder.js";
import { createEmbedder } from "./knowledge/embedders/index.js";
import { HOSTED_MODEL_FUSION, LOCAL_MODEL_FUSION } from "./knowledge/search/fusion.js";
import { PostgresSearchIndex } from "./knowledge/search/postgres.js";
import type { BulkBuildOptions } from "./knowledge/search/postgres-bulk.js";
import type { SearchIndex } from "./knowledge/search/search-index.js";
import { SqliteSearchIndex } from "./knowledge/search/sqlite.js";
import type { KeyStore } from "./storage/key-store.js";

/** The embedder EMBEDDING_PROVIDER names; a missing or invalid variable stops start-up with its name. */
export function createConfiguredEmbedder(config: Config): Embedder {
  try {
    return createEmbedder({ ...config.raw, EMBEDDING_PROVIDER: config.embeddingProvider });
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
}

/**
 * The offline model is weak (keyword search carries retrieval, the dense signal only breaks ties); a hosted or
 * operator-provided model earns more weight in hybrid fusion.
 */
export async function createSearchIndex(
  db: Database,
  embedder: Embedder,
  keys: KeyStore,
  bulkBuild?: Partial<BulkBuildOptions>,
): Promise<SearchIndex> {
  const fusion = embedder.id.startsWith("local:") ? LOCAL_MODEL_FUSION : HOSTED_MODEL_FUSION;
  if (db.dialect === "sqlite") return new SqliteSearchIndex(db.sql, { fusion });
  const index = new PostgresSearchIndex(db.sql.pool, {
    keys,
    hybrid: { fusion },
    ...(bulkBuild ? { bulkBuild } : {}),
  });
  await index.init();
  return index;
}

/** IMAGE_PROVIDER, then IMAGE_FALLBACK_PROVIDER, then the offline engine (unless IMAGE_LOCAL_ENGINE=false). */
export async function createImageProviders(config: Config): Promise<ImageProvider[]> {
  const names = [config.imageProvider, config.images.fallbackProvider];
  if (config.images.localEngine) names.push("local");
  const unique = [...new Set(names.filter((n): n is Config["imageProvider"] => n !== undefined))];
  const providers: ImageProvider[] = [];
  for (const name of unique) {
    try {
      providers.push(await loadImageProvider(name, config.raw));
    } catch (error) {
      throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
    }
  }
  return providers;
}
