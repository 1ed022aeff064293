import { describe, expect, it } from "vitest";
import { inlineParams, numberPlaceholders } from "../../src/db/postgres.js";
import type { Param } from "../../src/db/sql.js";
import { withPgClient } from "../support/db.js";

// What the ledger's one-round-trip path relies on: a statement with its values written in reads exactly what the
// same statement with parameters reads, for every kind of value our statements pass, hostile text included.
const CASES: Array<{ sql: string; value: Param }> = [
  { sql: "SELECT CAST(? AS TEXT) AS v", value: "plain" },
  { sql: "SELECT CAST(? AS TEXT) AS v", value: "it's a 'quote'; DROP TABLE x; --" },
  { sql: "SELECT CAST(? AS TEXT) AS v", value: "back\\slash \\' and \\\\ and E'\\x41'" },
  { sql: "SELECT CAST(? AS TEXT) AS v", value: "ünïcødé 😀 \n\t tab" },
  { sql: "SELECT CAST(? AS TEXT) AS v", value: "$1 ? $$ dollar $fn$" },
  { sql: "SELECT CAST(? AS BIGINT) AS v", value: 9_007_199_254_740_991 },
  { sql: "SELECT CAST(? AS BIGINT) AS v", value: -42 },
  { sql: "SELECT CAST(? AS DOUBLE PRECISION) AS v", value: 0.125 },
  { sql: "SELECT CAST(? AS BIGINT) AS v", value: 123n },
  { sql: "SELECT CAST(? AS BOOLEAN) AS v", value: true },
  { sql: "SELECT CAST(? AS TEXT) AS v", value: null },
  { sql: "SELECT CAST(? AS BYTEA) AS v", value: Buffer.from([0, 1, 2, 0x27, 0x5c, 255]) },
  // Typed by where it stands, as an untyped parameter is: a column comparison, arithmetic.
  { sql: "SELECT 5 - ? AS v", value: -3 },
  { sql: "SELECT x.n AS v FROM (VALUES (7::bigint)) x(n) WHERE x.n = ?", value: "7" },
];

describe("inlining a statement's values (PostgreSQL)", () => {
  it("reads what the parameterised statement reads, for every kind of value", async () => {
    await withPgClient(async (client) => {
      for (const c of CASES) {
        const bound = await client.query(numberPlaceholders(c.sql), [c.value]);
        const inlined = await client.query(inlineParams(c.sql, [c.value]));
        expect(inlined.rows, `${c.sql} with ${String(c.value)}`).toEqual(bound.rows);
        expect(bound.rows).toHaveLength(1);
      }
    });
  });

  it("refuses a statement whose placeholders and values do not match", () => {
    expect(() => inlineParams("SELECT ?, ?", [1])).toThrow(/more placeholders/);
    expect(() => inlineParams("SELECT ?", [1, 2])).toThrow(/fewer placeholders/);
    expect(() => inlineParams("SELECT ?", [Number.NaN])).toThrow(/finite/);
  });
});
