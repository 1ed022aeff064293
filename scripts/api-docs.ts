/**
 * Writes docs/openapi.json (the document the service serves at GET /openapi.json) and docs/api.md (a readable
 * reference generated from it). `npm run docs:api`; a test fails when the committed files are out of date.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { PACKAGE_ROOT } from "../src/lib/package-root.js";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  $ref?: string;
};

export async function generateOpenApi(): Promise<Record<string, any>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "apic-docs-"));
  try {
    const running = await createApp(
      loadConfig({
        DATA_DIR: dataDir,
        LOG_LEVEL: "silent",
        PUBLIC_URL: "https://credits.example.com",
        ADMIN_TOKEN: "docs-admin-token-0000000000",
        JOB_CONCURRENCY: "0",
      }),
    );
    await running.app.ready();
    const doc = running.app.swagger() as Record<string, any>;
    await running.close();
    return JSON.parse(JSON.stringify(doc));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function typeOf(s: Schema | undefined): string {
  if (!s) return "";
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(" \\| ");
  if (s.type === "array") return `${typeOf(s.items)}[]`;
  if (Array.isArray(s.type)) return s.type.join(" \\| ");
  return s.type ?? "object";
}

function fields(schema: Schema | undefined, prefix = "", depth = 0): string[] {
  if (!schema || depth > 2) return [];
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts && !schema.properties)
    return alts.flatMap((alt, i) => [`| *one of, form ${i + 1}* | | | |`, ...fields(alt, prefix)]);
  const rows: string[] = [];
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(name) ? "yes" : "";
    const notes = [s.description, s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined]
      .filter(Boolean)
      .join("; ");
    rows.push(
      `| \`${prefix}${name}\` | ${typeOf(s)} | ${required} | ${notes.replaceAll("|", "\\|").replaceAll("\n", " ")} |`,
    );
    if (s.properties) rows.push(...fields(s, `${prefix}${name}.`, depth + 1));
    if (s.type === "array" && s.items?.properties) rows.push(...fields(s.items, `${prefix}${name}[].`, depth + 1));
  }
  return rows;
}

export function renderMarkdown(doc: Record<string, any>): string {
  const out: string[] = [
    "# HTTP API reference",
    "",
    "Generated from the OpenAPI 3.1 document the service serves at `GET /openapi.json` (also in",
    "[openapi.json](openapi.json)) by `npm run docs:api`. Do not edit by hand.",
    "",
    doc.info?.description ?? "",
    "",
    "Authentication: `Authorization: Bearer <API key or licence key>` for customer routes, `Authorization: Bearer",
    "<ADMIN_TOKEN>` for operator routes. Errors are `application/problem+json` with a stable `code`.",
    "",
  ];
  const byTag = new Map<string, string[]>();
  for (const [route, ops] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Record<string, any>>(ops)) {
      const tag = op.tags?.[0] ?? "other";
      const lines: string[] = [];
      const auth = op.security?.[0] ? Object.keys(op.security[0])[0] : "public";
      lines.push(`### \`${method.toUpperCase()} ${route}\``, "");
      if (op.summary) lines.push(op.summary, "");
      if (op.description) lines.push(op.description, "");
      lines.push(
        `Auth: ${auth === "apiKey" ? "customer (API key)" : auth === "adminToken" ? "operator (ADMIN_TOKEN)" : "none"}`,
        "",
      );
      const params = (op.parameters ?? []) as {
        name: string;
        in: string;
        required?: boolean;
        schema?: Schema;
        description?: string;
      }[];
      if (params.length) {
        lines.push("| parameter | in | type | required | notes |", "| --- | --- | --- | --- | --- |");
        for (const p of params)
          lines.push(
            `| \`${p.name}\` | ${p.in} | ${typeOf(p.schema)} | ${p.required ? "yes" : ""} | ${(p.description ?? p.schema?.description ?? "").replaceAll("|", "\\|")} |`,
          );
        lines.push("");
      }
      const body = op.requestBody?.content?.["application/json"]?.schema as Schema | undefined;
      if (body) {
        lines.push(
          "Request body (JSON):",
          "",
          "| field | type | required | notes |",
          "| --- | --- | --- | --- |",
          ...fields(body),
          "",
        );
      }
      const responses = Object.entries<Record<string, any>>(op.responses ?? {});
      const ok = responses.filter(([code]) => code.startsWith("2"));
      for (const [code, r] of ok) {
        const schema = r.content?.["application/json"]?.schema as Schema | undefined;
        lines.push(`Response ${code}${schema ? "" : `: ${r.description ?? ""}`}`, "");
        if (schema?.properties)
          lines.push("| field | type | required | notes |", "| --- | --- | --- | --- |", ...fields(schema), "");
      }
      const failures = responses.filter(([code]) => !code.startsWith("2")).map(([code]) => code);
      if (failures.length) lines.push(`Errors: ${failures.join(", ")} (problem+json)`, "");
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...lines]);
    }
  }
  for (const [tag, lines] of byTag) out.push(`## ${tag}`, "", ...lines);
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

/** The typed client's types (packages/client/src/schema.ts), generated from the same document. */
export async function renderClientTypes(doc: Record<string, any>): Promise<string> {
  const header =
    "/**\n * Generated from docs/openapi.json by `npm run docs:api` (openapi-typescript). Do not edit.\n */\n\n";
  return header + astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0]));
}

export const CLIENT_TYPES = "packages/client/src/schema.ts";

if (import.meta.url === `file://${process.argv[1]}`) {
  const doc = await generateOpenApi();
  writeFileSync(path.join(PACKAGE_ROOT, "docs/openapi.json"), `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(path.join(PACKAGE_ROOT, "docs/api.md"), renderMarkdown(doc));
  writeFileSync(path.join(PACKAGE_ROOT, CLIENT_TYPES), await renderClientTypes(doc));
  console.log(`wrote docs/openapi.json, docs/api.md and ${CLIENT_TYPES}`);
}
