import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import path from "node:path";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a TypeScript entry point of this repository in its own Node.js process. */
export function spawnScript(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(PACKAGE_ROOT, script), ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Waits until a line of the child's output matches, returning the match. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        resolve(m);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before ${pattern}; output:\n${seen}`));
    });
  });
}

/** A loopback port nobody listens on right now (for a child process that would not tell us its own). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers /healthz; rejects with the child's output if it stops first. */
function waitForHealth(child: ChildProcess, url: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.off("close", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onExit = (code: number | null) =>
      finish(new Error(`process exited (${code}) before serving; output:\n${output()}`));
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${url}; output:\n${output()}`)), timeoutMs);
    child.once("close", onExit);
    const poll = () => {
      if (done) return;
      fetch(`${url}/healthz`).then(
        (res) => (res.ok ? finish() : setTimeout(poll, 50)),
        () => setTimeout(poll, 50),
      );
    };
    poll();
  });
}

/**
 * The real service (src/main.ts) as a separate process, listening on a random loopback port; `built` runs the
 * compiled dist/src/main.js instead (benchmarks). The process logs at the LOG_LEVEL it is given (a benchmark measures
 * the level operators run), so readiness is /healthz answering, not a log line.
 */
export async function spawnService(
  env: Record<string, string>,
  options: { built?: boolean } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const serviceEnv = { LOG_LEVEL: "info", ...env, PORT: String(port), HOST: "127.0.0.1" };
  const child = options.built
    ? spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist/src/main.js")], {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, ...serviceEnv },
        stdio: ["ignore", "pipe", "pipe"],
      })
    : spawnScript("src/main.ts", serviceEnv);
  let out = "";
  child.stdout?.on("data", (c) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c) => {
    out += c.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, url, () => out);
  return {
    url,
    child,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
