import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../lib/package-root.js";

/** Where `vite build --config web/vite.config.ts` writes the dashboard and admin pages. */
export const WEB_DIST = path.join(PACKAGE_ROOT, "dist", "web");

interface ManifestChunk {
  file: string;
  css?: string[];
  isEntry?: boolean;
}

let cached: { mtimeMs: number; manifest: Record<string, ManifestChunk> } | undefined;

/** Vite's manifest, re-read when a new build replaces it; undefined before the first build. */
function manifest(dir: string): Record<string, ManifestChunk> | undefined {
  const file = path.join(dir, ".vite", "manifest.json");
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, manifest: JSON.parse(readFileSync(file, "utf8")) };
  return cached.manifest;
}

/** The hashed URL of the site's stylesheet, for the server-rendered pages. */
export function siteStylesheet(dir = WEB_DIST): string | undefined {
  const entry = manifest(dir)?.["src/styles.css"];
  const file = entry?.file.endsWith(".css") ? entry.file : entry?.css?.[0];
  return file ? `/${file}` : undefined;
}
