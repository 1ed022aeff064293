import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlobStore, LocalBlobStore, S3BlobStore } from "../../src/storage/index.js";

const S3 = { BLOB_STORE: "s3", S3_BUCKET: "my-bucket" };

function configError(env: Record<string, string | undefined>): string {
  try {
    createBlobStore({ dataDir: "/nonexistent", env });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("createBlobStore accepted the configuration");
}

describe("createBlobStore", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "data-"));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it("keeps blobs as files under DATA_DIR/blobs by default (BLOB_STORE unset or empty)", async () => {
    for (const env of [{}, { BLOB_STORE: "" }, { BLOB_STORE: "local" }]) {
      const store = createBlobStore({ dataDir, env });
      expect(store).toBeInstanceOf(LocalBlobStore);
      await store.put("acct_1/images/img_1.png", Buffer.from("hello"), "image/png");
      expect(await fs.readFile(path.join(dataDir, "blobs", "acct_1/images/img_1.png"), "utf8")).toBe("hello");
      expect(await store.delete("acct_1/images/img_1.png")).toBe(5);
    }
  });

  it("builds an S3 store from S3_BUCKET alone, leaving credentials to the SDK's default chain", () => {
    // Constructed only: a request here could reach for instance metadata, which is not loopback.
    const store = createBlobStore({ dataDir, env: { ...S3, S3_REGION: "auto", S3_ENDPOINT: "https://x.r2.example" } });
    expect(store).toBeInstanceOf(S3BlobStore);
    store.close?.();
  });

  it("refuses an unknown BLOB_STORE", () => {
    expect(configError({ BLOB_STORE: "gcs" })).toMatch(/BLOB_STORE/);
  });

  it("names a missing S3_BUCKET", () => {
    const message = configError({ BLOB_STORE: "s3" });
    expect(message).toMatch(/S3_BUCKET: is required when BLOB_STORE=s3/);
    expect(configError({ BLOB_STORE: "s3", S3_BUCKET: "  " })).toMatch(/S3_BUCKET/);
    expect(configError({ ...S3, S3_BUCKET: "a/b" })).toMatch(/S3_BUCKET: is not a valid bucket name/);
  });

  it("names each invalid S3 variable", () => {
    expect(configError({ ...S3, S3_ENDPOINT: "minio:9000" })).toMatch(/S3_ENDPOINT/);
    expect(configError({ ...S3, S3_ENDPOINT: "ftp://minio.local" })).toMatch(/S3_ENDPOINT/);
    expect(configError({ ...S3, S3_REGION: "EU West" })).toMatch(/S3_REGION/);
    expect(configError({ ...S3, S3_FORCE_PATH_STYLE: "sometimes" })).toMatch(/S3_FORCE_PATH_STYLE/);
    expect(configError({ ...S3, S3_PREFIX: "a/../b" })).toMatch(/S3_PREFIX/);
    expect(configError({ ...S3, S3_PREFIX: "a b" })).toMatch(/S3_PREFIX/);
    expect(configError({ ...S3, S3_SSE: "rot13" })).toMatch(/S3_SSE/);
  });

  it("wants both halves of a static key, and never repeats the secret", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET";
    const noId = configError({ ...S3, S3_SECRET_ACCESS_KEY: secret });
    expect(noId).toMatch(/S3_ACCESS_KEY_ID/);
    expect(noId).not.toContain(secret);
    expect(configError({ ...S3, S3_ACCESS_KEY_ID: "AKIAEXAMPLE" })).toMatch(/S3_SECRET_ACCESS_KEY/);
  });

  it("reports every problem at once", () => {
    const message = configError({ BLOB_STORE: "s3", S3_SSE: "rot13", S3_ENDPOINT: "nope", S3_ACCESS_KEY_ID: "AKIA1" });
    for (const name of ["S3_BUCKET", "S3_SSE", "S3_ENDPOINT", "S3_SECRET_ACCESS_KEY"]) expect(message).toContain(name);
  });
});
