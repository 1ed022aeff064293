import { type ChildProcess, spawn } from "node:child_process";
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
export function spawnScript(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
  options: { ipc?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(PACKAGE_ROOT, script), ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
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

/**
 * Resolves with the address the child reports over its IPC channel once it listens (src/main.ts sends it whatever
 * LOG_LEVEL is); rejects with the child's output if it stops first.
 */
function waitForListening(child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const finish = (error: Error | undefined, address?: string) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("close", onExit);
      if (error) reject(error);
      else resolve(address!);
    };
    const onMessage = (m: unknown) => {
      const msg = m as { type?: string; address?: string };
      if (msg?.type === "api-credits:listening" && typeof msg.address === "string") {
        child.disconnect();
        finish(undefined, msg.address);
      }
    };
    const onExit = (code: number | null) =>
      finish(new Error(`process exited (${code}) before serving; output:\n${output()}`));
    const timer = setTimeout(
      () => finish(new Error(`timed out waiting for the service; output:\n${output()}`)),
      timeoutMs,
    );
    child.on("message", onMessage);
    child.once("close", onExit);
  });
}

/**
 * The real service (src/main.ts) as a separate process, listening on a random loopback port; `built` runs the
 * compiled dist/src/main.js instead (benchmarks). The process logs at the LOG_LEVEL it is given (a benchmark measures
 * the level operators run), so it reports its address over an IPC channel, not in a log line.
 */
export async function spawnService(
  env: Record<string, string>,
  options: { built?: boolean } = {},
): Promise<ServiceProcess> {
  const serviceEnv = { LOG_LEVEL: "info", ...env, PORT: "0", HOST: "127.0.0.1" };
  const child = options.built
    ? spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist/src/main.js")], {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, ...serviceEnv },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      })
    : spawnScript("src/main.ts", serviceEnv, [], { ipc: true });
  let out = "";
  child.stdout?.on("data", (c) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c) => {
    out += c.toString();
  });
  const url = await waitForListening(child, () => out);
  return {
    url,
    child,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
