import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiFake } from "../images/providers/fakes/openai.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe("DELETE /v1/images/{id} is final on disk (SQLite)", () => {
  let app: TestApp;
  let fake: OpenAiFake;
  beforeAll(async () => {
    fake = await OpenAiFake.start();
    app = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: `${fake.server.url}/v1`,
    });
  });
  afterAll(async () => {
    await app.close();
    await fake.server.close();
  });

  it("leaves no copy of a deleted image's prompt in any file under DATA_DIR, WAL included", async () => {
    const c = await newCustomer(app);
    await grant(app, c.accountId, 100);
    const marker = "Zorblatt71 purple giraffe";
    const r = await app.api("POST", "/v1/images/generations", {
      token: c.apiKey,
      headers: { "idempotency-key": "gen-1" },
      body: { prompt: `a ${marker} on a beach`, quality: "fast" },
    });
    expect(r.status).toBe(200);
    const id = r.body.images[0].id;
    expect((await app.api("GET", `/v1/images/${id}`, { token: c.apiKey })).status).toBe(200);
    expect(filesContaining(app.dataDir, "Zorblatt71").length).toBeGreaterThan(0);

    const d = await app.api("DELETE", `/v1/images/${id}`, { token: c.apiKey });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ deleted: { images: 1, storedReplies: 1 }, credits: 0 });
    expect((await app.api("GET", `/v1/images/${id}`, { token: c.apiKey })).status).toBe(404);
    expect(filesContaining(app.dataDir, "Zorblatt71")).toEqual([]);
  });
});
