import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS, extractDocument } from "../../../src/knowledge/extract/index.js";

const csv = (text: string, filename = "people.csv", limits = DEFAULT_EXTRACT_LIMITS) =>
  extractDocument({ bytes: Buffer.from(text, "utf8"), filename }, limits);

describe("CSV extraction", () => {
  it("renders every data row as one block with the header's column names", async () => {
    const doc = await csv('Name,Role,Notes\nAda,engineer,"wrote the first program, 1843"\nGrace,admiral,\n');
    expect(doc.mimeType).toBe("text/csv");
    expect(doc.blocks).toEqual([
      { text: "Name: Ada; Role: engineer; Notes: wrote the first program, 1843", kind: "row" },
      { text: "Name: Grace; Role: admiral", kind: "row" },
    ]);
  });

  it.each([
    ["semicolons", "Name;City;Score\nAda;Paris;1,5\nGrace;Berlin;2,25\n"],
    ["tabs", "Name\tCity\tScore\nAda\tParis\t1,5\nGrace\tBerlin\t2,25\n"],
  ])("sniffs %s as the delimiter", async (_, text) => {
    const doc = await csv(text);
    expect(doc.blocks.map((b) => b.text)).toEqual([
      "Name: Ada; City: Paris; Score: 1,5",
      "Name: Grace; City: Berlin; Score: 2,25",
    ]);
  });

  it("tolerates ragged rows, a BOM, CRLF endings and blank lines", async () => {
    const doc = await csv("\uFEFFa,b\r\n1,2,3\r\n\r\n4\r\n");
    expect(doc.blocks.map((b) => b.text)).toEqual(["a: 1; b: 2; 3", "a: 4"]);
  });

  it("reads a .tsv by its name, and a CSV sent as text/csv", async () => {
    expect((await csv("x\ty\n1\t2\n", "data.tsv")).blocks[0]!.text).toBe("x: 1; y: 2");
    const doc = await extractDocument(
      { bytes: Buffer.from("x,y\n1,2\n"), contentType: "text/csv; charset=utf-8" },
      DEFAULT_EXTRACT_LIMITS,
    );
    expect(doc.blocks).toEqual([{ text: "x: 1; y: 2", kind: "row" }]);
  });

  it("refuses more rows than maxRows, and a record over maxFieldChars", async () => {
    const rows = `id\n${Array.from({ length: 11 }, (_, i) => i).join("\n")}\n`;
    await expect(csv(rows, "a.csv", { ...DEFAULT_EXTRACT_LIMITS, maxRows: 10 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { reason: "too_many_rows", maxRows: 10 },
    });
    expect((await csv(rows, "a.csv", { ...DEFAULT_EXTRACT_LIMITS, maxRows: 11 })).blocks).toHaveLength(11);
    await expect(
      csv(`a,b\n1,"${"x".repeat(5000)}"\n`, "a.csv", { ...DEFAULT_EXTRACT_LIMITS, maxFieldChars: 1000 }),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { reason: "field_too_large" } });
  });

  it("reports an unterminated quote as an unreadable document", async () => {
    await expect(csv('a,b\n1,"never closed\n2,3\n')).rejects.toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "corrupt" },
    });
  });
});
