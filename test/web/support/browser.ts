import { type Browser, chromium, type Locator, type Page } from "playwright-core";

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

/** Script errors and console errors a page produced; an expected 401 of the who-am-I probe is not one. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const where = message.location().url;
    const probe = /\/v1\/(admin\/)?session$/.test(where) && /status of 401/.test(message.text());
    if (!probe) errors.push(`console: ${message.text()} (${where})`);
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
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: string | null = null;
  for (;;) {
    last = await locator.textContent();
    if (last !== null && accepts(last)) return;
    if (Date.now() > deadline)
      throw new Error(
        `expected the text of ${locator} to ${options.contains ? "contain" : "be"} ${expected}, saw ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
