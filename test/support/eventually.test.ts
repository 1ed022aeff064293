import { describe, expect, it } from "vitest";
import { eventually } from "./eventually.js";

describe("eventually", () => {
  it("polls until the probe returns a value, and gives it", async () => {
    let calls = 0;
    const value = await eventually(async () => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it("takes a throwing assertion or false as not yet", async () => {
    let calls = 0;
    await eventually(
      () => {
        calls++;
        if (calls === 1) return false;
        expect(calls).toBe(3);
        return true;
      },
      { intervalMs: 1 },
    );
    expect(calls).toBe(3);
  });

  it("fails at the deadline with the last failure's message and what it waited for", async () => {
    let calls = 0;
    const failure = await eventually(
      () => {
        calls++;
        expect(calls).toBe(0);
      },
      { what: "zero calls", timeoutMs: 30, intervalMs: 5 },
    ).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^timed out after 30 ms waiting for zero calls: expected \d+ to be \+0/);
  });
});
