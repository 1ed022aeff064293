import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchModel, OnnxEmbedder } from "../../../src/knowledge/embedders/onnx.js";
import { FakeHttpServer } from "./fake-http.js";
import { maxDiff } from "./fake-vectors.js";
import { buildTinyModel } from "./tiny-onnx.js";

const root = mkdtempSync(path.join(os.tmpdir(), "onnx-fetch-"));
const source = buildTinyModel(path.join(root, "published"));

/**
 * The hub's file endpoint `/{owner}/{repo}/resolve/{revision}/{file}`: small files answered directly, weights
 * redirected elsewhere (as the hub sends LFS files to its CDN), 404 for files the repository lacks, 401 without a
 * token for the gated repository.
 */
const hub = new FakeHttpServer()
  .route(/^\/cdn\//, (req) => ({
    status: 200,
    body: readFileSync(path.join(source.dir, req.path.slice("/cdn/".length))),
  }))
  .route(/^\/[^/]+\/[^/]+\/resolve\/[^/]+\/.+$/, (req) => {
    const [, owner, repo, revision, file] = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.path)!;
    if (repo === "gated" && req.headers.authorization !== "Bearer hf_secret")
      return { status: 401, body: "Access denied" };
    if (owner !== "acme" || revision !== "v1.0" || !existsSync(path.join(source.dir, file!)))
      return { status: 404, body: "Entry not found" };
    if (file!.endsWith(".onnx")) return { status: 302, headers: { location: `/cdn/${file}` } };
    return { status: 200, body: readFileSync(path.join(source.dir, file!)) };
  });
let endpoint: string;

beforeAll(async () => {
  endpoint = await hub.listen();
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

describe("fetchModel", () => {
  it("downloads config, tokenizer and weights into a directory the ONNX adapter loads", async () => {
    const dir = path.join(root, "fetched");
    const result = await fetchModel({ name: "acme/tiny", dir, endpoint, revision: "v1.0" });
    expect(result.files).toEqual(["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]);
    for (const file of result.files) {
      expect(readFileSync(path.join(dir, file)).equals(readFileSync(path.join(source.dir, file)))).toBe(true);
    }
    const paths = hub.requests.map((r) => r.path);
    expect(paths).toContain("/acme/tiny/resolve/v1.0/special_tokens_map.json");
    expect(paths).toContain("/acme/tiny/resolve/v1.0/onnx/model.onnx_data");

    const fetched = new OnnxEmbedder({ dir });
    const original = new OnnxEmbedder({ dir: source.dir });
    const [a] = await fetched.embed(["the cat"], "document");
    const [b] = await original.embed(["the cat"], "document");
    await Promise.all([fetched.close(), original.close()]);
    expect(maxDiff(a!, b!)).toBe(0);
  });

  it("sends HF_TOKEN to gated repositories and explains a refusal", async () => {
    await expect(
      fetchModel({ name: "acme/gated", dir: path.join(root, "denied"), endpoint, revision: "v1.0" }),
    ).rejects.toThrow(/401.*HF_TOKEN/);
    const result = await fetchModel({
      name: "acme/gated",
      dir: path.join(root, "gated"),
      endpoint,
      revision: "v1.0",
      token: "hf_secret",
    });
    expect(result.files).toContain("onnx/model.onnx");
  });

  it("stops at a missing required file and leaves no partial file behind", async () => {
    const dir = path.join(root, "missing");
    await expect(fetchModel({ name: "acme/tiny", dir, endpoint, revision: "v1.0", dtype: "q8" })).rejects.toThrow(
      /onnx\/model_quantized\.onnx answered 404/,
    );
    const left = readdirSync(dir, { recursive: true }).map(String);
    expect(left.some((f) => f.endsWith(".part"))).toBe(false);
    expect(left).not.toContain(path.join("onnx", "model_quantized.onnx"));
  });

  it("refuses a name that is not a repository before sending anything", async () => {
    const before = hub.requests.length;
    await expect(fetchModel({ name: "../etc", dir: path.join(root, "x"), endpoint })).rejects.toThrow(
      /not a Hugging Face repository/,
    );
    await expect(fetchModel({ name: "a/b/c", dir: path.join(root, "x"), endpoint })).rejects.toThrow(
      /not a Hugging Face repository/,
    );
    expect(hub.requests.length).toBe(before);
  });
});
