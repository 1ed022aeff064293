import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { randomChars } from "./lib/ids.js";

/**
 * Without ADMIN_TOKEN, a local install still needs an operator: generate a token once, keep it in DATA_DIR
 * (readable by the owner only) and say where it is.
 */
function ensureAdminToken(dataDir: string, env: NodeJS.ProcessEnv): { token: string; file?: string } | undefined {
  if (env.ADMIN_TOKEN) return undefined;
  const file = path.join(dataDir, "admin-token");
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), file };
  mkdirSync(dataDir, { recursive: true });
  const token = `adm_${randomChars(40)}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}

async function main(): Promise<void> {
  let config = loadConfig();
  const generated = ensureAdminToken(config.dataDir, process.env);
  if (generated) config = { ...config, adminToken: generated.token };

  const running = await createApp(config);
  const log = running.app.log;
  if (generated) log.info({ file: generated.file }, "ADMIN_TOKEN is not set: the operator token is in this file");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing requests in flight");
    const force = setTimeout(() => {
      log.error("shutdown took longer than 30 s; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    await running.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  const address = await running.listen();
  log.info({ address, database: running.ctx.db.dialect, publicUrl: config.publicUrl }, "api-credits is serving");
  // A parent that started this process with an IPC channel (a supervisor, the test harness) learns the address
  // whatever LOG_LEVEL is; the channel then no longer keeps the process alive.
  if (process.send) {
    process.send({ type: "api-credits:listening", address });
    process.channel?.unref();
  }
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
