import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../../../src/lib/package-root.js";
import { WEB_DIST } from "../../../src/web/assets.js";

const WEB_SRC = path.join(PACKAGE_ROOT, "web");
const MANIFEST = path.join(WEB_DIST, ".vite", "manifest.json");
const LOCK = path.join(PACKAGE_ROOT, "dist", ".web-build.lock");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function stale(): boolean {
  try {
    return statSync(MANIFEST).mtimeMs < newestMtime(WEB_SRC);
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the Vite build when dist/web is missing or older than web/. Test files run in parallel workers, so one build
 * at a time: a lock directory (mkdir is atomic); a lock older than two minutes is a crashed build's and is taken over.
 */
export async function ensureWebBuild(): Promise<void> {
  for (;;) {
    if (!stale()) return;
    try {
      mkdirSync(path.dirname(LOCK), { recursive: true });
      mkdirSync(LOCK);
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmdirSync(LOCK);
      } catch {
        // the other build just finished
      }
      await sleep(250);
      continue;
    }
    try {
      if (stale())
        await promisify(execFile)(
          process.execPath,
          [
            path.join(PACKAGE_ROOT, "node_modules", "vite", "bin", "vite.js"),
            "build",
            "--config",
            "web/vite.config.ts",
          ],
          { cwd: PACKAGE_ROOT },
        );
      return;
    } finally {
      rmdirSync(LOCK);
    }
  }
}
