import { EventEmitter } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/program.js";
import { visible, visibleReturns } from "../../src/report/describe.js";
import { writeReportFile, type ReportFs } from "../../src/report/output-file.js";
import { joined, joinLines, JsonArray, JsonObject, jsonReport, writeReport } from "../../src/report/stream.js";
import { runCli } from "../support/cli.js";
import { lintReport } from "../support/json-report.js";

/**
 * Reports over ~512 MB of text died with "Invalid string length" after minutes (issue 16): they were
 * built as one string, and V8 has a maximum string length. They are now written chunk by chunk; a
 * report that large cannot be built in a test, so these check that no writer ever gets it whole.
 */

const MB = 1024 * 1024;
const STATEMENTS = 50_000;
/** One finding per statement: the reports are exactly as long as the statements are many. */
const ONE_RULE = "require-concurrent-index-creation";
const MANY = Array.from({ length: STATEMENTS }, (_, i) => `CREATE INDEX ix_${i} ON users (email);\n`).join("");

/** The CLI in-process with a stdout that records each write. */
async function writes(args: string[], input: string): Promise<{ code: number; chunks: string[]; stderr: string }> {
  const chunks: string[] = [];
  let stderr = "";
  const stdin = (async function* () {
    yield new TextEncoder().encode(input);
  })();
  const code = await run(args, {
    stdin,
    stdout: { write: (t: string) => chunks.push(t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  });
  return { code, chunks, stderr };
}

function expectStreamed(chunks: string[]): void {
  expect(chunks.length).toBeGreaterThan(20);
  expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(MB);
}

describe("a report larger than V8's maximum string length is written in chunks, never built whole", () => {
  it("--format json of 50k statements: many writes of at most 1 MB, together exactly what JSON.stringify(report, null, 2) printed", async () => {
    const r = await writes(["--format", "json", "--fail-on", "never", "--rules", ONE_RULE], MANY);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expectStreamed(r.chunks);
    const text = r.chunks.join("");
    const report = lintReport(text);
    expect(report.findings).toHaveLength(STATEMENTS);
    expect(text).toBe(JSON.stringify(report, null, 2) + "\n");
  }, 60_000);

  // what each format says of 50k findings (their exact bytes: test/formats.test.ts, test/sarif.test.ts)
  const whole: Record<string, (text: string) => void> = {
    text: (text) => expect(text.endsWith(`${STATEMENTS} statements in 1 file: ${STATEMENTS} errors, 0 warnings\n`)).toBe(true),
    github: (text) => expect(text.split("\n")).toHaveLength(STATEMENTS + 2),
    sarif: (text) => expect((JSON.parse(text) as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(STATEMENTS),
    markdown: (text) => expect(text.startsWith(`## locklint: ${STATEMENTS} errors, 0 warnings in ${STATEMENTS} statements\n`)).toBe(true),
  };

  it.each(Object.keys(whole))(
    "--format %s of 50k statements: many writes of at most 1 MB, together the report",
    async (format) => {
      const r = await writes(["--format", format, "--fail-on", "never", "--rules", ONE_RULE], MANY);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expectStreamed(r.chunks);
      whole[format]!(r.chunks.join(""));
    },
    60_000,
  );

  it("the chunks of a report together are the report as the in-process test io collects it", async () => {
    const input = MANY.slice(0, 40 * 500);
    for (const format of ["text", "json", "github", "sarif", "markdown"]) {
      const r = await writes(["--format", format], input);
      expect(r.chunks.join("")).toBe((await runCli(["--format", format], input)).stdout);
    }
  });

  it.each(["text", "json"])(
    "locklint locks --format %s of 50k statements: many writes of at most 1 MB",
    async (format) => {
      const r = await writes(["locks", "--format", format], MANY);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expectStreamed(r.chunks);
      const text = r.chunks.join("");
      if (format === "json") expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + "\n");
      else expect(text).toContain(`${STATEMENTS} statements (alembic version-table bookkeeping omitted)\n`);
    },
    60_000,
  );

  it("a report file is written chunk by chunk into its temporary file, then renamed: the file holds the whole report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-stream-"));
    const target = join(dir, "report.txt");
    const received: number[] = [];
    const recording: ReportFs = {
      async writeFile(path, data, options) {
        expect(typeof data).not.toBe("string");
        const counted = (function* () {
          for (const chunk of data) {
            received.push(chunk.length);
            yield chunk;
          }
        })();
        await writeFile(path, counted, options);
      },
      rename: async (from, to) => (await import("node:fs/promises")).rename(from, to),
      unlink: async (path) => (await import("node:fs/promises")).unlink(path),
    };
    const lines = Array.from({ length: STATEMENTS }, (_, i) => `line ${i}\n`);
    await writeReportFile(target, lines, recording);
    expect(received.length).toBeGreaterThan(1);
    expect(Math.max(...received)).toBeLessThanOrEqual(MB);
    expect(readFileSync(target, "utf8")).toBe(lines.join(""));
    expect(readdirSync(dir)).toEqual(["report.txt"]);
  });
});

describe("streamed reports are byte for byte what one string was", () => {
  it("jsonReport is JSON.stringify(value, null, 2) + newline: nested, empty, skipped members, line breaks and quotes in strings", () => {
    const plain = {
      findings: [
        { a: 1, b: 'two\nlines "quoted" \u2028', c: [1, [2, {}], []], d: undefined, e: null, f: { g: { h: [] } } },
        { x: -0.5e-7, y: true },
      ],
      empty: [],
      none: {},
      summary: { files: 1, errors: 0 },
      gone: undefined,
    };
    const streamed = new JsonObject({
      findings: new JsonArray(plain.findings.map((f) => new JsonObject(f))),
      empty: new JsonArray([]),
      none: new JsonObject({}),
      summary: plain.summary,
      gone: undefined,
    });
    expect(joined(jsonReport(streamed))).toBe(JSON.stringify(plain, null, 2) + "\n");
    expect(joined(jsonReport(new JsonArray([undefined, 1, "s"])))).toBe(JSON.stringify([undefined, 1, "s"], null, 2) + "\n");
  });

  it("joinLines is the escape of the joined lines, lone carriage returns included (before a line break kept, at the end escaped)", () => {
    const lines = ["a\r", "b\r\n", "", "\u202e\x1b[31m", "end\r"];
    const escape = (text: string) => visibleReturns(visible(text));
    expect(joined(joinLines(lines, escape))).toBe(escape(lines.join("\n")));
    expect(joined(joinLines([], escape))).toBe("");
  });

  it("a stream that says it is full gets no more until it drains, and gets the whole report", async () => {
    const stream = new EventEmitter() as EventEmitter & { write(text: string): boolean };
    let full = false;
    let text = "";
    stream.write = (chunk: string) => {
      if (full) throw new Error("written while full");
      text += chunk;
      full = true;
      setImmediate(() => {
        full = false;
        stream.emit("drain");
      });
      return false;
    };
    const report = Array.from({ length: 10_000 }, (_, i) => `${"x".repeat(100)} ${i}\n`);
    await writeReport(stream, report);
    expect(text).toBe(report.join(""));
    expect(stream.listenerCount("drain") + stream.listenerCount("close")).toBe(0);
  });
});
