/**
 * Human-readable log lines for a terminal. The service logs JSON lines (pino); a person watching `npm start` reads
 * `12:00:01.234 INFO  api-credits is serving address=http://127.0.0.1:8080` instead. This runs in the process, line
 * by line, rather than through pino-pretty's transport: a worker thread and a dependency for a few dozen lines of
 * formatting is not worth it, and only a terminal (where nobody logs thousands of lines a second) uses it.
 */

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: "TRACE", color: "\x1b[90m" },
  20: { name: "DEBUG", color: "\x1b[36m" },
  30: { name: "INFO ", color: "\x1b[32m" },
  40: { name: "WARN ", color: "\x1b[33m" },
  50: { name: "ERROR", color: "\x1b[31m" },
  60: { name: "FATAL", color: "\x1b[41;97m" },
};
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";

// pino's own bookkeeping, and the fields the line already shows in its fixed columns.
const SHOWN_APART = new Set(["level", "time", "pid", "hostname", "msg", "reqId", "req", "res", "responseTime", "err"]);

export interface PrettyLogOptions {
  /** ANSI colours (a colour terminal without NO_COLOR). */
  color: boolean;
}

/** One pino JSON line as one readable line (plus an error's stack below it); anything that is not JSON passes as is. */
export function formatLogLine(line: string, options: PrettyLogOptions): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return line.trimEnd();
    entry = parsed as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);

  const level = LEVELS[Number(entry.level)] ?? { name: printable(String(entry.level ?? "?")), color: "" };
  const parts = [paint(DIM, clockTime(entry.time)), paint(level.color, level.name)];
  if (typeof entry.reqId === "string") parts.push(paint(DIM, printable(entry.reqId)));
  if (entry.msg !== undefined) parts.push(printable(String(entry.msg)));
  parts.push(...describeRequest(entry));
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN_APART.has(key) || value === undefined) continue;
    parts.push(...keyValues(key, value));
  }
  const err = describeError(entry.err);
  if (err.summary) parts.push(err.summary);
  const head = parts.join(" ");
  return err.stack ? `${head}\n${err.stack}` : head;
}

/** A writable pino destination that turns each JSON line into a readable one on `out`. */
export function prettyLogStream(out: { write(text: string): unknown }, options: PrettyLogOptions) {
  return {
    write(chunk: string): void {
      // pino writes one line per call; a chunk may still hold several (or none) when another writer batches them.
      for (const line of chunk.split("\n")) {
        if (line.trim() !== "") out.write(`${formatLogLine(line, options)}\n`);
      }
    },
  };
}

function clockTime(time: unknown): string {
  if (typeof time !== "number" && typeof time !== "string") return "--:--:--.---";
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return printable(String(time));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/** Fastify's request lines: `GET /v1/balance` on the way in, `→ 200 in 1.3 ms` on the way out. */
function describeRequest(entry: Record<string, unknown>): string[] {
  const out: string[] = [];
  const req = entry.req;
  if (isRecord(req) && typeof req.method === "string" && typeof req.url === "string") {
    out.push(printable(`${req.method} ${req.url}`));
    if (typeof req.remoteAddress === "string") out.push(`from ${printable(req.remoteAddress)}`);
  } else if (req !== undefined) {
    out.push(...keyValues("req", req));
  }
  const res = entry.res;
  if (isRecord(res) && typeof res.statusCode === "number") out.push(`→ ${res.statusCode}`);
  else if (res !== undefined) out.push(...keyValues("res", res));
  if (typeof entry.responseTime === "number") out.push(`in ${entry.responseTime.toFixed(1)} ms`);
  return out;
}

/** pino's `err` ({ type, message, stack, …own fields }): extra fields on the line, the stack indented below it. */
function describeError(err: unknown): { summary?: string; stack?: string } {
  if (err === undefined) return {};
  if (!isRecord(err)) return { summary: keyValues("err", err).join(" ") };
  const { type, message, stack, ...rest } = err;
  const fields = Object.entries(rest).flatMap(([k, v]) => (v === undefined ? [] : keyValues(`err.${k}`, v)));
  if (typeof stack === "string") {
    // The stack's first line already says `Type: message`.
    return { summary: fields.join(" ") || undefined, stack: indent(printable(stack, { keepNewlines: true })) };
  }
  const name = typeof type === "string" ? type : "Error";
  const said = typeof message === "string" && message !== "" ? `${name}: ${message}` : name;
  return { summary: [`err=${quote(said)}`, ...fields].join(" ") };
}

/** Nested objects flatten to dotted keys (`address.port=8080`); arrays stay JSON. */
function keyValues(key: string, value: unknown): string[] {
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return [`${key}={}`];
    return entries.flatMap(([k, v]) => keyValues(`${key}.${k}`, v));
  }
  if (typeof value === "string") return [`${printable(key)}=${quote(value)}`];
  return [`${printable(key)}=${printable(JSON.stringify(value) ?? String(value))}`];
}

// A value stays bare when a reader (or a grep) can still tell where it ends. Control characters (C0 and C1) are
// escaped wherever they come from, so a logged value cannot move the cursor or recolour the terminal.
function quote(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) && !/["=]/.test(text) ? text : printable(JSON.stringify(text));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same, keeping line feeds (a stack's lines)
const CONTROLS_BUT_LF = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;

function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  const controls = options.keepNewlines ? CONTROLS_BUT_LF : CONTROLS;
  return text.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
