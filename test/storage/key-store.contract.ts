import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyStore } from "../../src/storage/key-store.js";

/** One adapter under test, with a way to look behind it at what its storage still holds. */
export interface KeyStoreHarness {
  store: KeyStore;
  /** A second client of the same storage (another process's view): what one destroys, the other must not read. */
  another(): KeyStore;
  /** Whether the backing storage still holds these key bytes anywhere (a file's content, an object). */
  holds(bytes: Buffer): Promise<boolean>;
  cleanup(): Promise<void>;
}

/** The promises every KeyStore adapter keeps; run once per adapter. */
export function runKeyStoreContract(name: string, make: () => Promise<KeyStoreHarness>) {
  describe(`KeyStore contract on ${name}`, () => {
    let h: KeyStoreHarness;
    let keys: KeyStore;
    beforeAll(async () => {
      h = await make();
      keys = h.store;
    });
    afterAll(() => h.cleanup());

    // Every test works in its own account so that the tests cannot see each other's keys.
    const account = () => `acct_${randomBytes(6).toString("hex")}`;

    it("makes a key once, even when many callers race to make it, and reads it back", async () => {
      const name = `${account()}/kb_1`;
      const other = h.another();
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? other : keys).key(name, { create: true })),
      );
      expect(made[0]).toHaveLength(32);
      for (const k of made) expect(k.equals(made[0]!)).toBe(true);
      expect((await keys.key(name))?.equals(made[0]!)).toBe(true);
    });

    it("does not make a key unless asked", async () => {
      const name = `${account()}/kb_none`;
      expect(await keys.key(name)).toBeUndefined();
      expect(await keys.key(name)).toBeUndefined();
    });

    it("destroys a key for good, for every client at once; the next key of that name is a new one", async () => {
      const name = `${account()}/kb_2`;
      const old = await keys.key(name, { create: true });
      const other = h.another();
      expect((await other.key(name))?.equals(old)).toBe(true);
      expect(await keys.destroy(name)).toBe(true);
      expect(await other.key(name)).toBeUndefined();
      expect(await keys.key(name)).toBeUndefined();
      expect(await h.holds(old)).toBe(false);
      expect(await keys.destroy(name)).toBe(false);
      const fresh = await keys.key(name, { create: true });
      expect(fresh.equals(old)).toBe(false);
    });

    it("keeps keys under a key's name apart from it (a knowledge base's and its documents')", async () => {
      const a = account();
      const base = await keys.key(`${a}/kb_1`, { create: true });
      const doc = await keys.key(`${a}/kb_1/doc_1`, { create: true });
      expect(base.equals(doc)).toBe(false);
      expect(await keys.destroy(`${a}/kb_1/doc_1`)).toBe(true);
      expect((await keys.key(`${a}/kb_1`))?.equals(base)).toBe(true);
      expect(await keys.key(`${a}/kb_1/doc_1`)).toBeUndefined();
      expect(await h.holds(doc)).toBe(false);
    });

    it("destroys every key under a prefix however deep, and none outside it", async () => {
      const a = account();
      const inside = [`${a}/kb_a`, `${a}/kb_a/doc_1`, `${a}/kb_a/doc_2`, `${a}/kb_b`, `${a}/kb_b/doc_1`];
      const made = await Promise.all(inside.map((n) => keys.key(n, { create: true })));
      const outside = [`${a}0/kb_a`, `${a}0/kb_a/doc_1`];
      const kept = await Promise.all(outside.map((n) => keys.key(n, { create: true })));

      // A knowledge base's prefix takes its documents' keys, not its own (destroyed by name) nor a neighbour's.
      expect(await keys.destroyPrefix(`${a}/kb_a`)).toBe(2);
      expect(await keys.key(`${a}/kb_a/doc_1`)).toBeUndefined();
      expect(await keys.key(`${a}/kb_a/doc_2`)).toBeUndefined();
      expect((await keys.key(`${a}/kb_a`))?.equals(made[0]!)).toBe(true);
      expect((await keys.key(`${a}/kb_b/doc_1`))?.equals(made[4]!)).toBe(true);

      // An account's prefix takes everything left under it.
      expect(await h.another().destroyPrefix(a)).toBe(3);
      for (const n of inside) expect(await keys.key(n), n).toBeUndefined();
      for (const k of made) expect(await h.holds(k)).toBe(false);
      for (const [i, n] of outside.entries()) expect((await keys.key(n))?.equals(kept[i]!)).toBe(true);
      expect(await keys.destroyPrefix(a)).toBe(0);
    });

    it("refuses names that could leave its storage", async () => {
      await expect(keys.key("../outside", { create: true })).rejects.toThrow(/invalid/);
      await expect(keys.key("acct_1/../../x", { create: true })).rejects.toThrow(/invalid/);
      await expect(keys.destroyPrefix("..")).rejects.toThrow(/invalid/);
    });
  });
}
