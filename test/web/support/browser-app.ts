import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startTestApp, type TestApp } from "../../support/app.js";
import { launchBrowser } from "./browser.js";
import { ensureWebBuild } from "./build.js";

/**
 * The set-up every browser test file shares: the web build, the real app on SQLite (with `env`) and one Chromium,
 * started before the file's tests and closed after them. Read `app` and `browser` inside the tests.
 */
export function browserApp(env: Record<string, string> = {}): { readonly app: TestApp; readonly browser: Browser } {
  const ctx = {} as { app: TestApp; browser: Browser };
  beforeAll(async () => {
    await ensureWebBuild();
    ctx.app = await startTestApp("sqlite", env);
    ctx.browser = await launchBrowser();
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.app?.close();
  });
  return ctx;
}
