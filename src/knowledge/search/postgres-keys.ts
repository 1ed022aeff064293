import { createHash } from "node:crypto";
import { Sealer } from "../../lib/sealing.js";
import type { KeyStore } from "../../storage/key-store.js";
import type { IndexScope } from "./search-index.js";

/** Ids the service makes (`acct_…`, `kb_…`, `doc_…`) name their key as they are; any other id is hex-encoded. */
const SAFE = /^[A-Za-z0-9_-]{1,100}$/;
function segment(id: string): string {
  if (SAFE.test(id) && !id.startsWith("h-") && !id.startsWith("s-")) return id;
  const hex = `h-${Buffer.from(id).toString("hex")}`;
  // A file name holds 255 bytes: a longer id is named by its SHA-256 (unique in practice, never reversed).
  return hex.length <= 250 ? hex : `s-${createHash("sha256").update(id).digest("hex")}`;
}

/** The name of a knowledge base's key in the `KeyStore`: `<account>/<knowledge base>`. */
export function keyName(scope: IndexScope): string {
  return `${segment(scope.accountId)}/${segment(scope.knowledgeBaseId)}`;
}

/** The name of a document's key: under its knowledge base's, so deleting the knowledge base destroys it too. */
export function documentKeyName(scope: IndexScope, documentId: string): string {
  return `${keyName(scope)}/${segment(documentId)}`;
}

/** The account's part of every key name, for `destroyPrefix`. */
export function accountKeyPrefix(accountId: string): string {
  return segment(accountId);
}

export interface KeyCacheOptions {
  /** Sealers kept in memory at most (least recently used go first); 450–600 bytes each (bench/sealing.ts). */
  entries: number;
  /** How long a cached sealer is used before the key is read again. */
  ttlMs: number;
}

export const DEFAULT_KEY_CACHE: KeyCacheOptions = { entries: 16_384, ttlMs: 60_000 };

/**
 * The search index's keys: a knowledge base's key keys its terms (and opens text sealed before documents had keys),
 * each document's key seals its chunks' text. Writes and deletions always read the store (under the knowledge base's
 * lock), so they never seal with a key another process destroyed. Searches read through a small cache — one key file
 * per document per minute instead of one per hit per query — which is safe for reads: a search only sees committed,
 * live rows, AES-GCM refuses a cached key that does not match a row (`open` re-reads the key once before giving up),
 * and a key destroyed by another process stays in this one's memory for at most `ttlMs`, never on disk.
 */
export class IndexKeys {
  private readonly cache = new Map<string, { sealer: Sealer; until: number }>();
  private readonly options: KeyCacheOptions;

  constructor(
    readonly store: KeyStore,
    options: Partial<KeyCacheOptions> = {},
  ) {
    this.options = { ...DEFAULT_KEY_CACHE, ...options };
  }

  /** The sealer of `name` read from the store now (with `create`, made if missing); it refreshes the cache. */
  async fresh(name: string, create: true): Promise<Sealer>;
  async fresh(name: string, create?: boolean): Promise<Sealer | undefined>;
  async fresh(name: string, create = false): Promise<Sealer | undefined> {
    const key = await this.store.key(name, { create });
    if (!key) {
      this.cache.delete(name);
      return undefined;
    }
    const sealer = new Sealer(key);
    this.remember(name, sealer);
    return sealer;
  }

  /** The sealer of `name` for a search: from the cache while it is fresh, else read from the store. */
  async cached(name: string): Promise<Sealer | undefined> {
    const hit = this.cache.get(name);
    if (hit && hit.until > Date.now()) {
      // Most recently used last: Map keeps insertion order, so the first entry is the one to evict.
      this.cache.delete(name);
      this.cache.set(name, hit);
      return hit.sealer;
    }
    return this.fresh(name);
  }

  private remember(name: string, sealer: Sealer): void {
    this.cache.delete(name);
    if (this.options.entries <= 0) return;
    this.cache.set(name, { sealer, until: Date.now() + this.options.ttlMs });
    while (this.cache.size > this.options.entries) this.cache.delete(this.cache.keys().next().value!);
  }

  /** How many sealers are held in memory. */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** Destroys one key and forgets it. */
  async destroy(name: string): Promise<void> {
    this.cache.delete(name);
    await this.store.destroy(name);
  }

  /** Destroys every key under `prefix/` and forgets them (and the key named `prefix` itself when `self`). */
  async destroyPrefix(prefix: string, self: boolean): Promise<void> {
    for (const name of [...this.cache.keys()]) {
      if (name.startsWith(`${prefix}/`) || (self && name === prefix)) this.cache.delete(name);
    }
    if (self) await this.store.destroy(prefix);
    await this.store.destroyPrefix(prefix);
  }
}

/**
 * The sealers one operation needs, each looked up once: `fresh` for writes and deletions, `cached` for searches.
 * A missing key gives `undefined` (its document or knowledge base is being deleted).
 */
export class KeyRing {
  private readonly memo = new Map<string, Promise<Sealer | undefined>>();

  constructor(
    private readonly keys: IndexKeys,
    private readonly source: "fresh" | "cached",
  ) {}

  sealer(name: string): Promise<Sealer | undefined> {
    let found = this.memo.get(name);
    if (!found) {
      found = this.source === "fresh" ? this.keys.fresh(name) : this.keys.cached(name);
      this.memo.set(name, found);
    }
    return found;
  }

  /**
   * Opens with the sealer of `name`; when a cached key does not open the bytes (its key was destroyed and made
   * again since), the key is read from the store once more. `undefined` when the key is gone.
   */
  async open<T>(name: string, open: (sealer: Sealer) => T): Promise<T | undefined> {
    const sealer = await this.sealer(name);
    if (!sealer) return undefined;
    try {
      return open(sealer);
    } catch (error) {
      if (this.source === "fresh") throw error;
      const again = this.keys.fresh(name);
      this.memo.set(name, again);
      const reread = await again;
      return reread ? open(reread) : undefined;
    }
  }
}
