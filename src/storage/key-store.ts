import { randomBytes } from "node:crypto";
import { type Dirent, promises as fs } from "node:fs";
import path from "node:path";
import { assertBlobKey } from "./blob-store.js";
import { shred } from "./local.js";

/**
 * Secret keys by name (`<accountId>/<id>`, or deeper: `<accountId>/<id>/<id>`), kept where deletion is real: data
 * sealed with a key is erased by destroying the key, whatever copies of the sealed bytes a database keeps (dead rows,
 * indexes, WAL, backups).
 * The store caches nothing: every `key` call reads it, so a key destroyed by one process is gone for every process at
 * once (the search index's read cache, knowledge/search/postgres-keys.ts, is a reader's choice on top).
 */
export interface KeyStore {
  /** The 32-byte key of `name`; with `create`, a missing key is made (exactly one wins a race). */
  key(name: string, options: { create: true }): Promise<Buffer>;
  key(name: string, options?: { create?: boolean }): Promise<Buffer | undefined>;
  /** Destroys the key for good; true when there was one. */
  destroy(name: string): Promise<boolean>;
  /** Destroys every key whose name starts with `<prefix>/`, however deep (an account's, a knowledge base's). */
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
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await openNew(tmp);
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
    // Every key under the folder, however deep (an account's knowledge bases, a knowledge base's documents).
    const walk = async (dir: string): Promise<number> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw error;
      }
      let n = 0;
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) n += await walk(p);
        else if ((await shred(p)) > 0 && e.name.endsWith(".key")) n++;
      }
      // The emptied folder goes too (its name is an id); a key made in it meanwhile keeps it.
      await fs.rmdir(dir).catch(() => {});
      await syncDir(path.dirname(dir));
      return n;
    };
    return walk(path.join(this.root, prefix));
  }
}

/** Creates a new file, and its folders; a folder removed meanwhile by `destroyPrefix` is made again. */
async function openNew(file: string): Promise<fs.FileHandle> {
  for (let attempt = 0; ; attempt++) {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      return await fs.open(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 3) throw error;
    }
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
