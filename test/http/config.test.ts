import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { tempDir } from "../support/db.js";
import { spawnScript, waitForOutput } from "../support/process.js";

describe("configuration is parsed once, and a bad value names its variable", () => {
  it("refuses bad values with the variable's name", () => {
    for (const [env, name] of [
      [{ PORT: "eighty" }, "PORT"],
      [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
      [{ ADMIN_TOKEN: "short" }, "ADMIN_TOKEN"],
      [{ IMAGE_PROVIDER: "dall-e" }, "IMAGE_PROVIDER"],
      [{ TLS_CERT_FILE: "/x.pem" }, "TLS_CERT_FILE"],
      [{ CONFIG_FILE: "/nonexistent.json" }, "CONFIG_FILE"],
      [{ WEBHOOKS_RETRY_SCHEDULE: "5s,soon" }, "WEBHOOKS_RETRY_SCHEDULE"],
      [{ WEBHOOKS_DISABLE_AFTER: "three days" }, "WEBHOOKS_DISABLE_AFTER"],
      [{ WEBHOOKS_ALLOW_PRIVATE_URLS: "maybe" }, "WEBHOOKS_ALLOW_PRIVATE_URLS"],
      [{ REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL"],
      [{ REDIS_KEY_PREFIX: "has spaces" }, "REDIS_KEY_PREFIX"],
      [{ RATE_LIMIT_RPS: "fast" }, "RATE_LIMIT_RPS"],
      [{ RATE_LIMIT_RPS: "-1" }, "RATE_LIMIT_RPS"],
      [{ RATE_LIMIT_BURST: "2.5", RATE_LIMIT_RPS: "1" }, "RATE_LIMIT_BURST"],
      [{ RATE_LIMIT_BURST: "10" }, "RATE_LIMIT_BURST"],
      [{ RATE_LIMIT_PUBLIC_BURST: "10" }, "RATE_LIMIT_PUBLIC_BURST"],
      [{ EVENTS_RETENTION_DAYS: "0" }, "EVENTS_RETENTION_DAYS"],
      [{ EVENTS_RETENTION_DAYS: "a month" }, "EVENTS_RETENTION_DAYS"],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    }
    expect(loadConfig({}).port).toBe(8080);
    expect(loadConfig({}).webhooks).toMatchObject({ allowPrivateUrls: false, disableAfterMs: 3 * 86_400_000 });
    expect(loadConfig({}).eventsRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ EVENTS_RETENTION_DAYS: "7" }).eventsRetentionMs).toBe(7 * 86_400_000);
    expect(loadConfig({ WEBHOOKS_RETRY_SCHEDULE: "250ms,2h" }).webhooks.retrySchedule).toEqual([250, 7_200_000]);
  });

  it("request rate limits are off unless RATE_LIMIT_RPS is set; the burst defaults to one second's worth", () => {
    expect(loadConfig({}).rateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_RPS: "0" }).rateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_RPS: "20" }).rateLimit).toEqual({ rps: 20, burst: 20 });
    expect(loadConfig({ RATE_LIMIT_RPS: "0.5" }).rateLimit).toEqual({ rps: 0.5, burst: 1 });
    expect(loadConfig({ RATE_LIMIT_RPS: "5", RATE_LIMIT_BURST: "50" }).rateLimit).toEqual({ rps: 5, burst: 50 });
    expect(loadConfig({}).publicRateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_PUBLIC_RPS: "2" }).publicRateLimit).toEqual({ rps: 2, burst: 2 });
    expect(loadConfig({}).redis).toEqual({ url: undefined, keyPrefix: "api-credits:" });
  });

  it("the service exits with status 2 and the message when a provider's variable is missing", async () => {
    const child = spawnScript("src/main.ts", {
      DATA_DIR: tempDir(),
      PORT: "0",
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "",
    });
    await waitForOutput(child, /EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY/);
    const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", r)));
    expect(code).toBe(2);
  });
});
