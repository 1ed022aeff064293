#!/usr/bin/env node
// The operator CLI. It runs the built code (npm install builds it; `npm run build` rebuilds it).
import { existsSync } from "node:fs";

const built = new URL("../dist/src/cli.js", import.meta.url);
if (!existsSync(built)) {
  console.error("api-credits is not built yet: run `npm run build` in the project folder first.");
  process.exit(1);
}
await import(built.href);
