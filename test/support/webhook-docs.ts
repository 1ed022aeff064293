import { readFileSync } from "node:fs";

/**
 * The payloads docs/webhooks.md documents: for each event type named in a `### ` heading of its "Payloads" section,
 * the fields of that section's tables (first column, in backticks). An event whose `data` carries a field missing
 * here is undocumented.
 */
export function documentedPayloads(
  path = new URL("../../docs/webhooks.md", import.meta.url),
): Map<string, Set<string>> {
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("\n## Payloads");
  if (start < 0) throw new Error("docs/webhooks.md has no Payloads section");
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const payloads = new Map<string, Set<string>>();
  for (const part of section.split("\n### ").slice(1)) {
    const [heading = "", ...body] = part.split("\n");
    const types = [...heading.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!);
    const fields = new Set<string>();
    for (const line of body) {
      const field = /^\|\s*`([A-Za-z0-9_]+)`\s*\|/.exec(line)?.[1];
      if (field) fields.add(field);
    }
    for (const type of types) payloads.set(type, fields);
  }
  return payloads;
}

/** The fields of `data` that docs/webhooks.md does not document for `type` (every field, if the type is missing). */
export function undocumentedFields(type: string, data: Record<string, unknown>): string[] {
  const fields = documentedPayloads().get(type);
  return Object.keys(data).filter((k) => !fields?.has(k));
}
