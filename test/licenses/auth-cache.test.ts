import { afterEach, describe, expect, it, vi } from "vitest";
import { LicenseStore } from "../../src/licenses/store.js";
import { ALL_MIGRATIONS } from "../../src/migrations.js";
import { ENGINES, freshDatabase, type TestDatabase } from "../support/db.js";

/**
 * The cache of authentications (5 s here, on a clock the test moves): a key in steady use is looked up again before
 * its entry expires, so no request of it waits for the database — under load that wait sits behind the requests
 * being served, before a search can even be refused — while a revocation by another process still applies within
 * the cache's lifetime.
 */
describe.each(ENGINES)("the authentication cache (%s)", (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  async function keyInUse() {
    t = await freshDatabase(engine, ALL_MIGRATIONS);
    let clock = 1_000_000;
    const store = new LicenseStore(t.db.sql, { agencySiteLimit: 10, authCacheMs: 5_000, now: () => clock });
    const { key } = await store.createLicense({ email: "cache@example.com", plan: "personal" });
    const { apiKey, keyId } = await store.activate({ licenseKey: key, siteUrl: "https://cache.example.com" });
    const principal = await store.authenticate(apiKey);
    expect(principal).toMatchObject({ keyId, via: "api_key" });
    return { store, apiKey, keyId, principal, move: (ms: number) => (clock += ms) };
  }

  it("looks a key in use up again before its entry expires: after the first lifetime it is still answered at once", async () => {
    const { store, apiKey, principal, move } = await keyInUse();
    move(3_000);
    expect(store.cachedAuthentication(apiKey)?.principal).toEqual(principal);
    // In the last quarter of its life, a use starts the look-up in the background and is answered from the cache.
    move(1_000);
    expect(store.cachedAuthentication(apiKey)?.principal).toEqual(principal);
    // Past the first entry's expiry (5 s after it was read), the one read at 4 s answers without waiting.
    move(1_500);
    await vi.waitFor(() => expect(store.cachedAuthentication(apiKey)?.principal).toEqual(principal));
  });

  it("applies a revocation made by another process when the key is looked up again", async () => {
    const { store, apiKey, keyId, move } = await keyInUse();
    // Another process revoked it: this one's cache was not cleared.
    await t!.db.sql.run("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [Date.now(), keyId]);
    move(4_000);
    expect(store.cachedAuthentication(apiKey)?.principal).toMatchObject({ keyId });
    move(1_500);
    await vi.waitFor(() =>
      expect(store.cachedAuthentication(apiKey)).toEqual({ principal: undefined, until: expect.any(Number) }),
    );
    expect(await store.authenticate(apiKey)).toBeUndefined();
  });

  it("lets an unused key's entry expire: the next request looks it up", async () => {
    const { store, apiKey, principal, move } = await keyInUse();
    move(5_000);
    expect(store.cachedAuthentication(apiKey)).toBeUndefined();
    expect(await store.authenticate(apiKey)).toEqual(principal);
  });
});
