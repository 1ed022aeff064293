import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalKeyStore } from "../../src/storage/key-store.js";
import { tempDir } from "../support/db.js";
import { runKeyStoreContract } from "./key-store.contract.js";

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile());

runKeyStoreContract("LocalKeyStore", async () => {
  const root = tempDir("apic-keys-");
  return {
    store: new LocalKeyStore(root),
    another: () => new LocalKeyStore(root),
    holds: async (bytes) => filesUnder(root).some((f) => readFileSync(f).includes(bytes)),
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe("LocalKeyStore: key files", () => {
  const root = tempDir("apic-keys-");
  const keys = new LocalKeyStore(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps one file per key, mode 0600, and no temp files", async () => {
    await Promise.all(Array.from({ length: 8 }, () => keys.key("acct_1/kb_1", { create: true })));
    await keys.key("acct_1/kb_1/doc_1", { create: true });
    expect(readdirSync(path.join(root, "acct_1")).sort()).toEqual(["kb_1", "kb_1.key"]);
    expect(readdirSync(path.join(root, "acct_1", "kb_1"))).toEqual(["doc_1.key"]);
    expect(statSync(path.join(root, "acct_1", "kb_1.key")).mode & 0o777).toBe(0o600);
  });

  it("does not make a file unless asked, and destroying unlinks it", async () => {
    expect(await keys.key("acct_1/kb_none")).toBeUndefined();
    expect(existsSync(path.join(root, "acct_1", "kb_none.key"))).toBe(false);
    await keys.key("acct_1/kb_2", { create: true });
    await keys.destroy("acct_1/kb_2");
    expect(existsSync(path.join(root, "acct_1", "kb_2.key"))).toBe(false);
  });

  it("destroying a prefix removes its folders (their names are ids), and a key can be made there again", async () => {
    await keys.key("acct_3/kb_1/doc_1", { create: true });
    await keys.key("acct_3/kb_1", { create: true });
    expect(await keys.destroyPrefix("acct_3")).toBe(2);
    expect(existsSync(path.join(root, "acct_3"))).toBe(false);
    expect(await keys.key("acct_3/kb_1/doc_1", { create: true })).toHaveLength(32);
  });
});
