import type { Principal } from "../http/auth.js";

/**
 * Bearer tokens resolved to principals, remembered for `ttlMs`. A revocation in this process clears it at once
 * (`forget`); other processes' changes are seen within the TTL. A look-up that raced a change is not remembered.
 */
export class AuthCache {
  private readonly principals = new Map<string, { principal: Principal | undefined; until: number }>();
  /** Tokens being looked up again ahead of their entry's expiry. */
  private readonly refreshing = new Set<string>();
  /** Bumped by every change of a key or licence, so a look-up that raced one is not cached. */
  private generation = 0;

  constructor(
    private readonly lookup: (token: string) => Promise<Principal | undefined>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(token: string): Promise<Principal | undefined> {
    const hit = this.cached(token);
    if (hit) return hit.principal;
    return this.lookUpAndCache(token);
  }

  /**
   * What `get` would answer from memory, without waiting; undefined when it would have to look. A token used in
   * the last quarter of its entry's life is looked up again in the background, so a key in steady use is never kept
   * waiting for the database (under load, behind the requests being served) when its entry expires — and what the
   * look-up finds (a revocation by another process) still applies within the cache's lifetime.
   */
  cached(token: string): { principal: Principal | undefined } | undefined {
    const hit = this.principals.get(token);
    const now = this.now();
    if (!hit || hit.until <= now) return undefined;
    if (hit.until - now < this.ttlMs / 4 && !this.refreshing.has(token)) {
      this.refreshing.add(token);
      // A failed look-up leaves the entry to expire: the next request after that looks up and reports the failure.
      this.lookUpAndCache(token)
        .catch(() => {})
        .finally(() => this.refreshing.delete(token));
    }
    return hit;
  }

  /** Forgets every answer (after a key or licence changed). */
  forget(): void {
    this.generation++;
    this.principals.clear();
  }

  private async lookUpAndCache(token: string): Promise<Principal | undefined> {
    const now = this.now();
    const generation = this.generation;
    const principal = await this.lookup(token);
    // A key revoked while this look-up was in flight must not be cached as valid after the cache was cleared.
    if (generation !== this.generation) return principal;
    if (this.principals.size >= 10_000) this.principals.clear();
    this.principals.set(token, { principal, until: now + this.ttlMs });
    return principal;
  }
}
