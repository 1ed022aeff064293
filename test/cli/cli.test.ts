import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";
import { tempDir } from "../support/db.js";

const run = promisify(execFile);
const dataDir = tempDir("apic-cli-");

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", path.join(PACKAGE_ROOT, "src/cli.ts"), ...args],
      {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "silent" },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("the operator CLI", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("issues a licence, grants and adjusts credits, exports the ledger and revokes the licence", async () => {
    expect((await cli("migrate")).stdout).toContain("up to date");
    const created = await cli("licenses", "create", "--email", "ops@example.com", "--plan", "agency");
    expect(created.code).toBe(0);
    const license = JSON.parse(created.stdout);
    expect(license).toMatchObject({ plan: "agency", status: "active" });
    expect(license.key).toMatch(/^lk_/);

    expect((await cli("grant", license.accountId, "12.5", "--reason", "welcome")).stdout).toContain("12.5 credits");
    expect((await cli("grant", license.accountId, "-2.5", "--reason", "fix")).stdout).toContain("10 credits");
    const refused = await cli("grant", license.accountId, "-11", "--reason", "too much");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("10 credits are available");

    const csv = (await cli("ledger", "export", license.accountId)).stdout.trim().split("\r\n");
    expect(csv[0]).toMatch(/^id,created_at,type,credits/);
    expect(csv.slice(1).map((l) => l.split(",").slice(2, 4))).toEqual([
      ["adjustment", "-2.5"],
      ["grant", "12.5"],
    ]);
    expect((await cli("licenses", "revoke", license.id)).stdout).toContain("revoked");
    expect((await cli("licenses", "list")).stdout).toContain(`${license.id}\trevoked`);
  });

  it("explains wrong usage", async () => {
    const r = await cli("licenses", "create", "--email", "a@b.co", "--plan", "enterprise");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--plan must be personal or agency");
    expect((await cli("frobnicate")).code).toBe(2);
  });
});
