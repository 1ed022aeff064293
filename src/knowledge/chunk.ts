import { z } from "zod";
import type { Block, ExtractedDocument } from "./extract/types.js";
import { countTokens } from "./tokens.js";

/** One passage to embed and index: `position` is its 0-based order in the document, `tokens` its exact size. */
export interface Chunk {
  text: string;
  position: number;
  page?: number;
  heading?: string;
  tokens: number;
}

/**
 * 256 o200k_base tokens (~190 English words, one or two paragraphs) with 32 tokens (12.5%, about one sentence) of
 * overlap. The offline embedder reads only the first ~128 tokens of an input, so a longer chunk would be invisible
 * to the dense signal past its first half; keyword search, which carries most of the offline quality, ranks
 * passages of a paragraph or two well and long ones poorly (term frequency saturates, the answer is diluted); and a
 * query returns passages a reader or an LLM has to consume, where a paragraph is the useful unit. The overlap keeps a
 * fact cut by a boundary whole in one of the two chunks while adding only ~14% to what is embedded and stored.
 */
export const DEFAULT_CHUNKING = Object.freeze({ chunkTokens: 256, overlapTokens: 32 });

/** Per-knowledge-base chunking: chunk 64–2048 tokens; overlap 0 up to half the chunk (default 12.5% of it). */
export const ChunkingOptions = z
  .object({
    chunkTokens: z.number().int().min(64).max(2048).optional(),
    overlapTokens: z.number().int().min(0).max(1024).optional(),
  })
  .refine((o) => (o.overlapTokens ?? 0) <= (o.chunkTokens ?? DEFAULT_CHUNKING.chunkTokens) / 2, {
    message: "overlapTokens must be at most half of chunkTokens",
    path: ["overlapTokens"],
  });
export type ChunkingOptions = z.infer<typeof ChunkingOptions>;

/** Fills in defaults; an overlap left out is 12.5% of the chosen chunk size. Throws on out-of-bounds values. */
export function resolveChunking(options: ChunkingOptions = {}): { chunkTokens: number; overlapTokens: number } {
  const valid = ChunkingOptions.parse(options);
  const chunkTokens = valid.chunkTokens ?? DEFAULT_CHUNKING.chunkTokens;
  const overlapTokens = valid.overlapTokens ?? Math.round(chunkTokens / 8);
  return { chunkTokens, overlapTokens };
}

/** A unit chunking never cuts: a whole block, or a sentence (word, slice) of a block too large for one chunk. */
interface Piece {
  text: string;
  tokens: number;
  /** What joins it to the piece before it in a chunk: a block boundary, or nothing inside a split block. */
  sep: string;
  kind: Block["kind"];
}

/** Consecutive blocks sharing a page and a heading: a chunk never crosses from one run to the next. */
interface Run {
  page?: number;
  heading?: string;
  blocks: Block[];
}

const BLOCK_SEP = "\n\n";
const sentences = new Intl.Segmenter("en", { granularity: "sentence" });

function runsOf(blocks: Block[]): Run[] {
  const runs: Run[] = [];
  for (const block of blocks) {
    if (block.text.trim() === "") continue;
    const last = runs.at(-1);
    if (last && last.page === block.page && last.heading === block.heading) last.blocks.push(block);
    else runs.push({ page: block.page, heading: block.heading, blocks: [block] });
  }
  // A heading directly followed by another heading on the same page is folded into the next section rather than
  // left as a chunk of a few words.
  for (let i = runs.length - 2; i >= 0; i--) {
    const run = runs[i]!;
    const next = runs[i + 1]!;
    if (run.page === next.page && run.blocks.every((b) => b.kind === "heading")) {
      next.blocks.unshift(...run.blocks);
      runs.splice(i, 1);
    }
  }
  return runs;
}

/** Code-point slices of at most `budget` tokens, for a "word" (a URL, a hash, unspaced script) larger than a chunk. */
function sliceToFit(text: string, budget: number): string[] {
  const chars = Array.from(text);
  const slices: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let length = Math.min(chars.length - start, budget * 4);
    while (length > 1 && countTokens(chars.slice(start, start + length).join("")) > budget) {
      length = Math.max(1, Math.floor(length * 0.8));
    }
    slices.push(chars.slice(start, start + length).join(""));
    start += length;
  }
  return slices;
}

/**
 * Splits a block into pieces of at most `budget` tokens: a row at its fields ("Name: Ada; "), so every piece still
 * names its columns; other text at sentences; then words, then code-point slices.
 */
function splitToFit(block: Block, budget: number): { text: string; tokens: number }[] {
  const out: { text: string; tokens: number }[] = [];
  const units =
    block.kind === "row" ? block.text.split(/(?<=; )/) : Array.from(sentences.segment(block.text), (s) => s.segment);
  for (const segment of units) {
    const tokens = countTokens(segment);
    if (tokens <= budget) {
      out.push({ text: segment, tokens });
      continue;
    }
    for (const word of segment.match(/\s*\S+\s*/g) ?? [segment]) {
      const wordTokens = countTokens(word);
      if (wordTokens <= budget) out.push({ text: word, tokens: wordTokens });
      else for (const slice of sliceToFit(word, budget)) out.push({ text: slice, tokens: countTokens(slice) });
    }
  }
  return out;
}

function piecesOf(run: Run, budget: number): Piece[] {
  const pieces: Piece[] = [];
  for (const block of run.blocks) {
    const tokens = countTokens(block.text);
    if (tokens <= budget) {
      pieces.push({ text: block.text, tokens, sep: BLOCK_SEP, kind: block.kind });
      continue;
    }
    splitToFit(block, budget).forEach((part, i) => {
      pieces.push({ ...part, sep: i === 0 ? BLOCK_SEP : "", kind: block.kind });
    });
  }
  return pieces;
}

function joinPieces(pieces: Piece[]): string {
  return pieces
    .map((p, i) => (i === 0 ? p.text : p.sep + p.text))
    .join("")
    .trim();
}

const estimate = (pieces: Piece[]) => pieces.reduce((sum, p, i) => sum + p.tokens + (i > 0 && p.sep ? 1 : 0), 0);

/** The shortest suffix `units[start..]` (start ≥ `minStart`) within `budget` tokens, found by bisection. */
function tailWithin(units: string[], budget: number, minStart: number): string {
  let lo = minStart;
  let hi = units.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (countTokens(units.slice(mid).join("")) <= budget) hi = mid;
    else lo = mid + 1;
  }
  return units.slice(lo).join("");
}

/**
 * The tail of a finished chunk that the next one repeats: whole trailing pieces within `overlap` tokens; failing
 * that, the last sentences of its last piece, or the last words of its last sentence. Table rows and headings are
 * repeated whole or not at all, so a chunk of rows starts on a whole row.
 */
function overlapOf(chunk: Piece[], overlap: number): Piece[] {
  if (overlap <= 0) return [];
  const tail: Piece[] = [];
  let used = 0;
  for (let i = chunk.length - 1; i > 0; i--) {
    const piece = chunk[i]!;
    if (used + piece.tokens > overlap) break;
    tail.unshift(piece);
    used += piece.tokens + 1;
  }
  if (tail.length > 0) return tail;
  const last = chunk.at(-1)!;
  if (last.kind !== "text") return [];
  const units = Array.from(sentences.segment(last.text), (s) => s.segment);
  let text = tailWithin(units, overlap, chunk.length > 1 ? 0 : 1);
  if (text.trim() === "") {
    const words = units.at(-1)?.match(/\s*\S+\s*/g) ?? [];
    text = tailWithin(words, overlap, chunk.length > 1 || units.length > 1 ? 0 : 1);
  }
  text = text.trimStart();
  return text.trim() === "" ? [] : [{ text, tokens: countTokens(text), sep: "", kind: "text" }];
}

function chunkRun(run: Run, chunkTokens: number, overlapTokens: number, emit: (text: string, tokens: number) => void) {
  const queue = piecesOf(run, chunkTokens);
  let carried: Piece[] = [];
  let next = 0;
  while (next < queue.length) {
    const current = [...carried];
    let size = estimate(current);
    let fresh = 0;
    while (next < queue.length) {
      const piece = queue[next]!;
      const cost = piece.tokens + (piece.sep ? 1 : 0);
      if (fresh > 0 && size + cost > chunkTokens) break;
      // The first new piece always goes in; the overlap gives way until it fits.
      while (fresh === 0 && current.length > 0 && size + cost > chunkTokens) {
        current.shift();
        size = estimate(current);
      }
      current.push(piece);
      size += current.length > 1 ? cost : piece.tokens;
      next++;
      fresh++;
    }
    let text = joinPieces(current);
    let tokens = countTokens(text);
    // The estimate ignores merges across piece boundaries; the exact count has the last word.
    while (tokens > chunkTokens && current.length > 1) {
      if (fresh > 1) {
        current.pop();
        next--;
        fresh--;
      } else current.shift();
      text = joinPieces(current);
      tokens = countTokens(text);
    }
    emit(text, tokens);
    carried = overlapOf(current, overlapTokens);
  }
}

/**
 * Splits a document into overlapping chunks of at most `chunkTokens` o200k_base tokens. Blocks are packed greedily;
 * a chunk never spans two pages or two sections (its page and heading citations are exact); a block larger than a
 * chunk is split at sentence boundaries (words, then characters, as fallbacks); a table row is cut only when it alone
 * exceeds a chunk, and then between fields, each of which carries its column name.
 */
export function chunkDocument(doc: ExtractedDocument, options?: ChunkingOptions): Chunk[] {
  const { chunkTokens, overlapTokens } = resolveChunking(options);
  const chunks: Chunk[] = [];
  for (const run of runsOf(doc.blocks)) {
    chunkRun(run, chunkTokens, overlapTokens, (text, tokens) => {
      if (text === "") return;
      chunks.push({
        text,
        position: chunks.length,
        tokens,
        ...(run.page !== undefined ? { page: run.page } : {}),
        ...(run.heading !== undefined ? { heading: run.heading } : {}),
      });
    });
  }
  return chunks;
}
