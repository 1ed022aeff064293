/**
 * DDL of the PostgreSQL knowledge index, run by `PostgresSearchIndex.init()` (idempotent, serialised across processes
 * by an advisory lock inside each DO block). Keyword postings and each knowledge base's BM25 totals are laid out as
 * in SQLite (keyword-blocks.ts). Vectors live in one table per dimension, created on first use: pgvector
 * `vector(n)` with an HNSW cosine index when the extension is there, else `real[]` searched exactly.
 */
export const BASE_DDL = `DO $ddl$ BEGIN
  PERFORM pg_advisory_xact_lock(727274101);
  CREATE TABLE IF NOT EXISTS knowledge_chunks (
    pk BIGSERIAL PRIMARY KEY,
    account_id TEXT NOT NULL,
    knowledge_base_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    page INTEGER,
    heading TEXT,
    metadata JSONB,
    text TEXT,
    sealed BYTEA,
    dimensions INTEGER NOT NULL,
    UNIQUE (account_id, knowledge_base_id, chunk_id)
  );
  -- Text and heading are sealed with the document's key (document_keyed) or, for rows written before documents had
  -- keys, the knowledge base's (postgres-sealed.ts); plain columns hold only rows written before sealing, until
  -- init() seals them.
  ALTER TABLE knowledge_chunks ADD COLUMN IF NOT EXISTS sealed BYTEA;
  ALTER TABLE knowledge_chunks ADD COLUMN IF NOT EXISTS document_keyed BOOLEAN NOT NULL DEFAULT false;
  ALTER TABLE knowledge_chunks ALTER COLUMN text DROP NOT NULL;
  -- Keyword search moved from SQL BM25 over tsvectors to postings blocks: an older table loses those columns (and
  -- the index that included one of them, recreated below without it).
  DROP INDEX IF EXISTS knowledge_chunks_tsv;
  ALTER TABLE knowledge_chunks DROP COLUMN IF EXISTS tsv, DROP COLUMN IF EXISTS tf, DROP COLUMN IF EXISTS len;
  CREATE INDEX IF NOT EXISTS knowledge_chunks_document ON knowledge_chunks (account_id, knowledge_base_id, document_id);
  CREATE TABLE IF NOT EXISTS knowledge_index_bases (
    kb BIGSERIAL PRIMARY KEY,
    account_id TEXT NOT NULL,
    knowledge_base_id TEXT NOT NULL,
    chunks BIGINT NOT NULL,
    tokens BIGINT NOT NULL,
    UNIQUE (account_id, knowledge_base_id)
  );
  -- Whether the knowledge base's postings are stored under keyed terms (false: words, written before keying).
  ALTER TABLE knowledge_index_bases ADD COLUMN IF NOT EXISTS keyed BOOLEAN NOT NULL DEFAULT false;
  CREATE TABLE IF NOT EXISTS knowledge_postings (
    kb BIGINT NOT NULL REFERENCES knowledge_index_bases (kb) ON DELETE CASCADE,
    term TEXT NOT NULL,
    first_key BIGINT NOT NULL,
    last_key BIGINT NOT NULL,
    n INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (kb, term, first_key)
  );
  -- Room on each page, so that appending to a block (a new version of its row) mostly stays on its page (HOT).
  ALTER TABLE knowledge_postings SET (fillfactor = 60);
  -- Exact search without pgvector: unit vectors, so the dot product is the cosine similarity.
  CREATE OR REPLACE FUNCTION knowledge_dot(a real[], b real[]) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT sum(x * y) FROM unnest(a, b) AS t(x, y)';
END $ddl$`;

export function vectorTable(dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
    throw new Error(`unsupported vector size ${dimensions}`);
  }
  return `knowledge_vectors_${dimensions}`;
}

/**
 * Where pgvector's objects live: the extension's schema, quoted. The pool's search path holds only the service's
 * schema while administrators install the extension in `public`, so every type, operator and operator class is
 * written qualified by it; `undefined` means no pgvector (vectors are `real[]`).
 */
export type VectorSchema = string | undefined;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The column type of `dimensions`-wide vectors. */
export function vectorType(ext: VectorSchema, dimensions?: number): string {
  if (ext === undefined) return "real[]";
  return dimensions === undefined ? `${ext}.vector` : `${ext}.vector(${dimensions})`;
}

/** pgvector's cosine distance, as an operator usable whatever the search path. */
export function cosineDistance(ext: string): string {
  return `OPERATOR(${ext}.<=>)`;
}

/** The HNSW index of a vector table (cosine); `IF NOT EXISTS` makes it safe to run again. */
export function hnswIndexDdl(dimensions: number, ext: string): string {
  const t = vectorTable(dimensions);
  return `CREATE INDEX IF NOT EXISTS ${t}_hnsw ON ${t} USING hnsw (embedding ${ext}.vector_cosine_ops)`;
}

/** The per-dimension vector table; HNSW is limited to 2,000 dimensions of `vector`, beyond that search is exact. */
export function vectorTableDdl(dimensions: number, ext: VectorSchema): string {
  const t = vectorTable(dimensions);
  const hnsw = ext !== undefined && dimensions <= 2000 ? `${hnswIndexDdl(dimensions, ext)};` : "";
  return `DO $ddl$ BEGIN
  PERFORM pg_advisory_xact_lock(727274102);
  CREATE TABLE IF NOT EXISTS ${t} (
    pk BIGINT PRIMARY KEY REFERENCES knowledge_chunks (pk) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    knowledge_base_id TEXT NOT NULL,
    embedding ${vectorType(ext, dimensions)} NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ${t}_owner ON ${t} (account_id, knowledge_base_id);
  ${hnsw}
END $ddl$`;
}
/**
 * How many candidates an HNSW search of a vector table keeps (`hnsw.ef_search`): 100 up to 100,000 rows, then one
 * per 1,000 rows, at most 1,000 (pgvector's limit). The walk needs more candidates as the graph grows. Measured on
 * 512-d clustered vectors (docs/benchmarks.md, "1,000,000 chunks"), share of hits within 0.01 of the exact 10th's
 * similarity: at 100,000 rows 100 finds 1.000 (and 0.996 of the exact top 10); at 300,000 rows 100 found 0.802, 300
 * 0.992, more nothing; at 1,000,000 rows 100 found 0.714, 400 0.960, 800 and 1,000 1.000 (15 ms at p50). The table's
 * size is the catalogue's estimate (`reltuples`: kept by ANALYZE and autovacuum; -1 before the first).
 */
export function efSearchFunctionDdl(dimensions: number): string {
  const t = vectorTable(dimensions);
  return `CREATE OR REPLACE FUNCTION ${t}_ef_search() RETURNS INTEGER LANGUAGE sql STABLE AS $fn$
    SELECT coalesce((SELECT least(1000, greatest(100, ceil(c.reltuples / 1000)))::int
                     FROM pg_class c WHERE c.oid = to_regclass('${t}')), 100)
  $fn$`;
}

/**
 * pgvector's HNSW scan filters the owner after the graph walk; iterative scans (pgvector 0.8) keep walking until
 * `limit` rows of this owner are found, so a small knowledge base among large ones still gets its full top-k.
 *
 * The query is run by EXECUTE … USING so that it is planned for this call's owner: a LANGUAGE sql function is planned
 * once for any parameters, and with many knowledge bases that generic plan reads a large one's every vector through
 * the owner index instead of walking the HNSW graph (73 ms against 6 ms for 10,000 chunks among 300 small knowledge
 * bases, in PGlite). A small knowledge base still gets the exact scan, which is the faster plan for it.
 */
export function semanticFunctionDdl(
  dimensions: number,
  ext: string,
  iterativeScan: boolean,
  /** A fixed `hnsw.ef_search` (the latency bench's sweep) instead of the table's (`efSearchFunctionDdl`). */
  efSearch?: number,
): string {
  const t = vectorTable(dimensions);
  const distance = cosineDistance(ext);
  const iterative = iterativeScan ? "SET hnsw.iterative_scan = 'strict_order'" : "";
  // Set inside the function, whose SET clause makes it the function's own (restored when it returns).
  const scaled = efSearch ? "" : `PERFORM set_config('hnsw.ef_search', ${t}_ef_search()::text, true);`;
  return `CREATE OR REPLACE FUNCTION ${t}_search(p_account TEXT, p_kb TEXT, p_query ${vectorType(ext)}, p_limit INTEGER,
    p_documents TEXT[], p_metadata JSONB)
  RETURNS TABLE (key TEXT, score DOUBLE PRECISION) LANGUAGE plpgsql STABLE
  ${iterative} SET hnsw.ef_search = ${Math.trunc(efSearch ?? 100)}
  AS $fn$ BEGIN
    ${scaled}
    RETURN QUERY EXECUTE
      'SELECT v.pk::text, 1 - (v.embedding ${distance} $3)
       FROM ${t} v JOIN knowledge_chunks c ON c.pk = v.pk
       WHERE v.account_id = $1 AND v.knowledge_base_id = $2
         AND ($5 IS NULL OR c.document_id = ANY ($5))
         AND ($6 IS NULL OR c.metadata @> $6)
       ORDER BY v.embedding ${distance} $3
       LIMIT $4'
      USING p_account, p_kb, p_query, p_limit, p_documents, p_metadata;
  END $fn$`;
}

/**
 * The search functions of a vector table, replaced together under the vector tables' DDL lock (two processes
 * replacing one function at once can fail with "tuple concurrently updated").
 */
export function searchFunctionsDdl(dimensions: number, ext: string, iterativeScan: boolean, efSearch?: number): string {
  return `DO $ddl$ BEGIN
  PERFORM pg_advisory_xact_lock(727274102);
  ${efSearchFunctionDdl(dimensions)};
  ${semanticFunctionDdl(dimensions, ext, iterativeScan, efSearch)};
END $ddl$`;
}
