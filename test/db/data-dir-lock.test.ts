import { describe, expect, it } from "vitest";
import { startTestApp } from "../support/app.js";
import { spawnService } from "../support/process.js";

describe("one service process per SQLite DATA_DIR", () => {
  it("a second process on the same DATA_DIR refuses to start, naming the first; it starts once the first stops", async () => {
    const app = await startTestApp("sqlite");
    try {
      await expect(spawnService(app.env)).rejects.toThrow(/another api-credits process \(pid \d+\) is serving/);
    } finally {
      await app.running.close();
    }
    const second = await spawnService(app.env);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(await second.stop()).toBe(0);
    await app.close();
  });
});
