/** One positioned run of text on a PDF page (pdf.js `TextItem`, reduced to what layout needs). */
export interface TextRun {
  str: string;
  /** Baseline origin in PDF user space (y grows upwards). */
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

/** A paragraph rebuilt from runs, with the font size that decides whether it is a heading. */
export interface Paragraph {
  text: string;
  fontSize: number;
  lines: number;
}

interface Line {
  text: string;
  x: number;
  y: number;
  end: number;
  fontSize: number;
}

const endsWithSpace = (s: string) => /\s$/.test(s);
const startsWithSpace = (s: string) => /^\s/.test(s);

function buildLines(runs: TextRun[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  let breakNext = false;
  for (const run of runs) {
    if (run.str === "") {
      breakNext ||= run.hasEOL;
      continue;
    }
    const sameBaseline = line && Math.abs(run.y - line.y) <= 0.5 * Math.max(run.fontSize, line.fontSize);
    if (!line || breakNext || !sameBaseline) {
      line = { text: run.str, x: run.x, y: run.y, end: run.x + run.width, fontSize: run.fontSize };
      lines.push(line);
    } else {
      // Items on one baseline are separate words when a gap (or a jump back) lies between them.
      const gap = run.x - line.end;
      const apart = gap > 0.15 * run.fontSize || gap < -run.fontSize;
      const joiner = apart && !endsWithSpace(line.text) && !startsWithSpace(run.str) ? " " : "";
      line.text += joiner + run.str;
      line.end = Math.max(line.end, run.x + run.width);
      line.fontSize = Math.max(line.fontSize, run.fontSize);
    }
    breakNext = run.hasEOL;
  }
  for (const l of lines) l.text = l.text.replace(/\s+/g, " ").trim();
  return lines.filter((l) => l.text !== "");
}

function lowerQuartile(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 4)];
}

function joinLines(a: string, b: string): string {
  // "exam-" + "ple" was one word broken by the layout; "well-" + "Known" keeps its hyphen.
  if (/\p{Ll}-$/u.test(a) && /^\p{Ll}/u.test(b)) return a.slice(0, -1) + b;
  return `${a} ${b}`;
}

/**
 * Rebuilds lines (runs on one baseline) and paragraphs (lines closer than the page's usual line spacing, in one
 * font size) from a page's runs in content-stream order, which is reading order for almost every producer.
 */
export function layoutParagraphs(runs: TextRun[]): Paragraph[] {
  const lines = buildLines(runs);
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1]!.y - lines[i]!.y;
    if (gap > 0) gaps.push(gap);
  }
  const usual = lowerQuartile(gaps) ?? 0;
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let previous: Line | undefined;
  for (const line of lines) {
    let startsNew = !current || !previous;
    if (current && previous) {
      const gap = previous.y - line.y;
      const size = Math.min(previous.fontSize, line.fontSize);
      const threshold = Math.max(1.6 * size, 1.3 * usual);
      const sizeChanged = Math.abs(previous.fontSize - line.fontSize) > 0.15 * size;
      startsNew = gap <= 0 || gap > threshold || sizeChanged;
    }
    if (startsNew || !current) {
      current = { text: line.text, fontSize: line.fontSize, lines: 1 };
      paragraphs.push(current);
    } else {
      current.text = joinLines(current.text, line.text);
      current.lines++;
    }
    previous = line;
  }
  return paragraphs;
}

/** Tracks the body font size (the size most characters are set in) across the pages read so far. */
export class FontSizeStats {
  private readonly chars = new Map<number, number>();

  add(paragraphs: Paragraph[]): void {
    for (const p of paragraphs) {
      const size = Math.round(p.fontSize * 2) / 2;
      this.chars.set(size, (this.chars.get(size) ?? 0) + p.text.length);
    }
  }

  bodySize(): number | undefined {
    let best: number | undefined;
    let most = 0;
    for (const [size, count] of this.chars) {
      if (count > most) {
        best = size;
        most = count;
      }
    }
    return best;
  }

  /** A short paragraph set clearly larger than the body text reads as a heading. */
  isHeading(p: Paragraph): boolean {
    const body = this.bodySize();
    return (
      body !== undefined && p.fontSize >= 1.15 * body && p.lines <= 3 && p.text.length <= 200 && /\p{L}/u.test(p.text)
    );
  }
}
