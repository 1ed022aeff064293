import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Sealer } from "../../src/lib/sealing.js";

describe("Sealer: text and terms readable only with their key", () => {
  const key = randomBytes(32);
  const sealer = new Sealer(key);

  it("seals text so that only the same key opens it, and never the same bytes twice", () => {
    const text = "The harbour master's log, page 3 — ünïcödé too";
    const a = sealer.seal(text);
    const b = sealer.seal(text);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from("harbour"))).toBe(false);
    expect(sealer.open(a)).toBe(text);
    expect(new Sealer(Buffer.from(key)).open(b)).toBe(text);
    expect(() => new Sealer(randomBytes(32)).open(a)).toThrow();
  });

  it("refuses altered bytes", () => {
    const sealed = sealer.seal("ledger entry");
    sealed[14] = sealed[14]! ^ 1;
    expect(() => sealer.open(sealed)).toThrow();
  });

  it("keys a term the same way every time with one key, differently with another, without the word in it", () => {
    expect(sealer.term("lighthous")).toBe(new Sealer(Buffer.from(key)).term("lighthous"));
    expect(sealer.term("lighthous")).not.toBe(sealer.term("lighthouse"));
    expect(sealer.term("lighthous")).not.toBe(new Sealer(randomBytes(32)).term("lighthous"));
    expect(sealer.term("lighthous")).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
