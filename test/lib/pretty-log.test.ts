import { describe, expect, it } from "vitest";
import { formatLogLine, prettyLogStream } from "../../src/lib/pretty-log.js";

// Local wall-clock time, whatever the machine's time zone: the formatter prints local time.
const TIME = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
const CLOCK = "03:04:05.067";
const plain = { color: false };

/** A line as pino writes it (level, time, pid, hostname, then the bindings and fields, then msg). */
const pinoLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: TIME, pid: 4242, hostname: "build-7", ...fields });

describe("formatLogLine", () => {
  it("shows the time, the level, the message and the fields, without pino's pid and hostname", () => {
    const line = pinoLine({
      address: "http://127.0.0.1:8080",
      database: "sqlite",
      publicUrl: "http://localhost:8080",
      msg: "api-credits is serving",
    });
    expect(formatLogLine(line, plain)).toBe(
      `${CLOCK} INFO  api-credits is serving address=http://127.0.0.1:8080 database=sqlite publicUrl=http://localhost:8080`,
    );
  });

  it("names every pino level, and prints an unknown one as it is", () => {
    const levels = [10, 20, 30, 40, 50, 60, 35].map((level) =>
      formatLogLine(JSON.stringify({ level, time: TIME, msg: "m" }), plain),
    );
    expect(levels).toEqual([
      `${CLOCK} TRACE m`,
      `${CLOCK} DEBUG m`,
      `${CLOCK} INFO  m`,
      `${CLOCK} WARN  m`,
      `${CLOCK} ERROR m`,
      `${CLOCK} FATAL m`,
      `${CLOCK} 35 m`,
    ]);
  });

  it("writes Fastify's request lines as method and path in, status and duration out", () => {
    const incoming = pinoLine({
      reqId: "req_4f9a000001",
      req: { method: "GET", url: "/v1/balance?x=1", host: "127.0.0.1:8080", remoteAddress: "127.0.0.1", remotePort: 5 },
      msg: "incoming request",
    });
    const completed = pinoLine({
      reqId: "req_4f9a000001",
      res: { statusCode: 402 },
      responseTime: 1.2849,
      msg: "request completed",
    });
    expect(formatLogLine(incoming, plain)).toBe(
      `${CLOCK} INFO  req_4f9a000001 incoming request GET /v1/balance?x=1 from 127.0.0.1`,
    );
    expect(formatLogLine(completed, plain)).toBe(`${CLOCK} INFO  req_4f9a000001 request completed → 402 in 1.3 ms`);
  });

  it("quotes values a reader could not tell the end of, flattens objects and keeps arrays as JSON", () => {
    const line = pinoLine({
      file: "/data/my admin-token",
      empty: "",
      equation: "a=b",
      count: 3,
      ok: true,
      nothing: null,
      shard: { port: 5432, host: "db", extra: {} },
      ids: ["kb_1", "kb_2"],
      msg: "settings",
    });
    expect(formatLogLine(line, plain)).toBe(
      `${CLOCK} INFO  settings file="/data/my admin-token" empty="" equation="a=b" count=3 ok=true nothing=null ` +
        `shard.port=5432 shard.host=db shard.extra={} ids=["kb_1","kb_2"]`,
    );
  });

  it("puts an error's own fields on the line and its stack, indented, below it", () => {
    const line = JSON.stringify({
      level: 50,
      time: TIME,
      reqId: "req_1",
      err: {
        type: "Error",
        message: "disk full",
        stack: "Error: disk full\n    at write (src/storage/local.ts:10:5)",
        code: "ENOSPC",
      },
      msg: "unhandled error",
    });
    expect(formatLogLine(line, plain)).toBe(
      `${CLOCK} ERROR req_1 unhandled error err.code=ENOSPC\n` +
        "    Error: disk full\n" +
        "        at write (src/storage/local.ts:10:5)",
    );
  });

  it("says an error without a stack on the line itself", () => {
    const line = pinoLine({ level: 40, err: { type: "TypeError", message: "bad input" }, msg: "skipped" });
    expect(formatLogLine(line, plain)).toBe(`${CLOCK} WARN  skipped err="TypeError: bad input"`);
  });

  it("escapes control characters from logged data so they cannot drive the terminal", () => {
    const line = pinoLine({
      title: "\u001b[2Jcleared",
      csi: "x\u009by",
      "k\u001b[31m": 1,
      msg: "upload \u001b]0;pwned\u0007 done\r\nforged line",
    });
    const out = formatLogLine(line, plain);
    const controls = [...out].filter(
      (c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f),
    );
    expect(controls).toEqual([]);
    expect(out).toBe(
      `${CLOCK} INFO  upload \\u001b]0;pwned\\u0007 done\\u000d\\u000aforged line ` +
        `title="\\u001b[2Jcleared" csi="x\\u009by" k\\u001b[31m=1`,
    );
  });

  it("passes a line that is not a JSON object through unchanged", () => {
    expect(formatLogLine("plain text from somewhere\n", plain)).toBe("plain text from somewhere");
    expect(formatLogLine("[1,2]", plain)).toBe("[1,2]");
  });

  it("colours the time and level only when asked", () => {
    const line = pinoLine({ level: 40, msg: "slow query" });
    expect(formatLogLine(line, { color: true })).toBe(`\u001b[2m${CLOCK}\u001b[0m \u001b[33mWARN \u001b[0m slow query`);
    expect(formatLogLine(line, plain)).not.toContain("\u001b");
  });
});

describe("prettyLogStream", () => {
  it("writes each JSON line it is given as one readable line", () => {
    const written: string[] = [];
    const stream = prettyLogStream({ write: (text: string) => written.push(text) }, plain);
    stream.write(`${pinoLine({ msg: "one" })}\n`);
    stream.write(`${pinoLine({ msg: "two" })}\n${pinoLine({ msg: "three" })}\n\n`);
    expect(written).toEqual([`${CLOCK} INFO  one\n`, `${CLOCK} INFO  two\n`, `${CLOCK} INFO  three\n`]);
  });
});
