import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  GeminiEmbedder,
  type GeminiEmbedderOptions,
  VertexEmbedder,
  type VertexEmbedderOptions,
} from "../../../src/knowledge/embedders/google.js";
import { countTokens } from "../../../src/knowledge/tokens.js";
import { runEmbedderContract } from "./embedder.contract.js";
import { type FakeGoogle, fakeGemini, fakeVertex, geminiValues, vertexValues } from "./fake-providers.js";
import { maxDiff, norm, unit } from "./fake-vectors.js";

let vertex: FakeGoogle;
const gemini = fakeGemini("gemini-test-key");
let geminiUrl: string;
beforeAll(async () => {
  vertex = await fakeVertex();
  geminiUrl = await gemini.listen();
});
afterAll(async () => {
  await vertex.close();
  await gemini.close();
});

const makeVertex = (options: Partial<VertexEmbedderOptions> = {}) =>
  new VertexEmbedder({ keyFile: vertex.keyFile, baseUrl: vertex.url, backoffMs: 1, ...options });
const makeGemini = (options: Partial<GeminiEmbedderOptions> = {}) =>
  new GeminiEmbedder({ apiKey: "gemini-test-key", baseUrl: geminiUrl, backoffMs: 1, ...options });
const predictions = () => vertex.server.requests.filter((r) => r.path.endsWith(":predict"));

runEmbedderContract("vertex gemini-embedding-001 (loopback fake)", async () => ({
  embedder: makeVertex(),
  asymmetric: true,
  slowTexts: ["[hold] waits for ever"],
  busy: () => vertex.server.nextHold(),
}));
runEmbedderContract("vertex text-embedding-005 (loopback fake)", async () => ({
  embedder: makeVertex({ model: "text-embedding-005" }),
  asymmetric: true,
  slowTexts: ["[hold] waits for ever"],
  busy: () => vertex.server.nextHold(),
}));
runEmbedderContract("gemini API (loopback fake)", async () => ({
  embedder: makeGemini(),
  asymmetric: true,
  slowTexts: ["[hold] waits for ever"],
  busy: () => gemini.nextHold(),
}));

describe("VertexEmbedder on the wire", () => {
  beforeEach(() => {
    vertex.server.requests.length = 0;
  });

  it("gets a token with a signed JWT-bearer grant from the key's token_uri, once", async () => {
    vertex.oauth.grants.length = 0;
    const e = makeVertex();
    await e.embed(["one"], "document");
    await e.embed(["two"], "query");
    const grants = vertex.server.requests.filter((r) => r.path === "/token");
    expect(grants).toHaveLength(1); // cached until it nears expiry
    const form = new URLSearchParams(grants[0]!.body);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    const [h, c, s] = form.get("assertion")!.split(".");
    const key = JSON.parse(readFileSync(vertex.keyFile, "utf8")) as { private_key: string };
    expect(
      verify("RSA-SHA256", Buffer.from(`${h}.${c}`), createPublicKey(key.private_key), Buffer.from(s!, "base64url")),
    ).toBe(true);
    const [grant] = vertex.oauth.grants;
    expect(grant!.header).toMatchObject({ alg: "RS256" });
    expect(grant!.claims).toMatchObject({ iss: vertex.clientEmail, aud: "https://oauth2.googleapis.com/token" });
    expect(grant!.claims.scope).toContain("https://www.googleapis.com/auth/cloud-platform");
  });

  it("posts instances with task types and parameters to the model's :predict, with the Bearer token", async () => {
    const vectors = await makeVertex({ model: "text-embedding-005", location: "europe-west4", dimensions: 256 }).embed(
      ["alpha", "beta"],
      "document",
    );
    const [req] = predictions();
    expect(req!.path).toBe(
      "/v1/projects/test-project/locations/europe-west4/publishers/google/models/text-embedding-005:predict",
    );
    expect(req!.headers.authorization).toBe(`Bearer ${vertex.oauth.token}`);
    expect(req!.json).toEqual({
      instances: [
        { content: "alpha", task_type: "RETRIEVAL_DOCUMENT" },
        { content: "beta", task_type: "RETRIEVAL_DOCUMENT" },
      ],
      parameters: { autoTruncate: true, outputDimensionality: 256 },
    });
    expect(maxDiff(vectors[1]!, unit(vertexValues("beta", "RETRIEVAL_DOCUMENT", 256)))).toBeLessThan(1e-6);
    await makeVertex({ project: "other-project" }).embed(["q"], "query");
    expect(predictions()[1]!.path).toContain("/projects/other-project/");
    expect((predictions()[1]!.json as { instances: { task_type: string }[] }).instances[0]!.task_type).toBe(
      "RETRIEVAL_QUERY",
    );
  });

  it("normalises the shortened gemini-embedding-001 vectors Google returns off unit length", async () => {
    const e = makeVertex();
    expect(e.id).toBe("vertex:gemini-embedding-001@768");
    const [v] = await e.embed(["norm me"], "document");
    expect(norm(vertexValues("norm me", "RETRIEVAL_DOCUMENT", 768))).toBeGreaterThan(1.5);
    expect(norm(v!)).toBeCloseTo(1, 6);
  });

  it("sends gemini-embedding models one instance per request", async () => {
    const vectors = await makeVertex().embed(["a", "b", "c"], "document");
    expect(predictions().map((r) => (r.json as { instances: unknown[] }).instances.length)).toEqual([1, 1, 1]);
    expect(maxDiff(vectors[2]!, unit(vertexValues("c", "RETRIEVAL_DOCUMENT", 768)))).toBeLessThan(1e-6);
  });

  it("packs other models up to 250 instances and within the request token budget", async () => {
    await makeVertex({ model: "text-embedding-005", dimensions: 8 }).embed(
      Array.from({ length: 300 }, (_, i) => `t${i}`),
      "document",
    );
    expect(predictions().map((r) => (r.json as { instances: unknown[] }).instances.length)).toEqual([250, 50]);

    vertex.server.requests.length = 0;
    const long = "Sed ut perspiciatis unde omnis iste natus error sit voluptatem. ".repeat(400);
    await makeVertex({ model: "text-embedding-005", dimensions: 8 }).embed(
      Array.from({ length: 20 }, () => long),
      "document",
    );
    for (const req of predictions()) {
      const contents = (req.json as { instances: { content: string }[] }).instances.map((i) => i.content);
      expect(Math.max(...contents.map(countTokens))).toBeLessThanOrEqual(2048);
      expect(contents.reduce((sum, c) => sum + countTokens(c), 0)).toBeLessThanOrEqual(20_000);
    }
    expect(predictions().length).toBeGreaterThan(1);
  });

  it("retries 429 after Retry-After and maps failures to ApiError codes", async () => {
    // Each embedder fetches its token on first use; warm them so the scripted replies meet :predict.
    const patient = makeVertex({ backoffMs: 60_000 });
    const e = makeVertex({ attempts: 2 });
    await Promise.all([patient.embed(["warm"], "document"), e.embed(["warm"], "document")]);

    vertex.server.script({
      status: 429,
      headers: { "retry-after": "0" },
      body: { error: { code: 429, status: "RESOURCE_EXHAUSTED" } },
    });
    expect(await patient.embed(["x"], "document")).toHaveLength(1);

    vertex.server.script({ status: 503, body: "down" }, { status: 503, body: "down" });
    await expect(e.embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    vertex.server.script({ status: 200, body: "{truncated" });
    await expect(e.embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    vertex.server.script({ status: 200, body: { predictions: [{ embeddings: { values: "nope" } }] } });
    await expect(e.embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    vertex.server.script({
      status: 400,
      body: { error: { code: 400, message: "Invalid instance", status: "INVALID_ARGUMENT" } },
    });
    await expect(e.embed(["x"], "document")).rejects.toThrow(/400: INVALID_ARGUMENT: Invalid instance/);
  });

  it("reports a refused token grant as PROVIDER_ERROR", async () => {
    const e = makeVertex();
    vertex.server.script({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid JWT Signature." },
    });
    await expect(e.embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
  });
});

describe("GeminiEmbedder on the wire", () => {
  beforeEach(() => {
    gemini.requests.length = 0;
  });

  it("posts batchEmbedContents with the API key header and one request per text", async () => {
    const e = makeGemini({ dimensions: 1536 });
    expect(e.id).toBe("gemini:gemini-embedding-001@1536");
    const vectors = await e.embed(["what is a cat?"], "query");
    const [req] = gemini.requests;
    expect(req!.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(req!.headers["x-goog-api-key"]).toBe("gemini-test-key");
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.json).toEqual({
      requests: [
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "what is a cat?" }] },
          taskType: "RETRIEVAL_QUERY",
          outputDimensionality: 1536,
        },
      ],
    });
    expect(maxDiff(vectors[0]!, unit(geminiValues("what is a cat?", "RETRIEVAL_QUERY", 1536)))).toBeLessThan(1e-6);
  });

  it("splits at 100 requests per batch, keeping order", async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `doc ${i}`);
    const vectors = await makeGemini({ dimensions: 8 }).embed(texts, "document");
    expect(gemini.requests.map((r) => (r.json as { requests: unknown[] }).requests.length)).toEqual([100, 50]);
    expect(maxDiff(vectors[149]!, unit(geminiValues("doc 149", "RETRIEVAL_DOCUMENT", 8)))).toBeLessThan(1e-6);
  });

  it("retries 429 after Retry-After and maps failures to ApiError codes", async () => {
    gemini.script({
      status: 429,
      headers: { "retry-after": "0" },
      body: { error: { code: 429, status: "RESOURCE_EXHAUSTED" } },
    });
    expect(await makeGemini({ backoffMs: 60_000 }).embed(["x"], "document")).toHaveLength(1);

    gemini.script({ status: 500, body: "down" }, { status: 500, body: "down" });
    await expect(makeGemini({ attempts: 2 }).embed(["x"], "document")).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
    });
    gemini.script({ status: 429, body: "quota" }, { status: 429, body: "quota" });
    await expect(makeGemini({ attempts: 2 }).embed(["x"], "document")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    gemini.script({ status: 200, body: { embeddings: [{ values: [1, 2, 3] }] } });
    await expect(makeGemini().embed(["x"], "document")).rejects.toThrow(/3 dimensions, expected 768/);
    await expect(makeGemini({ apiKey: "bad" }).embed(["x"], "document")).rejects.toThrow(/API key not valid/);
  });
});
