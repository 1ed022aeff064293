import { CsvError, parse } from "csv-parse/sync";
import { ApiError } from "../../errors.js";
import { renderRow } from "./rows.js";
import type { Block, ExtractedDocument, ExtractLimits } from "./types.js";

export const DEFAULT_MAX_ROWS = 100_000;
export const DEFAULT_MAX_FIELD_CHARS = 1_000_000;

const CANDIDATES = [",", ";", "\t"] as const;

/**
 * Picks the delimiter that splits the first lines into the same number of fields, most fields winning a tie; quoted
 * text is ignored while counting. A file with none of them is one column.
 */
export function sniffDelimiter(text: string): string {
  const lines = text
    .slice(0, 64 * 1024)
    .split(/\r?\n/)
    .slice(0, 20)
    .map((line) => line.replace(/"[^"]*"/g, ""))
    .filter((line) => line.trim() !== "");
  let best: { delimiter: string; consistency: number; fields: number } = { delimiter: ",", consistency: 0, fields: 0 };
  for (const delimiter of CANDIDATES) {
    const counts = lines.map((line) => line.split(delimiter).length - 1);
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistency = counts.filter((c) => c === first).length / counts.length;
    if (consistency > best.consistency || (consistency === best.consistency && first > best.fields)) {
      best = { delimiter, consistency, fields: first };
    }
  }
  return best.delimiter;
}

/**
 * One `row` block per data row, rendered with the header row ("Name: Ada; Role: engineer"), so no chunk can hold
 * a row without the names of its columns.
 */
export function extractCsv(
  text: string,
  limits: Pick<ExtractLimits, "maxRows" | "maxFieldChars">,
  filename?: string,
): ExtractedDocument {
  const maxRows = limits.maxRows ?? DEFAULT_MAX_ROWS;
  const delimiter = filename?.toLowerCase().endsWith(".tsv") ? "\t" : sniffDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: limits.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS,
      // One record past the limit is enough to know the file is over it.
      to: maxRows + 2,
    });
  } catch (error) {
    if (error instanceof CsvError && error.code === "CSV_MAX_RECORD_SIZE") {
      throw new ApiError("PAYLOAD_TOO_LARGE", "A CSV record is too large", {
        reason: "field_too_large",
        maxFieldChars: limits.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS,
      });
    }
    const detail = error instanceof Error ? error.message : "unknown";
    throw new ApiError("DOCUMENT_UNREADABLE", `The CSV cannot be parsed: ${detail}`, { reason: "corrupt" });
  }
  if (records.length > maxRows + 1) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `The CSV has more than ${maxRows} rows`, {
      reason: "too_many_rows",
      maxRows,
    });
  }
  const [header = [], ...rows] = records;
  const blocks: Block[] = [];
  for (const cells of rows) {
    const text = renderRow(header, cells);
    if (text !== "") blocks.push({ text, kind: "row" });
  }
  if (blocks.length === 0) {
    const text = header.filter(Boolean).join("; ");
    if (text !== "") blocks.push({ text, kind: "text" });
  }
  return { mimeType: "text/csv", blocks };
}
