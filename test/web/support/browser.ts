import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { eventually } from "../../support/eventually.js";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/**
 * Debian's Chromium, headless, with everything that would reach the network turned off. Playwright gives every
 * launch a fresh temporary user-data-dir, and every `newContext()` its own cookies and storage.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Script errors, console errors and failed requests a page produced. An answer of 400 or more shows up as Chromium's
 * console error ("Failed to load resource: … status of 402"); a request that never got an answer as a failed request
 * (a request the page itself cancelled — a superseded load, a navigation — is not one). A test that provokes an error on
 * purpose filters exactly that one out. Signed-out pages make no error request (their session probes answer 200).
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("requestfailed", (request) => {
    const failure = request.failure()?.errorText ?? "";
    if (failure !== "net::ERR_ABORTED") errors.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  return errors;
}

/** Whether the page is wider than its viewport (a horizontal scroll bar on a phone). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/**
 * Waits until the element's text is `expected` (a string: exactly, or contained with `contains`; a RegExp: matched)
 * and fails with the last text seen. A page fills its values in after it renders (a "…" while a balance loads), so
 * reading `textContent()` once races it.
 */
export async function waitForText(
  locator: Locator,
  expected: string | RegExp,
  options: { contains?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  const accepts = (text: string) =>
    typeof expected !== "string" ? expected.test(text) : options.contains ? text.includes(expected) : text === expected;
  await eventually(
    async () => {
      const text = await locator.textContent();
      if (text !== null && accepts(text)) return true;
      throw new Error(
        `expected the text of ${locator} to ${options.contains ? "contain" : "be"} ${expected}, saw ${JSON.stringify(text)}`,
      );
    },
    { what: "the text", timeoutMs: options.timeoutMs ?? 15_000 },
  );
}
