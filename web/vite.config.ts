import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two single-page apps (dashboard, admin) plus the stylesheet the server-rendered pricing page links. The output
 * lands in dist/web, where src/web/routes.ts serves it; the manifest tells the server the stylesheet's hashed name.
 */
export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: here("../dist/web"),
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    sourcemap: true,
    rolldownOptions: {
      input: {
        dashboard: here("dashboard.html"),
        admin: here("admin.html"),
        site: here("src/styles.css"),
      },
    },
  },
});
