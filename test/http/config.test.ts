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
    ] as const) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    }
    expect(loadConfig({}).port).toBe(8080);
    expect(loadConfig({}).webhooks).toMatchObject({ allowPrivateUrls: false, disableAfterMs: 3 * 86_400_000 });
    expect(loadConfig({ WEBHOOKS_RETRY_SCHEDULE: "250ms,2h" }).webhooks.retrySchedule).toEqual([250, 7_200_000]);
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
