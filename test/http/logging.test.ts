import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { tempDir } from "../support/db.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

/** Starts the real service with its stdout on a pipe (not a terminal) and returns the line that announces it. */
async function servingLine(env: Record<string, string>): Promise<{ service: ServiceProcess; line: string }> {
  const service = await spawnService({ DATA_DIR: tempDir(), DATABASE_URL: "", ...env });
  // The address comes over IPC; the log line that says it may still be in the pipe.
  await vi.waitFor(() => expect(service.output()).toContain("api-credits is serving"), { timeout: 30_000 });
  const line =
    service
      .output()
      .split("\n")
      .find((l) => l.includes("api-credits is serving")) ?? "";
  return { service, line };
}

describe("the service's log lines", () => {
  it("are JSON lines for a log collector when stdout is not a terminal", async () => {
    const { service, line } = await servingLine({});
    try {
      expect(JSON.parse(line)).toMatchObject({ level: 30, msg: "api-credits is serving", address: service.url });
    } finally {
      await service.stop();
    }
  });

  it("are readable lines with LOG_FORMAT=pretty, uncoloured when stdout is not a terminal", async () => {
    const { service, line } = await servingLine({ LOG_FORMAT: "pretty" });
    try {
      expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}api-credits is serving address=\S+ database=sqlite /);
      expect(line).toContain(`address=${service.url} `);
      expect(line).not.toContain("\u001b");
      expect(service.output()).not.toContain('{"level"');
    } finally {
      await service.stop();
    }
  });

  it("refuses an unknown LOG_FORMAT, naming it", () => {
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow("LOG_FORMAT");
    expect(loadConfig({}).logFormat).toBe("auto");
  });
});
