/**
 * Bytes by key (`<accountId>/<kind>/<id>`): uploaded files awaiting ingestion, generated images. Keys are built by
 * the service, never taken from a client.
 */
export interface BlobStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the bytes for good; returns how many bytes were removed (0 if there was nothing). */
  delete(key: string): Promise<number>;
  /** Removes every blob under a prefix (an account's, when all its data is deleted). */
  deletePrefix(prefix: string): Promise<{ count: number; bytes: number }>;
}

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

export function assertBlobKey(key: string): void {
  if (!KEY.test(key) || key.includes("..")) throw new Error(`invalid blob key ${key}`);
}
