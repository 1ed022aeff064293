import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GeminiEmbedder, VertexEmbedder } from "../../../src/knowledge/embedders/google.js";
import { createEmbedder } from "../../../src/knowledge/embedders/index.js";
import { LocalEmbedder } from "../../../src/knowledge/embedders/local.js";
import { OnnxEmbedder } from "../../../src/knowledge/embedders/onnx.js";
import { OpenAIEmbedder } from "../../../src/knowledge/embedders/openai.js";
import { buildTinyModel } from "./tiny-onnx.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "create-embedder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keyFile = path.join(dir, "key.json");
writeFileSync(
  keyFile,
  JSON.stringify({
    type: "service_account",
    project_id: "p1",
    client_email: "a@p1.iam.gserviceaccount.com",
    private_key: "unused here",
  }),
);

describe("createEmbedder", () => {
  it("defaults to the offline local model without loading it", () => {
    const e = createEmbedder({});
    expect(e).toBeInstanceOf(LocalEmbedder);
    expect(e.id).toBe("local:use-lite-512");
    expect(createEmbedder({ EMBEDDING_PROVIDER: " " })).toBeInstanceOf(LocalEmbedder);
  });

  it("builds each adapter from its own variables", () => {
    const tiny = buildTinyModel(path.join(dir, "tiny"));
    const onnx = createEmbedder({
      EMBEDDING_PROVIDER: "onnx",
      EMBEDDING_MODEL_DIR: tiny.dir,
      EMBEDDING_POOLING: "cls",
    });
    expect(onnx).toBeInstanceOf(OnnxEmbedder);
    expect(onnx.id).toBe("onnx:tiny@8");

    const openai = createEmbedder({
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk",
      OPENAI_EMBEDDING_DIMENSIONS: "512",
    });
    expect(openai).toBeInstanceOf(OpenAIEmbedder);
    expect(openai.id).toBe("openai:text-embedding-3-small@512");

    const vertex = createEmbedder({
      EMBEDDING_PROVIDER: "google",
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GOOGLE_EMBEDDING_MODEL: "text-embedding-005",
    });
    expect(vertex).toBeInstanceOf(VertexEmbedder);
    expect(vertex.id).toBe("vertex:text-embedding-005@768");

    const gemini = createEmbedder({
      EMBEDDING_PROVIDER: "gemini",
      GEMINI_API_KEY: "k",
      GOOGLE_EMBEDDING_DIMENSIONS: "3072",
    });
    expect(gemini).toBeInstanceOf(GeminiEmbedder);
    expect(gemini.id).toBe("gemini:gemini-embedding-001@3072");
  });

  it("names the missing variable", () => {
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "openai" })).toThrow(
      "EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY",
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "  " })).toThrow(
      "EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY",
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "gemini" })).toThrow(
      "EMBEDDING_PROVIDER=gemini needs GEMINI_API_KEY",
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "google" })).toThrow(
      "EMBEDDING_PROVIDER=google needs GOOGLE_APPLICATION_CREDENTIALS",
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "onnx" })).toThrow(
      "EMBEDDING_PROVIDER=onnx needs EMBEDDING_MODEL_DIR",
    );
  });

  it("names the invalid variable and its value", () => {
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "k", OPENAI_EMBEDDING_DIMENSIONS: "many" }),
    ).toThrow(/OPENAI_EMBEDDING_DIMENSIONS must be a whole number \(got "many"\)/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "k", OPENAI_BASE_URL: "ftp://x" }),
    ).toThrow(/OPENAI_BASE_URL must be an http\(s\) URL/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "k", OPENAI_EMBEDDING_MODEL: "my-model" }),
    ).toThrow(/OPENAI_EMBEDDING_DIMENSIONS is needed for the model my-model/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "gemini", GEMINI_API_KEY: "k", GOOGLE_EMBEDDING_DIMENSIONS: "0" }),
    ).toThrow(/GOOGLE_EMBEDDING_DIMENSIONS must be at least 1/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "onnx", EMBEDDING_MODEL_DIR: dir, EMBEDDING_POOLING: "max" }),
    ).toThrow(/EMBEDDING_POOLING must be mean or cls/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "google", GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, "absent.json") }),
    ).toThrow(/GOOGLE_APPLICATION_CREDENTIALS \(.*absent\.json\) cannot be read/);
    expect(() =>
      createEmbedder({ EMBEDDING_PROVIDER: "onnx", EMBEDDING_MODEL_DIR: path.join(dir, "nowhere") }),
    ).toThrow(/EMBEDDING_MODEL_DIR/);
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "cohere" })).toThrow(
      /EMBEDDING_PROVIDER must be one of local, onnx/,
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "local", LOCAL_EMBEDDING_WORKERS: "64" })).toThrow(
      /LOCAL_EMBEDDING_WORKERS must be at most 8/,
    );
    expect(() => createEmbedder({ EMBEDDING_PROVIDER: "local", EMBEDDING_QUERY_MAX_WAIT_MS: "2s" })).toThrow(
      /EMBEDDING_QUERY_MAX_WAIT_MS must be a whole number/,
    );
  });
});
