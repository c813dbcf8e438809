import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeSource, MB, readSourceFile, readStream } from "../src/sql/source.js";
import { readCommandOutput } from "../src/sql/sql-command.js";
import { checkStatements, type InputOrigin } from "../src/sql/input-check.js";

/** The input errors a user sees, one line each, naming the input and the place. */

const bytes = (...values: number[]) => new Uint8Array(values);

/** decodeSource's complaint about these bytes after `SELECT 1;\n`, or "ok". */
function decoded(...tail: number[]): string {
  try {
    decodeSource("m.sql", new Uint8Array([...new TextEncoder().encode("SELECT 1;\n"), ...tail]));
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("text that is not valid UTF-8 is refused at its first bad byte", () => {
  it("valid 2-, 3- and 4-byte sequences pass", () => {
    expect(decoded(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBe("ok");
  });

  it.each([
    ["a byte that starts no sequence", [0x41, 0xff]],
    ["a continuation byte alone", [0x41, 0x80]],
    ["an overlong encoding", [0x41, 0xe0, 0x80, 0x80]],
    ["a surrogate", [0x41, 0xed, 0xa0, 0x80]],
    ["a code point above U+10FFFF", [0x41, 0xf4, 0x90, 0x80, 0x80]],
    ["a sequence cut short", [0x41, 0xe2, 0x82, 0x41]],
    ["a sequence cut short by the end", [0x41, 0xf0, 0x9f]],
  ])("%s", (_, tail) => {
    expect(decoded(...tail)).toBe("m.sql:2: not valid UTF-8 (byte offset 11); save the file as UTF-8");
  });

  it("UTF-16 with its byte order mark, named with the conversion to run", () => {
    expect(() => decodeSource("m.sql", bytes(0xfe, 0xff, 0, 0x53))).toThrow(
      "m.sql: UTF-16BE text, not UTF-8; convert it first: iconv -f UTF-16BE -t UTF-8 m.sql > converted.sql",
    );
  });
});

describe("reading inputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "locklint-sql-source-"));

  it("a missing file, a directory and a file over the size limit: one line each", async () => {
    mkdirSync(join(dir, "migrations"), { recursive: true });
    writeFileSync(join(dir, "big.sql"), "SELECT 1;\n".repeat(20));
    await expect(readSourceFile(join(dir, "missing.sql"))).rejects.toThrow(`${join(dir, "missing.sql")}: no such file`);
    await expect(readSourceFile(join(dir, "migrations"))).rejects.toThrow(`${join(dir, "migrations")}: is a directory, not a SQL file`);
    await expect(readSourceFile(join(dir, "big.sql"), 100)).rejects.toThrow(/big\.sql: larger than .* MB, the input size limit; stopped reading/);
  });

  it("a stream of text chunks is read whole; a NUL byte in a later chunk stops it as binary", async () => {
    expect((await readStream("<stdin>", Readable.from(["SELECT 1;\n", "SELECT 2;\n"]))).text).toBe("SELECT 1;\nSELECT 2;\n");
    await expect(readStream("<stdin>", Readable.from([Buffer.from("SELECT 1;\n"), Buffer.from("SELECT\0 2;")]))).rejects.toThrow(
      "<stdin>:2: binary input (NUL byte at offset 16); locklint reads SQL text",
    );
  });

  it("a stream that fails midway is an input error naming it", async () => {
    const failing = Readable.from(
      (function* () {
        yield Buffer.from("SELECT 1;\n");
        throw new Error("connection reset");
      })(),
    );
    await expect(readStream("<stdin>", failing)).rejects.toThrow("<stdin>: cannot read: connection reset");
  });
});

describe("--sql-command", () => {
  const run = (command: string, maxBytes?: number) => {
    const stderr: string[] = [];
    const result = readCommandOutput(command, { env: process.env, stderr: { write: (text: string) => stderr.push(text) }, timeoutSeconds: 20, maxBytes });
    return { result, stderr };
  };

  it("reads the command's standard output as SQL and passes its standard error through", async () => {
    const { result, stderr } = run("echo 'SELECT 1;'; echo 'INFO  [alembic] running' >&2");
    expect((await result).text).toBe("SELECT 1;\n");
    expect(stderr.join("")).toBe("INFO  [alembic] running\n");
  });

  it("a command that fails or is killed: nothing is linted, and the user is told why", async () => {
    await expect(run("echo 'SELECT 1;'; exit 3").result).rejects.toThrow(`--sql-command: "echo 'SELECT 1;'; exit 3" exited with code 3; nothing was linted`);
    await expect(run("kill -TERM $$").result).rejects.toThrow(`--sql-command: "kill -TERM $$" was killed by SIGTERM; nothing was linted`);
  });

  it("output over the size limit stops the command", async () => {
    await expect(run("yes 'SELECT 1;'", MB).result).rejects.toThrow(/<yes 'SELECT 1;'>: larger than 1 MB, the input size limit/);
  });
});

describe("an input with nothing to lint, or something left open at its end, is an input error", () => {
  const check =
    (text: string, origin: InputOrigin = "file") =>
    () =>
      checkStatements(decodeSource("m.sql", new TextEncoder().encode(text)), origin);

  it("no statement: what is there instead, and for a pipe, why it may be empty", () => {
    expect(check("")).toThrow("m.sql: no SQL statement (empty file)");
    expect(check("\n", "command")).toThrow("m.sql: no SQL statement (the command printed nothing on its standard output)");
    expect(check("  ", "stdin")).toThrow(/^m\.sql: no SQL statement \(empty input\): did the command piped in fail\?/);
    expect(check("-- only a comment\n")).toThrow("m.sql: no SQL statement (only comments)");
    expect(check("-- a comment\n\\connect db\n")).toThrow("m.sql: no SQL statement (only comments and psql commands)");
  });

  it("an unterminated comment, string, identifier, dollar quote or COPY data: its line and how to close it", () => {
    const hidden = "it runs to the end of the input, hiding every statement after it";
    expect(check("SELECT 1;\n/* open")).toThrow(`m.sql:2: unterminated /* comment: ${hidden}; close it with */`);
    expect(check("SELECT 'open;")).toThrow(`m.sql:1: unterminated quoted string: ${hidden}; close it with '`);
    expect(check('SELECT "open;')).toThrow(`m.sql:1: unterminated quoted identifier: ${hidden}; close it with "`);
    expect(check("SELECT 1;\r\nDO $body$ BEGIN")).toThrow(`m.sql:2: unterminated dollar-quoted string: ${hidden}; close it with $body$`);
    expect(check("COPY t FROM stdin;\n1\t2\n")).toThrow(`m.sql:1: COPY ... FROM stdin data without its end line \\.: ${hidden}; end the data with a line \\.`);
    expect(check("SELECT 1;\n")).not.toThrow();
  });
});
