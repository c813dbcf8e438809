// Reading input (issue 16): input that cannot be a migration is exit 2 with one line naming it,
// never a silent pass; nothing is glued, swallowed or read without bound; nothing hangs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../src/cli/program.js";
import { splitStatements } from "../src/sql/split.js";
import { runCli, type CliResult } from "./support/cli.js";
import { expectInputError } from "./support/input-error.js";
import { lintReport } from "./support/json-report.js";

const dir = mkdtempSync(join(tmpdir(), "locklint-input-"));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const INDEX = "CREATE INDEX IF NOT EXISTS ix_t_a ON t (a);\n";
const INDEX_FINDING = "require-concurrent-index-creation";

/** The CLI in-process with stdin as given: chunks, none at all, or an endless stream. */
async function runWithStdin(args: string[], stdin: AsyncIterable<Uint8Array>): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdin: Object.assign(stdin, { isTTY: false }),
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  });
  return { code, stdout, stderr };
}

const rules = (r: CliResult) => lintReport(r.stdout).findings.map((f) => [f.rule, f.line]);

describe("empty input is never a pass", () => {
  it("an empty file: exit 2 naming it", async () => {
    const empty = file("empty.sql", "");
    expectInputError(await runCli([empty]), `${empty}: no SQL statement (empty file)`);
  });

  it("empty stdin: exit 2, with the hint for a failed `alembic ... --sql | locklint`", async () => {
    const r = await runCli([], "");
    expectInputError(
      r,
      /^locklint: <stdin>: no SQL statement \(empty input\): did the command piped in fail\? `alembic upgrade head --sql \| locklint` gets nothing when alembic fails/,
    );
  });

  it("stdin that ends before any chunk (closed at once): exit 2", async () => {
    const r = await runWithStdin(["-"], (async function* () {})());
    expectInputError(r, /^locklint: <stdin>: no SQL statement \(empty input\)/);
  });

  it("an --sql-command that prints nothing (and exits 0): exit 2", async () => {
    expectInputError(await runCli(["--sql-command", "true"]), "<true>: no SQL statement (the command printed nothing on its standard output)");
  });

  it("whitespace only is empty; comments only (or psql commands) have no statement: exit 2", async () => {
    const blank = file("blank.sql", "  \n\t\r\n");
    expectInputError(await runCli([blank]), `${blank}: no SQL statement (empty file)`);
    const comments = file("comments.sql", "-- Running upgrade  -> a1\n/* nothing */\n;\n");
    expectInputError(await runCli([comments]), `${comments}: no SQL statement (only comments)`);
    const meta = file("meta.sql", "\\connect shop\n-- nothing else\n");
    expectInputError(await runCli([meta]), `${meta}: no SQL statement (only comments and psql commands)`);
  });
});

describe("an unterminated comment or quote at the end of the input no longer swallows the rest", () => {
  // Exit 2, not a syntax-error finding: PostgreSQL refuses the script too, and the statements after
  // the opening are gone whatever --fail-on says; the place where it opens is what to fix.
  const cases: [string, string, string][] = [
    ["/* comment", `${INDEX}/* disabled for now\n${INDEX}ALTER TABLE t DROP COLUMN b;\n`, "close it with */"],
    ["quoted string", `${INDEX}INSERT INTO t VALUES ('oops);\n${INDEX}`, "close it with '"],
    ["quoted identifier", `${INDEX}ALTER TABLE "t ADD COLUMN c int;\n${INDEX}`, 'close it with "'],
    ["dollar-quoted string", `${INDEX}DO $body$ BEGIN PERFORM 1; END $$;\n${INDEX}`, "close it with $body$"],
  ];
  for (const [what, sql, fix] of cases) {
    it(`an unterminated ${what}: exit 2 naming the file and the line where it opens`, async () => {
      const path = file(`open-${what.replace(/\W/g, "")}.sql`, sql);
      expectInputError(await runCli([path]), `${path}:2: unterminated ${what}: it runs to the end of the input, hiding every statement after it; ${fix}`);
    });
  }

  it("on stdin too, and a closed comment or quote holding a semicolon is still fine", async () => {
    expectInputError(await runCli([], "SELECT 1;\n\n/* oops"), /^locklint: <stdin>:3: unterminated \/\* comment/);
    const closed = await runCli(["--format", "json"], `/* a; /* nested; */ b; */ SELECT 'x;y';\n${INDEX}`);
    expect(rules(closed)).toEqual([
      [INDEX_FINDING, 2],
      ["require-lock-timeout", 2],
    ]);
  });
});

describe("psql meta-commands and COPY data are their own items, not SQL", () => {
  it("\\restrict, \\connect, \\c, \\set, \\unrestrict are skipped without hiding the next statement", async () => {
    const sql = [
      "\\restrict Xy3kQ9",
      "\\connect shop",
      "CREATE INDEX ix_a ON t (a);",
      "\\c shop2",
      "\\set ON_ERROR_STOP on",
      "CREATE INDEX ix_b ON t (b);",
      "SELECT 1; \\gset",
      "\\unrestrict Xy3kQ9",
      "",
    ].join("\n");
    const r = await runCli(["--format", "json", "--rules", `${INDEX_FINDING},syntax-error`], sql);
    expect(r.stderr).toBe("");
    expect(rules(r)).toEqual([
      [INDEX_FINDING, 3],
      [INDEX_FINDING, 6],
    ]);
    expect(lintReport(r.stdout).summary.statements).toBe(3);
  });

  it("COPY ... FROM stdin data up to the line \\. is skipped; the statement after it gets its findings", async () => {
    const sql = [
      "COPY public.t (a, b) FROM stdin;",
      "1\tit's",
      "2\t/* not a comment",
      "3\tDROP TABLE t;",
      "\\.",
      "CREATE INDEX ix_a ON t (a);",
      "\\copy t from stdin",
      "4\tx",
      "\\.",
      INDEX,
    ].join("\n");
    const r = await runCli(["--format", "json", "--rules", `${INDEX_FINDING},syntax-error`], sql);
    expect(r.stderr).toBe("");
    expect(rules(r)).toEqual([
      [INDEX_FINDING, 6],
      [INDEX_FINDING, 10],
    ]);
  });

  it("COPY (query) TO STDOUT reading a table named stdin expects no data", async () => {
    const r = await runCli(["--format", "json", "--rules", INDEX_FINDING], `COPY (SELECT * FROM stdin) TO STDOUT;\n${INDEX}`);
    expect(rules(r)).toEqual([[INDEX_FINDING, 2]]);
  });

  it("COPY ... FROM stdin data without its end line \\.: exit 2 naming the COPY", async () => {
    const path = file("copy.sql", `${INDEX}COPY t (a) FROM stdin;\n1\n2\n${INDEX}`);
    expectInputError(
      await runCli([path]),
      `${path}:2: COPY ... FROM stdin data without its end line \\.: it runs to the end of the input, hiding every statement after it; end the data with a line \\.`,
    );
  });

  it("the splitter: one item per meta-command line, one for the data, none glued to a statement", () => {
    const text = "\\restrict K\nSELECT 1;\nCOPY t FROM STDIN;\r\na\r\n\\.\r\nSELECT 2;\n";
    const spans = [...splitStatements(text)].map((s) => [s.kind, text.slice(s.start, s.end)]);
    expect(spans).toEqual([
      ["psql", "\\restrict K"],
      ["statement", "SELECT 1"],
      ["statement", "COPY t FROM STDIN"],
      ["psql", "a\r\n\\."],
      ["statement", "SELECT 2"],
    ]);
  });
});

describe("the input size limit, checked while reading", () => {
  /** Endless SQL text; counts what was taken from it. */
  function endless(taken: { bytes: number }): AsyncIterable<Uint8Array> {
    const chunk = new TextEncoder().encode("SELECT 1;\n".repeat(6554));
    return (async function* () {
      for (;;) {
        taken.bytes += chunk.length;
        yield chunk;
      }
    })();
  }

  it("an endless stdin stops at --max-input-mb with exit 2, not after gigabytes", async () => {
    const taken = { bytes: 0 };
    const r = await runWithStdin(["--max-input-mb", "2"], endless(taken));
    expectInputError(
      r,
      "<stdin>: larger than 2 MB, the input size limit; stopped reading (raise it with --max-input-mb, or max-input-mb in the configuration file)",
    );
    expect(taken.bytes).toBeLessThan(2 * 1024 * 1024 + 70_000);
  });

  it("a bad --max-input-mb is a usage error", async () => {
    for (const value of ["0", "-1", "501", "many"]) {
      const r = await runCli(["--max-input-mb", value], INDEX);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("expected a number of megabytes, more than 0 and at most 500");
    }
  });

  it("/dev/zero and a NUL in the first chunk of an endless stdin stop at the first chunk (binary), not at EOF", async () => {
    expectInputError(await runCli(["/dev/zero"]), "/dev/zero:1: binary input (NUL byte at offset 0); locklint reads SQL text");
    const taken = { bytes: 0 };
    const binary = (async function* () {
      yield new Uint8Array([0x53, 0x00, 0x01]);
      yield* endless(taken);
    })();
    expectInputError(await runWithStdin([], binary), "<stdin>:1: binary input (NUL byte at offset 1); locklint reads SQL text");
    expect(taken.bytes).toBe(0);
  });
});

describe("UTF-16 input is named as such, with the way to convert it", () => {
  const utf16le = Buffer.from(`\uFEFF${INDEX}`, "utf16le");
  const swap = (b: Buffer) => Buffer.from(b).swap16();
  const cases: [string, Buffer, string][] = [
    ["UTF-16LE with a byte order mark", utf16le, "UTF-16LE"],
    ["UTF-16BE with a byte order mark", swap(utf16le), "UTF-16BE"],
    ["UTF-16LE without one", Buffer.from(INDEX, "utf16le"), "UTF-16LE"],
    ["UTF-16BE without one", swap(Buffer.from(INDEX, "utf16le")), "UTF-16BE"],
  ];
  for (const [what, bytes, encoding] of cases) {
    it(`${what}: not "binary", the encoding and iconv`, async () => {
      const path = file(`${encoding}-${what.length}.sql`, bytes);
      expectInputError(await runCli([path]), `${path}: ${encoding} text, not UTF-8; convert it first: iconv -f ${encoding} -t UTF-8 ${path} > converted.sql`);
    });
  }
  it("on stdin", async () => {
    expectInputError(await runCli([], utf16le), "<stdin>: UTF-16LE text, not UTF-8; convert it first: iconv -f UTF-16LE -t UTF-8");
  });
});

describe("several inputs", () => {
  it("- - (stdin twice) is a usage error, one line", async () => {
    expectInputError(await runCli(["-", "-"], INDEX), "- (stdin) is named twice: stdin can be read only once");
  });

  it("one missing file among good ones: the others are linted and reported, the missing one named, exit 2", async () => {
    const good = file("good.sql", INDEX);
    const other = file("other.sql", `SELECT 1;\n${INDEX}`);
    const missing = join(dir, "missing.sql");
    const r = await runCli(["--format", "json", good, missing, other]);
    expectInputError(r, `${missing}: no such file`);
    const out = lintReport(r.stdout);
    expect(out.summary).toMatchObject({ files: 2, errors: 2 });
    expect(out.findings.map((f) => f.file)).toEqual([good, good, other, other]);
  });

  it("an empty file among good ones: the same (locks too)", async () => {
    const good = file("good2.sql", INDEX);
    const empty = file("empty2.sql", "");
    const r = await runCli(["locks", good, empty]);
    expectInputError(r, `${empty}: no SQL statement (empty file)`);
    expect(r.stdout).toContain("ix_t_a");
  });

  it("every input unreadable: one line each, exit 2, no report", async () => {
    const r = await runCli([join(dir, "a.sql"), join(dir, "b.sql")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`locklint: ${join(dir, "a.sql")}: no such file\nlocklint: ${join(dir, "b.sql")}: no such file\n`);
    expect(r.stdout).toBe("");
  });
});
