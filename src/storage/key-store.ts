import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { assertBlobKey } from "./blob-store.js";
import { shred } from "./local.js";

/**
 * Secret keys by name (`<accountId>/<id>`), kept where deletion is real: data sealed with a key is erased by
 * destroying the key, whatever copies of the sealed bytes a database keeps (dead rows, indexes, WAL, backups).
 * Nothing caches a key: every use reads it, so a key destroyed by one process is gone for every process at once.
 */
export interface KeyStore {
  /** The 32-byte key of `name`; with `create`, a missing key is made (exactly one wins a race). */
  key(name: string, options: { create: true }): Promise<Buffer>;
  key(name: string, options?: { create?: boolean }): Promise<Buffer | undefined>;
  /** Destroys the key for good; true when there was one. */
  destroy(name: string): Promise<boolean>;
  /** Destroys every key under a prefix (an account's). */
  destroyPrefix(prefix: string): Promise<number>;
}

const KEY_BYTES = 32;

/**
 * Keys as files under a folder (`DATA_DIR/keys/<accountId>/<id>.key`, mode 0600). A new key is written to a temp
 * file, synced, and linked into place — `link` fails if the name exists, so two processes creating the same key at
 * once agree on one. Destroying overwrites the file with zeros, syncs and unlinks it, then syncs the folder.
 * Every process that uses the keys must see the same folder: one machine, or a shared volume.
 */
export class LocalKeyStore implements KeyStore {
  constructor(private readonly root: string) {}

  private file(name: string): string {
    assertBlobKey(name);
    return path.join(this.root, `${name}.key`);
  }

  async key(name: string, options: { create: true }): Promise<Buffer>;
  async key(name: string, options?: { create?: boolean }): Promise<Buffer | undefined>;
  async key(name: string, options: { create?: boolean } = {}): Promise<Buffer | undefined> {
    const file = this.file(name);
    const existing = await readKey(file);
    if (existing || !options.create) return existing;
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await fs.open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(randomBytes(KEY_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      // Only the temp name goes: after a successful link it is the same file as the key (never zero it).
      await fs.unlink(tmp);
    }
    await syncDir(path.dirname(file));
    const made = await readKey(file);
    if (!made) throw new Error(`key ${name} vanished while it was created`);
    return made;
  }

  async destroy(name: string): Promise<boolean> {
    const file = this.file(name);
    const size = await shred(file);
    if (size > 0) await syncDir(path.dirname(file));
    return size > 0;
  }

  async destroyPrefix(prefix: string): Promise<number> {
    assertBlobKey(prefix);
    const dir = path.join(this.root, prefix);
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
    let n = 0;
    for (const e of entries) if ((await shred(path.join(dir, e))) > 0) n++;
    await syncDir(dir);
    return n;
  }
}

async function readKey(file: string): Promise<Buffer | undefined> {
  try {
    const bytes = await fs.readFile(file);
    // A key being destroyed reads as zeros before it is unlinked: it is gone already.
    if (bytes.every((b) => b === 0)) return undefined;
    if (bytes.length !== KEY_BYTES) throw new Error(`key file ${file} is not ${KEY_BYTES} bytes`);
    return bytes;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Makes a link or unlink in `dir` durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
