import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBlobStore } from "../../src/storage/index.js";
import { S3BlobStore } from "../../src/storage/s3.js";
import { FakeS3 } from "./fake-s3.js";

const CREDS = { accessKeyId: "AKIAFAKEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY" };
const BUCKET = "blobs-wire";

describe("S3BlobStore on the wire", () => {
  let fake: FakeS3;
  let store: S3BlobStore;
  const objects = () => fake.buckets.get(BUCKET)!;

  beforeAll(async () => {
    // us-east-1 because S3_REGION is left unset below: the signature only verifies if that is the default.
    fake = await FakeS3.start({ ...CREDS, region: "us-east-1", buckets: [BUCKET] });
    store = createBlobStore({
      dataDir: "/nonexistent",
      env: {
        BLOB_STORE: "s3",
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: fake.endpoint,
        S3_ACCESS_KEY_ID: CREDS.accessKeyId,
        S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
        S3_PREFIX: "/prod/blobs/",
        S3_SSE: "AES256",
      },
    }) as S3BlobStore;
  });
  afterAll(async () => {
    store.close();
    await fake.close();
  });
  afterEach(() => {
    const violations = fake.violations.splice(0);
    fake.requests.splice(0);
    fake.denyDelete.clear();
    expect(violations).toEqual([]);
  });

  it("configured from the environment: path-style, under S3_PREFIX, with Content-Type and S3_SSE", async () => {
    expect(store).toBeInstanceOf(S3BlobStore);
    await store.put("acct_1/images/img_1.png", Buffer.from("png"), "image/png");
    const o = objects().get("prod/blobs/acct_1/images/img_1.png");
    expect(o).toMatchObject({ contentType: "image/png", sse: "AES256" });
    expect(o!.body.toString()).toBe("png");
    expect(fake.requests.map((r) => [r.operation, r.url.split("?")[0]])).toEqual([
      ["PutObject", `/${BUCKET}/prod/blobs/acct_1/images/img_1.png`],
    ]);
    // With WHEN_REQUIRED an upload carries no flexible checksum that older compatible servers would refuse.
    expect(Object.keys(fake.requests[0]!.headers).filter((h) => h.startsWith("x-amz-checksum-"))).toEqual([]);
  });

  it("deletePrefix pages through the listing and deletes in batches with Content-MD5", async () => {
    for (let i = 0; i < 5; i++) await store.put(`acct_2/images/img_${i}.png`, randomBytes(10 + i), "image/png");
    fake.requests.splice(0);
    expect(await store.deletePrefix("acct_2")).toEqual({ count: 5, bytes: 60 });
    // The fake pages at 2 keys: 3 listings, each followed by one DeleteObjects of what it listed.
    expect(fake.operations()).toEqual([
      "ListObjectsV2",
      "DeleteObjects",
      "ListObjectsV2",
      "DeleteObjects",
      "ListObjectsV2",
      "DeleteObjects",
    ]);
    const lists = fake.requests.filter((r) => r.operation === "ListObjectsV2");
    expect(new URL(lists[0]!.url, "http://x").searchParams.get("prefix")).toBe("prod/blobs/acct_2/");
    expect(new URL(lists[0]!.url, "http://x").searchParams.has("continuation-token")).toBe(false);
    expect(new URL(lists[1]!.url, "http://x").searchParams.has("continuation-token")).toBe(true);
    for (const r of fake.requests.filter((x) => x.operation === "DeleteObjects")) {
      expect(r.headers["content-md5"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(r.headers["x-amz-checksum-crc32"]).toBeUndefined();
      expect(String(r.headers.authorization)).toContain("content-md5");
    }
    expect([...objects().keys()].filter((k) => k.includes("acct_2"))).toEqual([]);
  });

  it("deletes thousands of objects in batches of at most 1,000 keys", async () => {
    const big = await FakeS3.start({ ...CREDS, region: "us-east-1", buckets: [BUCKET], pageSize: 1000 });
    const direct = new S3BlobStore({
      bucket: BUCKET,
      region: "us-east-1",
      endpoint: big.endpoint,
      forcePathStyle: true,
      credentials: CREDS,
    });
    try {
      // Seeded behind the API: 2,001 uploads would only slow the suite down.
      let bytes = 0;
      for (let i = 0; i < 2001; i++) {
        const body = Buffer.alloc(i % 7);
        bytes += body.length;
        big.buckets.get(BUCKET)!.set(`acct_3/images/img_${String(i).padStart(5, "0")}.png`, {
          body,
          contentType: "image/png",
          etag: '"x"',
          lastModified: new Date(),
        });
      }
      big.buckets.get(BUCKET)!.set("acct_4/images/keep.png", {
        body: Buffer.from("keep"),
        contentType: "image/png",
        etag: '"y"',
        lastModified: new Date(),
      });
      expect(await direct.deletePrefix("acct_3")).toEqual({ count: 2001, bytes });
      expect(big.operations().filter((o) => o === "DeleteObjects")).toHaveLength(3);
      expect([...big.buckets.get(BUCKET)!.keys()]).toEqual(["acct_4/images/keep.png"]);
      expect(big.violations).toEqual([]);
    } finally {
      direct.close();
      await big.close();
    }
  });

  it("a key DeleteObjects could not delete fails the call, naming the bucket and the key", async () => {
    await store.put("acct_5/images/a.png", Buffer.from("a"), "image/png");
    await store.put("acct_5/images/b.png", Buffer.from("b"), "image/png");
    fake.denyDelete.add("prod/blobs/acct_5/images/b.png");
    const error = await store.deletePrefix("acct_5").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/DeleteObjects/);
    expect((error as Error).message).toContain(BUCKET);
    expect((error as Error).message).toContain("prod/blobs/acct_5/images/b.png");
    expect((error as Error).message).toContain("AccessDenied");
    expect(objects().has("prod/blobs/acct_5/images/b.png")).toBe(true);
  });

  it("S3 errors become plain Errors with operation, bucket and key, and no credentials", async () => {
    const wrong = new S3BlobStore({
      bucket: BUCKET,
      region: "us-east-1",
      endpoint: fake.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: CREDS.accessKeyId, secretAccessKey: "not-the-secret-at-all" },
    });
    try {
      const error = (await wrong.put("acct_6/images/a.png", Buffer.from("a"), "image/png").catch((e) => e)) as Error;
      expect(error.constructor).toBe(Error);
      expect(error.message).toMatch(/^S3 PutObject failed for bucket blobs-wire key acct_6\/images\/a\.png: /);
      expect(error.message).toContain("SignatureDoesNotMatch");
      expect(error.message).toContain("HTTP 403");
      expect(error.message).not.toContain("not-the-secret-at-all");
      expect(error.message).not.toContain(CREDS.accessKeyId);
      expect(objects().has("acct_6/images/a.png")).toBe(false);
      // The fake's own signature check refused it, which proves that check is not a formality.
      expect(fake.violations.splice(0)).toEqual([expect.stringContaining("SignatureDoesNotMatch")]);
    } finally {
      wrong.close();
    }
  });

  it("a missing bucket is an error, never an empty answer", async () => {
    const lost = new S3BlobStore({
      bucket: "no-such-bucket",
      region: "us-east-1",
      endpoint: fake.endpoint,
      forcePathStyle: true,
      credentials: CREDS,
    });
    try {
      await expect(lost.get("acct_7/images/a.png")).rejects.toThrow(
        /^S3 GetObject failed for bucket no-such-bucket key acct_7\/images\/a\.png: NoSuchBucket/,
      );
      await expect(lost.deletePrefix("acct_7")).rejects.toThrow(/ListObjectsV2 .*NoSuchBucket/);
    } finally {
      lost.close();
    }
  });

  it("an unreachable server is an error that names the operation", async () => {
    const closed = await FakeS3.start({ ...CREDS, region: "us-east-1", buckets: [BUCKET] });
    const endpoint = closed.endpoint;
    await closed.close();
    const unreachable = new S3BlobStore({
      bucket: BUCKET,
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: CREDS,
    });
    try {
      await expect(unreachable.get("acct_8/images/a.png")).rejects.toThrow(
        /^S3 GetObject failed for bucket blobs-wire key acct_8\/images\/a\.png: .*ECONNREFUSED/,
      );
    } finally {
      unreachable.close();
    }
  });
});
