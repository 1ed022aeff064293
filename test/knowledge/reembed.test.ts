import { describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp } from "../support/app.js";
import { eventually } from "../support/eventually.js";
import { fakeOpenAI } from "./embedders/fake-providers.js";

describe("changing the embedding model re-embeds existing knowledge bases", () => {
  it("built offline, then served with OpenAI embeddings: rebuilt in the background for free, then searched by meaning", async () => {
    const first = await startTestApp("sqlite");
    const c = await newCustomer(first);
    await grant(first, c.accountId, 100);
    const kb = (await first.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "kb" } })).body;
    expect(kb.embeddingModel).toBe("local:use-lite-512");
    const doc = await first.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, {
      token: c.apiKey,
      body: {
        text: "Tide pools shelter anemones, crabs and small fish between the rocks at low tide.",
        name: "tide.txt",
      },
    });
    expect(doc.status).toBe(201);
    await first.running.close();

    const openai = fakeOpenAI("sk-reembed");
    const base = await openai.listen();
    const second = await startTestApp("sqlite", {
      ...first.env,
      PORT: "0",
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-reembed",
      OPENAI_BASE_URL: `${base}/v1`,
    });
    try {
      const model = await eventually(
        async () => {
          const m: string = (await second.api("GET", `/v1/knowledge-bases/${kb.id}`, { token: c.apiKey })).body
            .embeddingModel;
          return m.startsWith("openai:") && m;
        },
        { what: "the re-embedding", timeoutMs: 60_000 },
      );
      expect(model).toBe("openai:text-embedding-3-small@1536");
      expect(openai.requests.some((r) => JSON.stringify(r.json).includes("Tide pools"))).toBe(true);
      const q = await second.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
        token: c.apiKey,
        body: { query: "anemones at low tide", mode: "semantic" },
      });
      expect(q.status).toBe(200);
      expect(q.body.mode).toBe("semantic");
      expect(q.body.results[0].documentId).toBe(doc.body.id);
      // Re-embedding is the operator's choice: it costs the customer nothing.
      const usage = (await second.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
      expect(usage.map((u: any) => u.operation)).toEqual(["training.query", "training.embed"]);
    } finally {
      await second.close();
      await openai.close();
      await first.close();
    }
  });
});
