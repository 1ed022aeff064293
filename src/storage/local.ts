import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { assertBlobKey, type BlobStore } from "./blob-store.js";

/**
 * Blobs as files under a folder (DATA_DIR/blobs). Writes are atomic (temp file, fsync, rename); deletes overwrite
 * the file with zeros before unlinking it, so its bytes do not linger in the freed blocks of a plain filesystem.
 */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await fs.open(tmp, "w", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<number> {
    return shred(this.file(key));
  }

  async deletePrefix(prefix: string): Promise<{ count: number; bytes: number }> {
    assertBlobKey(prefix);
    const dir = path.join(this.root, prefix);
    let count = 0;
    let bytes = 0;
    const walk = async (d: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await fs.readdir(d, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else {
          bytes += await shred(p);
          count++;
        }
      }
      await fs.rmdir(d).catch(() => {});
    };
    await walk(dir);
    return { count, bytes };
  }
}

/** Overwrites a file with zeros, syncs, and unlinks it; returns its size (0 when it did not exist). */
export async function shred(file: string): Promise<number> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  let size = 0;
  try {
    size = (await handle.stat()).size;
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let offset = 0; offset < size; offset += zeros.length)
      await handle.write(zeros, 0, Math.min(zeros.length, size - offset), offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.unlink(file);
  return size;
}
