import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { renderClientTypes } from "../../scripts/api-docs.js";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";

const CLIENT = path.join(PACKAGE_ROOT, "packages/client");

/** Compiles a copy of the client with types generated from `doc`; returns the compiler's errors. */
async function compileAgainst(doc: Record<string, any>, root: string): Promise<string[]> {
  // A package of its own (ESM) that resolves openapi-fetch from ours, like an installed copy of the client.
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(root, "node_modules"));
  const dir = path.join(root, "src");
  cpSync(path.join(CLIENT, "src"), dir, { recursive: true });
  writeFileSync(path.join(dir, "schema.ts"), await renderClientTypes(doc));
  const config = ts.readConfigFile(path.join(CLIENT, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, CLIENT);
  const program = ts.createProgram([path.join(dir, "index.ts")], { ...options, noEmit: true, rootDir: dir });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("the typed client's generated types", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), "client-types-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const doc = () => JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "docs/openapi.json"), "utf8"));

  it("compile against the service's OpenAPI document, and stop compiling when a field the client uses changes", async () => {
    expect(await compileAgainst(doc(), tmp())).toEqual([]);

    // An incompatible change: the document's `status` renamed, as a careless server change would.
    const changed = doc();
    const document =
      changed.paths["/v1/knowledge-bases/{id}/documents/{docId}"].get.responses["200"].content["application/json"]
        .schema;
    document.properties.state = document.properties.status;
    delete document.properties.status;
    document.required = document.required.map((f: string) => (f === "status" ? "state" : f));
    const errors = await compileAgainst(changed, tmp());
    expect(errors.join("\n")).toMatch(/Property 'status' does not exist/);
  });
});
