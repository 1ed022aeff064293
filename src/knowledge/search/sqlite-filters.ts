import type { MetadataValue } from "./search-index.js";

/**
 * Metadata equality as SQL over `knowledge_chunks c`: each key must be present with a value of the same JSON type
 * and the same value (the string "1" does not match the number 1). Keys and values are bound, never spliced in.
 */
export function metadataClauses(metadata: Record<string, MetadataValue> | undefined): {
  clauses: string[];
  params: unknown[];
} {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === "boolean") {
      clauses.push("EXISTS (SELECT 1 FROM json_each(c.metadata) j WHERE j.key = ? AND j.type = ?)");
      params.push(key, value ? "true" : "false");
    } else if (typeof value === "number") {
      clauses.push(
        "EXISTS (SELECT 1 FROM json_each(c.metadata) j WHERE j.key = ? AND j.type IN ('integer', 'real') AND j.value = ?)",
      );
      params.push(key, value);
    } else {
      clauses.push(
        "EXISTS (SELECT 1 FROM json_each(c.metadata) j WHERE j.key = ? AND j.type = 'text' AND j.value = ?)",
      );
      params.push(key, value);
    }
  }
  return { clauses, params };
}
