import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TYPES, generateOpenApi, renderClientTypes, renderMarkdown } from "../../scripts/api-docs.js";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";
import { startTestApp, type TestApp } from "../support/app.js";

describe("the OpenAPI document", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
  });
  afterAll(async () => {
    await app.close();
  });

  it("is served at /openapi.json, is OpenAPI 3.1, and documents every route of the contract", async () => {
    const r = await app.api("GET", "/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const routes = Object.entries<Record<string, unknown>>(r.body.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const route of [
      "GET /v1/packs",
      "GET /v1/pricing",
      "POST /v1/admin/licenses",
      "PATCH /v1/admin/licenses/{id}",
      "POST /v1/admin/accounts/{accountId}/grants",
      "POST /v1/activations",
      "GET /v1/balance",
      "GET /v1/ledger",
      "GET /v1/usage",
      "POST /v1/quotes",
      "POST /v1/checkout",
      "POST /v1/webhooks/stripe",
      "POST /v1/knowledge-bases",
      "GET /v1/knowledge-bases",
      "GET /v1/knowledge-bases/{id}",
      "DELETE /v1/knowledge-bases/{id}",
      "POST /v1/knowledge-bases/{id}/documents",
      "GET /v1/knowledge-bases/{id}/documents",
      "GET /v1/knowledge-bases/{id}/documents/{docId}",
      "DELETE /v1/knowledge-bases/{id}/documents/{docId}",
      "POST /v1/knowledge-bases/{id}/query",
      "POST /v1/images/generations",
      "POST /v1/images/edits",
      "POST /v1/images/upscales",
      "GET /v1/images",
      "GET /v1/images/{id}",
      "DELETE /v1/images/{id}",
      "GET /v1/images/{id}/content",
      "DELETE /v1/data",
      "GET /healthz",
      "GET /metrics",
    ])
      expect(routes).toContain(route);
  });

  it("docs/openapi.json, docs/api.md and the typed client's types are up to date (run `npm run docs:api`)", async () => {
    const generated = await generateOpenApi();
    const committed = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "docs/openapi.json"), "utf8"));
    expect(committed).toEqual(generated);
    expect(readFileSync(path.join(PACKAGE_ROOT, "docs/api.md"), "utf8")).toBe(renderMarkdown(generated));
    expect(readFileSync(path.join(PACKAGE_ROOT, CLIENT_TYPES), "utf8")).toBe(await renderClientTypes(generated));
  });
});
