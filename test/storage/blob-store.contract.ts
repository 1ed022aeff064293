import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/storage/blob-store.js";

/** One adapter under test, with a way to look behind it at what its storage still holds. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** Whether the backing storage still holds `key` (a file on disk, an object on the server). */
  held(key: string): Promise<boolean>;
  /** Runs after every test: the adapter broke no rule of its backing storage. */
  verify?(): void;
  cleanup(): Promise<void>;
}

const INVALID_KEYS = [
  "",
  "../x",
  "acct/../../etc/passwd",
  "/abs/x",
  "acct//x",
  "acct/x/",
  "acct\\x",
  "acct/a b",
  "acct/..",
];

/** The promises every BlobStore adapter keeps; run once per adapter. */
export function runBlobStoreContract(name: string, make: () => Promise<BlobStoreHarness>) {
  describe(`BlobStore contract on ${name}`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;
    beforeAll(async () => {
      h = await make();
      store = h.store;
    });
    afterAll(() => h.cleanup());
    afterEach(() => h.verify?.());

    // Every test works in its own account so that the tests cannot see each other's blobs.
    const account = () => `acct_${randomBytes(6).toString("hex")}`;

    it("returns exactly the binary bytes it was given", async () => {
      const key = `${account()}/images/img_1.png`;
      const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(200_000)]);
      await store.put(key, bytes, "image/png");
      const back = await store.get(key);
      expect(back).toBeInstanceOf(Buffer);
      expect(back!.equals(bytes)).toBe(true);
      expect(await h.held(key)).toBe(true);
    });

    it("stores an empty blob as empty, not as missing", async () => {
      const key = `${account()}/ingest/doc_1`;
      await store.put(key, Buffer.alloc(0), "text/plain");
      expect((await store.get(key))?.length).toBe(0);
      expect(await store.delete(key)).toBe(0);
      expect(await h.held(key)).toBe(false);
    });

    it("overwrites a key with the new bytes, whatever their length", async () => {
      const key = `${account()}/images/img_1.png`;
      await store.put(key, randomBytes(5000), "image/png");
      const second = randomBytes(17);
      await store.put(key, second, "image/png");
      expect((await store.get(key))!.equals(second)).toBe(true);
      expect(await store.delete(key)).toBe(17);
    });

    it("answers undefined for a key that was never stored", async () => {
      expect(await store.get(`${account()}/images/img_missing.png`)).toBeUndefined();
    });

    it("delete returns the size removed, leaves nothing behind, and returns 0 the second time", async () => {
      const key = `${account()}/ingest/doc_1.pdf`;
      await store.put(key, randomBytes(1234), "application/pdf");
      expect(await store.delete(key)).toBe(1234);
      expect(await h.held(key)).toBe(false);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.delete(key)).toBe(0);
      expect(await store.delete(`${account()}/ingest/never`)).toBe(0);
    });

    it("deletePrefix removes exactly that prefix and counts what it removed", async () => {
      const a = account();
      const images = [1, 2, 3, 4, 5].map((i) => ({ key: `${a}/images/img_${i}.png`, size: 100 * i }));
      const ingest = { key: `${a}/ingest/doc_1`, size: 7 };
      // Keys that share the string prefix but not the path: "<a>/images" must not reach "<a>/images-old".
      const neighbours = [
        { key: `${a}/images-old/img_9.png`, size: 9 },
        { key: `${a}x/images/img_1.png`, size: 11 },
      ];
      const other = account();
      const otherAccount = { key: `${other}/images/img_1.png`, size: 13 };
      for (const b of [...images, ingest, ...neighbours, otherAccount])
        await store.put(b.key, randomBytes(b.size), "application/octet-stream");

      expect(await store.deletePrefix(`${a}/images`)).toEqual({ count: 5, bytes: 1500 });
      for (const b of images) {
        expect(await h.held(b.key)).toBe(false);
        expect(await store.get(b.key)).toBeUndefined();
      }
      for (const b of [ingest, ...neighbours, otherAccount]) expect((await store.get(b.key))?.length).toBe(b.size);

      expect(await store.deletePrefix(a)).toEqual({ count: 2, bytes: 16 });
      expect(await store.get(ingest.key)).toBeUndefined();
      expect((await store.get(neighbours[1]!.key))?.length).toBe(11);
      expect((await store.get(otherAccount.key))?.length).toBe(13);
      expect(await store.deletePrefix(a)).toEqual({ count: 0, bytes: 0 });
      expect(await store.deletePrefix(`${account()}/images`)).toEqual({ count: 0, bytes: 0 });
    });

    it("refuses keys and prefixes that could escape their place", async () => {
      for (const bad of INVALID_KEYS) {
        await expect(store.put(bad, Buffer.from("x"), "text/plain"), bad).rejects.toThrow(/invalid blob key/);
        await expect(store.get(bad), bad).rejects.toThrow(/invalid blob key/);
        await expect(store.delete(bad), bad).rejects.toThrow(/invalid blob key/);
        await expect(store.deletePrefix(bad), bad).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}
