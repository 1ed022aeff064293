import { countTokens } from "gpt-tokenizer/encoding/cl100k_base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from "../../../src/knowledge/embedders/openai.js";
import { runEmbedderContract } from "./embedder.contract.js";
import { fakeOpenAI } from "./fake-providers.js";
import { fakeVector, maxDiff, unit } from "./fake-vectors.js";

const server = fakeOpenAI("sk-test");
let baseUrl: string;
beforeAll(async () => {
  baseUrl = `${await server.listen()}/v1`;
});
afterAll(() => server.close());

const make = (options: Partial<OpenAIEmbedderOptions> = {}) =>
  new OpenAIEmbedder({ apiKey: "sk-test", baseUrl, backoffMs: 1, ...options });

runEmbedderContract("openai (loopback fake)", async () => ({
  embedder: make(),
  asymmetric: false,
  slowTexts: ["[hold] a text the fake keeps waiting"],
  busy: () => server.nextHold(),
}));

describe("OpenAIEmbedder on the wire", () => {
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("posts {model, input, encoding_format} with a Bearer key and decodes base64 vectors in index order", async () => {
    const texts = ["first", "second", "third"];
    const vectors = await make().embed(texts, "document");
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/embeddings");
    expect(req.headers.authorization).toBe("Bearer sk-test");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({ model: "text-embedding-3-small", input: texts, encoding_format: "base64" });
    // The fake answers in reverse index order; each vector must still land on its own text.
    texts.forEach((t, i) => {
      expect(maxDiff(vectors[i]!, unit(fakeVector(t, 1536, "text-embedding-3-small")))).toBeLessThan(1e-6);
    });
  });

  it("sends dimensions when configured, names them in the id, and reads float vectors too", async () => {
    const e = make({ model: "text-embedding-3-large", dimensions: 256, encoding: "float" });
    expect(e.id).toBe("openai:text-embedding-3-large@256");
    const [v] = await e.embed(["short"], "query");
    expect(server.requests[0]!.json).toMatchObject({
      model: "text-embedding-3-large",
      dimensions: 256,
      encoding_format: "float",
    });
    expect(maxDiff(v!, unit(fakeVector("short", 256, "text-embedding-3-large")))).toBeLessThan(1e-6);
  });

  it("splits at 2,048 inputs per request and keeps the order across requests", async () => {
    const texts = Array.from({ length: 2050 }, (_, i) => `item ${i}`);
    const vectors = await make({ dimensions: 8 }).embed(texts, "document");
    expect(server.requests.map((r) => (r.json as { input: string[] }).input.length)).toEqual([2048, 2]);
    expect(maxDiff(vectors[2049]!, unit(fakeVector("item 2049", 8, "text-embedding-3-small")))).toBeLessThan(1e-6);
  });

  it("truncates inputs to 8,191 tokens and keeps each request under 300,000 tokens", async () => {
    const long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(800); // > 8,191 tokens
    const vectors = await make({ dimensions: 8 }).embed(
      Array.from({ length: 40 }, (_, i) => `${i} ${long}`),
      "document",
    );
    expect(vectors).toHaveLength(40);
    const sent = server.requests.map((r) => (r.json as { input: string[] }).input);
    expect(sent.length).toBeGreaterThan(1);
    for (const input of sent) {
      const tokens = input.map((t) => countTokens(t));
      expect(Math.max(...tokens)).toBeLessThanOrEqual(8191);
      expect(tokens.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300_000);
    }
  });

  it("honours Retry-After on 429 rather than its own backoff", async () => {
    server.script({ status: 429, headers: { "retry-after": "0" }, body: { error: { message: "Rate limit reached" } } });
    // A one-minute backoff would time the test out: finishing proves the header's zero wait was used.
    const vectors = await make({ backoffMs: 60_000 }).embed(["retry me"], "document");
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it("maps failures to ApiError codes", async () => {
    server.script({ status: 500, body: "oops" }, { status: 502, body: "oops" }, { status: 503, body: "oops" });
    await expect(make({ attempts: 3 }).embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    expect(server.requests).toHaveLength(3);

    server.script({ status: 429, body: "slow down" }, { status: 429, body: "slow down" });
    await expect(make({ attempts: 2 }).embed(["x"], "document")).rejects.toMatchObject({ code: "RATE_LIMITED" });

    server.script({ status: 200, body: "<html>not json</html>" });
    await expect(make().embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    server.script({ status: 200, body: { data: [{ index: 0, embedding: [0.1, 0.2] }] } });
    await expect(make().embed(["x"], "document")).rejects.toThrow(/2 dimensions, expected 1536/);
    server.script({ status: 200, body: { data: [] } });
    await expect(make().embed(["x"], "document")).rejects.toMatchObject({ code: "PROVIDER_ERROR" });

    server.requests.length = 0;
    const refused = await make({ apiKey: "wrong" })
      .embed(["x"], "document")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe("PROVIDER_ERROR");
    expect((refused as ApiError).message).toMatch(/401.*OPENAI_API_KEY/);
    expect(server.requests).toHaveLength(1); // a 4xx is not retried
  });

  it("times out a request that never answers", async () => {
    const pending = make({ timeoutMs: 50, attempts: 1 }).embed(["[hold] never answered"], "document");
    await expect(pending).rejects.toMatchObject({ code: "PROVIDER_TIMEOUT" });
  });

  it("closes the connection when aborted mid-request", async () => {
    const controller = new AbortController();
    const pending = make().embed(["[hold] abort me"], "document", controller.signal);
    await server.nextHold();
    controller.abort(new Error("user went away"));
    await expect(pending).rejects.toThrow("user went away");
    await expect.poll(() => server.abandoned.some((r) => r.body.includes("abort me"))).toBe(true);
  });
});
