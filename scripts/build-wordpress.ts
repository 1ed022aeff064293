/**
 * Builds the WordPress connector: the admin screens (TypeScript + Preact) into clients/wordpress/build/ as plain
 * scripts WordPress enqueues (IIFE, no CDN, no module loader), then the installable plugin zip
 * dist/api-credits-wordpress.zip. Not part of `npm install`: run `npm run build:wordpress`.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { build } from "vite";
import { PACKAGE_ROOT } from "../src/lib/package-root.js";

const PLUGIN = path.join(PACKAGE_ROOT, "clients", "wordpress");
const OUT = path.join(PLUGIN, "build");
const ZIP = path.join(PACKAGE_ROOT, "dist", "api-credits-wordpress.zip");
/** What ships: the PHP layer, the built scripts and the readme; never the TypeScript sources. */
const SHIPPED = ["api-credits.php", "uninstall.php", "readme.txt", "index.php", "includes", "build"];

rmSync(OUT, { recursive: true, force: true });
for (const entry of ["admin.tsx", "bar.ts", "search-block.ts", "search.ts"]) {
  const name = entry.replace(/\.tsx?$/, "");
  await build({
    configFile: false,
    logLevel: "warn",
    publicDir: false,
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    build: {
      outDir: OUT,
      emptyOutDir: false,
      target: "es2020",
      lib: {
        entry: path.join(PLUGIN, "src", entry),
        formats: ["iife"],
        name: `apiCredits_${name.replace("-", "_")}`,
        fileName: () => `${name}.js`,
      },
    },
  });
}
copyFileSync(path.join(PLUGIN, "src", "admin.css"), path.join(OUT, "admin.css"));

function collect(rel: string, files: Record<string, Uint8Array>): void {
  const full = path.join(PLUGIN, rel);
  if (statSync(full).isDirectory()) for (const e of readdirSync(full)) collect(path.join(rel, e), files);
  else files[`api-credits/${rel.split(path.sep).join("/")}`] = readFileSync(full);
}
const files: Record<string, Uint8Array> = {};
for (const rel of SHIPPED) collect(rel, files);
mkdirSync(path.dirname(ZIP), { recursive: true });
writeFileSync(ZIP, zipSync(files, { level: 9 }));
console.log(
  `built ${path.relative(PACKAGE_ROOT, OUT)} and ${path.relative(PACKAGE_ROOT, ZIP)} (${Object.keys(files).length} files)`,
);
