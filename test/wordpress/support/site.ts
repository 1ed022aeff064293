import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { PACKAGE_ROOT } from "../../../src/lib/package-root.js";
import { eventually } from "../../support/eventually.js";

const run = promisify(execFile);
export const WORDPRESS_SOURCE = "/usr/share/wordpress";
export const PLUGIN_SOURCE = path.join(PACKAGE_ROOT, "clients", "wordpress");
export const PLUGIN_ZIP = path.join(PACKAGE_ROOT, "dist", "api-credits-wordpress.zip");
export const ADMIN_USER = "admin";
export const ADMIN_PASSWORD = `pw-${randomBytes(6).toString("hex")}`;

/** Whether Debian's WordPress and PHP are installed (`.ci/run` installs them when missing). */
export const wordpressAvailable =
  existsSync(path.join(WORDPRESS_SOURCE, "wp-settings.php")) && existsSync("/usr/bin/php");

export interface WordPressSite {
  url: string;
  dir: string;
  database: string;
  /** Runs PHP inside the loaded WordPress (wp-load.php), returning its stdout. */
  php(code: string): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const mysql = (sql: string) => run("mysql", ["-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e", sql]);

const newest = (dir: string): number =>
  Math.max(
    ...readdirSafe(dir).map((e) => {
      const full = path.join(dir, e);
      return statSync(full).isDirectory() ? newest(full) : statSync(full).mtimeMs;
    }),
    0,
  );
function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Builds the plugin zip when it is missing or older than the plugin's sources (one build per test file run). */
export async function ensurePluginZip(): Promise<void> {
  const built = existsSync(PLUGIN_ZIP) ? statSync(PLUGIN_ZIP).mtimeMs : 0;
  if (built > newest(PLUGIN_SOURCE) - 1) return;
  await run(
    process.execPath,
    [path.join(PACKAGE_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/build-wordpress.ts"],
    {
      cwd: PACKAGE_ROOT,
    },
  );
}

/**
 * A fresh WordPress: a copy of Debian's /usr/share/wordpress with its own wp-config.php and database, installed by
 * wp_install(), served by PHP's built-in server with four workers on a loopback port. The plugin is installed from
 * the built zip, as a site owner would (a copy, never a link: deleting the plugin in wp-admin deletes its folder).
 * WP_HTTP_BLOCK_EXTERNAL keeps WordPress itself from calling anything but loopback (update checks, feeds).
 */
export async function startWordPress(
  options: { plugin?: boolean; defines?: Record<string, string | number> } = {},
): Promise<WordPressSite> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wp-site-"));
  // Translations (a third of the 89 MB) are not needed by an English test site.
  cpSync(WORDPRESS_SOURCE, dir, {
    recursive: true,
    dereference: true,
    filter: (src) => src !== path.join(WORDPRESS_SOURCE, "wp-content", "languages"),
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = `wp_test_${randomBytes(6).toString("hex")}`;
  await mysql(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  const salts = [
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
  ]
    .map((k) => `define('${k}', '${randomBytes(32).toString("hex")}');`)
    .join("\n");
  writeFileSync(
    path.join(dir, "wp-config.php"),
    `<?php
define('DB_NAME', '${database}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '127.0.0.1:3306');
define('DB_CHARSET', 'utf8mb4');
${salts}
$table_prefix = 'wp_';
define('WP_HOME', '${url}');
define('WP_SITEURL', '${url}');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('FS_METHOD', 'direct');
${Object.entries(options.defines ?? {})
  .map(([k, v]) => `define('${k}', ${JSON.stringify(v)});`)
  .join("\n")}
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', '${dir}/debug.log');
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
  );
  const php = async (code: string) => {
    try {
      const { stdout } = await run(
        "php",
        [
          "-d",
          "display_errors=stderr",
          "-r",
          `require 'wp-load.php'; require_once ABSPATH . 'wp-admin/includes/plugin.php'; ${code}`,
        ],
        { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
      );
      return stdout;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${e.message}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
    }
  };
  await run(
    "php",
    [
      "-r",
      `define('WP_INSTALLING', true); require 'wp-load.php'; require ABSPATH . 'wp-admin/includes/upgrade.php';
       wp_install('Test site', '${ADMIN_USER}', 'admin@example.com', true, '', '${ADMIN_PASSWORD}');
       update_option('show_avatars', 0);`,
    ],
    { cwd: dir },
  );
  if (options.plugin !== false) {
    await ensurePluginZip();
    const files = unzipSync(readFileSync(PLUGIN_ZIP));
    for (const [name, bytes] of Object.entries(files)) {
      const target = path.join(dir, "wp-content", "plugins", name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
  }
  const server: ChildProcess = spawn("php", ["-S", `127.0.0.1:${port}`, "-t", dir], {
    cwd: dir,
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: "4" },
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group: with workers, php -S forks, and stopping only the parent would orphan them.
    detached: true,
  });
  let log = "";
  server.stderr?.on("data", (c) => {
    log = (log + c).slice(-20_000);
  });
  await eventually(
    async () => {
      const r = await fetch(`${url}/wp-login.php`).catch(() => undefined); // not listening yet
      if (r?.status !== 200) throw new Error(`php -S did not start: ${log}`);
      return true;
    },
    { what: "php -S", timeoutMs: 10_000 },
  );
  return {
    url,
    dir,
    database,
    php,
    async close() {
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid!, "SIGTERM");
      await exited;
      await mysql(`DROP DATABASE IF EXISTS ${database}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PHP notices and warnings WordPress logged while the test ran (WP_DEBUG_LOG), for assertions. */
export function debugLog(site: WordPressSite): string {
  const file = path.join(site.dir, "debug.log");
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
