import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGIN_SOURCE, startWordPress, type WordPressSite, wordpressAvailable } from "./support/site.js";

const run = promisify(execFile);

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = path.join(dir, e);
    if (statSync(full).isDirectory()) return e === "build" || e === "src" ? [] : phpFiles(full);
    return e.endsWith(".php") ? [full] : [];
  });
}

describe.skipIf(!wordpressAvailable)("the WordPress plugin's PHP layer", () => {
  let site: WordPressSite;
  beforeAll(async () => {
    site = await startWordPress();
  });
  afterAll(async () => {
    await site?.close();
  });

  it("every PHP file passes php -l", async () => {
    const files = phpFiles(PLUGIN_SOURCE);
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const { stdout } = await run("php", ["-l", file]);
      expect(stdout).toMatch(/No syntax errors/);
    }
  });

  it("no PHP file runs when requested directly (each stops without ABSPATH or WP_UNINSTALL_PLUGIN)", () => {
    for (const file of phpFiles(PLUGIN_SOURCE)) {
      const text = readFileSync(file, "utf8");
      const guarded =
        /defined\( 'ABSPATH' \) \|\| exit;/.test(text) ||
        /defined\( 'WP_UNINSTALL_PLUGIN' \) \|\| exit;/.test(text) ||
        /^<\?php\n\/\/ Silence is golden\.\n$/.test(text);
      expect(guarded, file).toBe(true);
    }
  });

  it("keeps its promises inside a real WordPress (vault, permissions, sanitising, what is sent, escaping)", async () => {
    await site.php("activate_plugin('api-credits/api-credits.php');");
    const out = await site.php(
      `wp_set_current_user(1); require '${path.join(import.meta.dirname, "php", "unit.php")}';`,
    );
    expect(out.trim().split("\n").at(-1), out).toMatch(/^OK \d+$/);
  });
});
