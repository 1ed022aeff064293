import type { SqliteDatabase } from "../../db/sqlite.js";
import type { KeywordChunk } from "./keyword-blocks.js";
import type { SqliteKeywordIndex } from "./sqlite-keyword.js";
import type { SqliteVectorIndex } from "./sqlite-vectors.js";

/**
 * Brings a knowledge index written before migration 3 (vectors in one vec0 table per size, keyword entries in FTS5
 * or version 2's postings) to the current layout, once, when the index opens: vectors move out of the vec0 tables,
 * which are dropped with any sign-bit vec0 copies (so no copy is left behind), and each knowledge base listed in
 * `knowledge_index_upgrade` gets its postings and sketches from its stored chunks. A database created at migration 3
 * or later has nothing to do here and pays two lookups.
 */
export function upgradeLegacyIndex(db: SqliteDatabase, keywords: SqliteKeywordIndex, vectors: SqliteVectorIndex) {
  const legacyTables = db
    .prepare(
      `SELECT name FROM sqlite_schema
       WHERE type = 'table' AND (name GLOB 'knowledge_vec_[0-9]*' OR name GLOB 'knowledge_vbit_[0-9]*')
         AND sql LIKE 'CREATE VIRTUAL TABLE%'`,
    )
    .all() as { name: string }[];
  const pending = db.prepare("SELECT account_id, knowledge_base_id FROM knowledge_index_upgrade").all() as {
    account_id: string;
    knowledge_base_id: string;
  }[];
  if (legacyTables.length === 0 && pending.length === 0) return;
  db.transaction(() => {
    for (const { name } of legacyTables) {
      if (/^knowledge_vec_\d+$/.test(name)) {
        db.exec(
          `INSERT OR REPLACE INTO knowledge_vectors (pk, account_id, knowledge_base_id, embedding)
           SELECT rowid, account_id, knowledge_base_id, embedding FROM ${name}`,
        );
      }
      if (/^knowledge_v(ec|bit)_\d+$/.test(name)) db.exec(`DROP TABLE ${name}`);
    }
    const chunksOf = db.prepare(
      `SELECT pk AS key, text, heading FROM knowledge_chunks WHERE account_id = ? AND knowledge_base_id = ?
       ORDER BY pk`,
    );
    for (const row of pending) {
      const scope = { accountId: row.account_id, knowledgeBaseId: row.knowledge_base_id };
      const kb = keywords.base(scope, true)!;
      keywords.add(kb, chunksOf.all(scope.accountId, scope.knowledgeBaseId) as KeywordChunk[]);
      vectors.sketch(kb, vectors.stored(scope));
    }
    db.prepare("DELETE FROM knowledge_index_upgrade").run();
  })();
}
