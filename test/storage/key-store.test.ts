import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalKeyStore } from "../../src/storage/key-store.js";
import { tempDir } from "../support/db.js";

describe("LocalKeyStore: keys kept where deletion is real", () => {
  const root = tempDir("apic-keys-");
  const keys = new LocalKeyStore(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("makes a key once, even when many callers race to make it, and reads it back", async () => {
    const made = await Promise.all(Array.from({ length: 8 }, () => keys.key("acct_1/kb_1", { create: true })));
    expect(made[0]).toHaveLength(32);
    for (const k of made) expect(k.equals(made[0]!)).toBe(true);
    expect((await keys.key("acct_1/kb_1"))?.equals(made[0]!)).toBe(true);
    // Only the key file is left behind: no temp files.
    expect(readdirSync(path.join(root, "acct_1"))).toEqual(["kb_1.key"]);
  });

  it("does not make a key unless asked", async () => {
    expect(await keys.key("acct_1/kb_none")).toBeUndefined();
    expect(existsSync(path.join(root, "acct_1", "kb_none.key"))).toBe(false);
  });

  it("destroys a key for good: the file is gone and the next key of that name is a new one", async () => {
    const old = await keys.key("acct_1/kb_2", { create: true });
    expect(await keys.destroy("acct_1/kb_2")).toBe(true);
    expect(existsSync(path.join(root, "acct_1", "kb_2.key"))).toBe(false);
    expect(await keys.key("acct_1/kb_2")).toBeUndefined();
    expect(await keys.destroy("acct_1/kb_2")).toBe(false);
    const fresh = await keys.key("acct_1/kb_2", { create: true });
    expect(fresh.equals(old)).toBe(false);
  });

  it("destroys every key of an account, and no other account's", async () => {
    await keys.key("acct_2/kb_a", { create: true });
    await keys.key("acct_2/kb_b", { create: true });
    const other = await keys.key("acct_20/kb_a", { create: true });
    expect(await keys.destroyPrefix("acct_2")).toBe(2);
    expect(await keys.key("acct_2/kb_a")).toBeUndefined();
    expect(await keys.key("acct_2/kb_b")).toBeUndefined();
    expect((await keys.key("acct_20/kb_a"))?.equals(other)).toBe(true);
  });

  it("refuses names that could leave its folder", async () => {
    await expect(keys.key("../outside", { create: true })).rejects.toThrow(/invalid/);
    await expect(keys.key("acct_1/../../x", { create: true })).rejects.toThrow(/invalid/);
  });
});
