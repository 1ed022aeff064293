import type { Config } from "./config.js";
import type { Database } from "./db/open.js";
import { registerAuth } from "./http/auth.js";
import { FailureLimiter } from "./http/rate-limit/failures.js";
import { createRateLimiter } from "./http/rate-limit/index.js";
import { registerRateLimit } from "./http/rate-limit/requests.js";
import type { App } from "./http/server.js";
import { RateLimitSettings } from "./licenses/rate-limits.js";
import type { LicenseStore } from "./licenses/store.js";
import { createWebSessions } from "./web/routes.js";

/** Who may call: dashboard sessions, the operator's failed guesses, the per-key rate limits in force. */
export interface Access {
  webSessions: ReturnType<typeof createWebSessions>;
  operatorGuesses: FailureLimiter;
  rateLimits: RateLimitSettings;
  close(): Promise<void>;
}

/**
 * Who may call, and how often: authentication (licence keys, API keys, the operator's token, browser sessions) and
 * the request rate limits, registered before any route so that a refused request changes and charges nothing.
 * Rate limits run after authentication (they are per key) and before every handler.
 */
export async function registerAccess(
  app: App,
  deps: { config: Config; db: Database; licenses: LicenseStore },
): Promise<Access> {
  const { config, db, licenses } = deps;
  const webSessions = createWebSessions({ sql: db.sql, adminToken: config.adminToken, env: config.env });
  const operatorGuesses = new FailureLimiter();
  registerAuth(app, {
    licenses,
    adminToken: config.adminToken,
    operatorGuesses,
    sessions: (request, kind) => webSessions.resolve(request, kind),
  });
  const rateLimits = new RateLimitSettings(db.sql, config.rateLimit);
  await rateLimits.load();
  rateLimits.start();
  const rateLimiter = await createRateLimiter(config.redis, (err, message) => app.log.warn({ err }, message));
  registerRateLimit(app, { limiter: rateLimiter, limits: rateLimits, byAddress: config.publicRateLimit });
  return {
    webSessions,
    operatorGuesses,
    rateLimits,
    async close() {
      rateLimits.stop();
      await rateLimiter.close();
    },
  };
}
