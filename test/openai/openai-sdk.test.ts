import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { DroppingProxy } from "../support/dropping-proxy.js";

const sdk = (app: TestApp | string, key: string, maxRetries = 0) =>
  new OpenAI({
    apiKey: key,
    baseURL: `${typeof app === "string" ? app : app.url}/openai/v1`,
    maxRetries,
    timeout: 60_000,
  });

const GUIDE = [
  "Returns policy. Customers may return unworn shoes within thirty days for a full refund.",
  "",
  "Shipping. Orders ship from our Lisbon warehouse within two working days.",
].join("\n");

describe.each(ENGINES)("the official openai SDK against /openai/v1 (%s)", (engine) => {
  let app: TestApp;
  let c: TestCustomer;
  let other: TestCustomer;
  let client: OpenAI;
  beforeAll(async () => {
    app = await startTestApp(engine);
    c = await newCustomer(app);
    other = await newCustomer(app);
    await grant(app, c.accountId, 100);
    await grant(app, other.accountId, 100);
    client = sdk(app, c.apiKey);
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  const balanceOf = async (t: TestCustomer) => (await app.api("GET", "/v1/balance", { token: t.apiKey })).body.credits;

  it("lists the deployment's models with OpenAI's names as aliases; an unknown model is 404 model_not_found", async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(
      expect.arrayContaining(["api-credits-embedding", "text-embedding-3-small", "api-credits-image", "gpt-image-1"]),
    );
    const err = await client.embeddings.create({ model: "no-such-model", input: "hello" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe("model_not_found");
    expect(err.error).toMatchObject({ type: "invalid_request_error", param: "model", api_credits_code: "NOT_FOUND" });
  });

  it("embeds float and base64 (the SDK's default), charges 1 mc per o200k token, and says so in headers", async () => {
    const before = await balanceOf(c);
    const { data: floats, response } = await client.embeddings
      .create({ model: "text-embedding-3-small", input: ["red shoes", "blue socks"], encoding_format: "float" })
      .withResponse();
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]!.embedding).toHaveLength(512);
    const tokens = floats.usage.prompt_tokens;
    expect(tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-credits-charged")).toBe(String(tokens / 1000));
    const b64 = await client.embeddings.create({ model: "text-embedding-3-small", input: "red shoes" });
    // The SDK asked for base64 and decoded it back to floats: the same vector as the float answer.
    expect(b64.data[0]!.embedding).toHaveLength(512);
    for (const [i, x] of b64.data[0]!.embedding.entries()) expect(x).toBeCloseTo(floats.data[0]!.embedding[i]!, 6);
    const after = await balanceOf(c);
    expect(Math.round((before - after) * 1000)).toBe(tokens + b64.usage.prompt_tokens);
    expect(Number(response.headers.get("x-credits-remaining"))).toBeGreaterThan(0);
  });

  it("refuses input longer than the model reads, naming the limit, and charges nothing", async () => {
    const before = await balanceOf(c);
    const err = await client.embeddings
      .create({ model: "text-embedding-3-small", input: "word ".repeat(400) })
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/at most 128 tokens/);
    expect(await balanceOf(c)).toBe(before);
  });

  it("chat completions answer a clear 501 in OpenAI's shape, not retried", async () => {
    const err = await sdk(app, c.apiKey, 2)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(501);
    expect(err.error.api_credits_code).toBe("PROVIDER_NOT_CONFIGURED");
  });

  it("files → vector store → createAndPoll → search with a compound filter → deletes; isolated from other sites", async () => {
    const before = await balanceOf(c);
    const guide = await client.files.create({
      file: await toFile(Buffer.from(GUIDE), "guide.txt"),
      purpose: "assistants",
    });
    const memo = await client.files.create({
      file: await toFile(Buffer.from("Returns of sandals are accepted within seven days only."), "memo.txt"),
      purpose: "assistants",
    });
    const vs = await client.vectorStores.create({ name: "shop" });
    const f1 = await client.vectorStores.files.createAndPoll(vs.id, {
      file_id: guide.id,
      attributes: { lang: "en", year: 2024 },
    });
    expect(f1).toMatchObject({ id: guide.id, status: "completed", vector_store_id: vs.id });
    const f2 = await client.vectorStores.files.createAndPoll(vs.id, {
      file_id: memo.id,
      attributes: { lang: "en", year: 2019 },
    });
    expect(f2.status).toBe("completed");
    const store = await client.vectorStores.retrieve(vs.id);
    expect(store.file_counts).toMatchObject({ completed: 2, in_progress: 0, total: 2 });
    expect(store.status).toBe("completed");
    const indexed = await balanceOf(c);
    const page = await client.vectorStores.search(vs.id, {
      query: "return shoes refund",
      filters: {
        type: "and",
        filters: [
          { key: "lang", type: "eq", value: "en" },
          { key: "year", type: "gte", value: 2020 },
        ],
      },
      max_num_results: 5,
    });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((r) => r.file_id === guide.id)).toBe(true);
    expect(page.data[0]!.content[0]!.text).toMatch(/thirty days/);
    expect(page.data[0]!.attributes).toMatchObject({ lang: "en", year: 2024 });
    expect(Math.round((indexed - (await balanceOf(c))) * 1000)).toBe(1000); // one search: 1 credit
    expect(before).toBeGreaterThan(indexed);

    // Another site's key: every id of this store and its files is 404.
    const stranger = sdk(app, other.apiKey);
    for (const call of [
      () => stranger.vectorStores.retrieve(vs.id),
      () => stranger.vectorStores.files.retrieve(guide.id, { vector_store_id: vs.id }),
      () => stranger.vectorStores.search(vs.id, { query: "refund" }),
      () => stranger.files.retrieve(guide.id),
      () => stranger.files.delete(guide.id),
      () => stranger.vectorStores.files.create(vs.id, { file_id: guide.id }),
      () => stranger.vectorStores.delete(vs.id),
    ])
      expect((await call().catch((e) => e)).status).toBe(404);

    const removed = await client.vectorStores.files.delete(guide.id, { vector_store_id: vs.id });
    expect(removed.deleted).toBe(true);
    expect((await client.vectorStores.retrieve(vs.id)).file_counts.total).toBe(1);
    expect((await client.files.delete(guide.id)).deleted).toBe(true);
    expect((await client.files.retrieve(guide.id).catch((e) => e)).status).toBe(404);
    expect((await client.vectorStores.delete(vs.id)).deleted).toBe(true);
    expect((await client.vectorStores.retrieve(vs.id).catch((e) => e)).status).toBe(404);
  });

  it("file batches: uploadAndPoll indexes several files under one batch, charged as single files; a retry is free", async () => {
    const vs = await client.vectorStores.create({ name: "batch", metadata: { team: "support" } });
    expect(vs.metadata).toEqual({ team: "support" });
    const renamed = await client.vectorStores.update(vs.id, { name: "help desk", metadata: { team: "help" } });
    expect(renamed).toMatchObject({ name: "help desk", metadata: { team: "help" } });
    expect((await client.vectorStores.retrieve(vs.id)).metadata).toEqual({ team: "help" });
    expect(
      (
        await sdk(app, other.apiKey)
          .vectorStores.update(vs.id, { name: "x" })
          .catch((e) => e)
      ).status,
    ).toBe(404);
    const before = await balanceOf(c);
    const batch = await client.vectorStores.fileBatches.uploadAndPoll(vs.id, {
      files: [
        await toFile(Buffer.from(GUIDE), "guide.txt"),
        await toFile(Buffer.from("Gift cards never expire and can be used online or in any shop."), "gifts.txt"),
      ],
    });
    expect(batch).toMatchObject({ object: "vector_store.files_batch", vector_store_id: vs.id, status: "completed" });
    expect(batch.file_counts).toMatchObject({ completed: 2, in_progress: 0, failed: 0, total: 2 });
    const files = [];
    for await (const f of client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: vs.id }))
      files.push(f.status);
    expect(files).toEqual(["completed", "completed"]);
    const charged = before - (await balanceOf(c));
    expect(charged).toBeGreaterThan(0);

    // The same files again (a client retrying the batch): identical content is indexed once, so nothing is charged.
    const ids = [];
    for await (const f of client.vectorStores.files.list(vs.id)) ids.push(f.id);
    const again = await client.vectorStores.fileBatches.createAndPoll(vs.id, { file_ids: ids });
    expect(again.file_counts.completed).toBe(2);
    expect(before - (await balanceOf(c))).toBe(charged);
    const stranger = sdk(app, other.apiKey);
    expect(
      (await stranger.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: vs.id }).catch((e) => e)).status,
    ).toBe(404);
    await client.vectorStores.delete(vs.id);
  });

  it("a 402 is not retried; the SDK's retry after a dropped connection charges once (Idempotency-Key)", async () => {
    const proxy = await DroppingProxy.start(app.url);
    try {
      const poor = await newCustomer(app);
      const err = await sdk(proxy.url, poor.apiKey, 3)
        .embeddings.create({ model: "text-embedding-3-small", input: "hello" })
        .catch((e) => e);
      expect(err.status).toBe(402);
      expect(err.error.api_credits_code).toBe("INSUFFICIENT_CREDITS");
      expect(proxy.count("POST /openai/v1/embeddings")).toBe(1);

      const before = await balanceOf(c);
      proxy.dropNext = true;
      const res = await sdk(proxy.url, c.apiKey, 2).embeddings.create(
        { model: "text-embedding-3-small", input: "charged once, answered twice" },
        { headers: { "Idempotency-Key": `retry-${engine}` } },
      );
      expect(proxy.count("POST /openai/v1/embeddings")).toBe(3);
      const tokens = res.usage.prompt_tokens;
      expect(Math.round((before - (await balanceOf(c))) * 1000)).toBe(tokens);
    } finally {
      await proxy.close();
    }
  });
  it("DELETE /v1/data removes uploaded files, their names included", async () => {
    const owner = await newCustomer(app);
    const own = sdk(app, owner.apiKey);
    await own.files.create({ file: await toFile(Buffer.from(GUIDE), "private-name.txt"), purpose: "assistants" });
    const receipt = await app.api("DELETE", "/v1/data", { token: owner.apiKey });
    expect(receipt.status).toBe(200);
    expect(receipt.body.deleted.files).toBeGreaterThanOrEqual(1);
    const left = [];
    for await (const f of own.files.list()) left.push(f.filename);
    expect(left).toEqual([]);
  });
});
