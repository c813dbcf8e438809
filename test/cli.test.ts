import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { colorsFor } from "../src/report/colors.js";
import { spawnSync } from "node:child_process";
import { run } from "../src/cli/program.js";
import { BIN, runBin, runCli, type CliResult } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "locklint-cli-"));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const RISKY = `-- Running upgrade  -> a1
BEGIN;
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE users (id serial PRIMARY KEY, email text);
INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;
COMMIT;
-- Running upgrade a1 -> b2
BEGIN;
CREATE INDEX ix_users_email ON users (email);
UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';
COMMIT;
`;
interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  sql: string;
  message: string;
}
interface FindingsJson {
  findings: JsonFinding[];
  summary: { files: number; statements: number; errors: number; warnings: number };
}
/** The findings report of --format json. */
const findingsJson = (stdout: string) => JSON.parse(stdout) as FindingsJson;
/** Its first finding (there must be one). */
const firstFinding = (stdout: string) => findingsJson(stdout).findings[0]!;

/** The CLI in-process with these environment variables (colours), stdin not a terminal and empty. */
async function runWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign((async function* () {})(), { isTTY: false });
  const code = await run(args, { stdin, stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

const WARN_ONLY = "-- Running upgrade a1 -> b2\nBEGIN;\nSET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\nCOMMIT;\n";

describe("locklint (the launcher, end to end: bin/ in a child process)", () => {
  it("reports a finding with file:line:column, lock facts, revision and help, and the process exits 1", () => {
    const r = runBin([file("risky.sql", RISKY)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("risky.sql:9:1  error  require-concurrent-index-creation");
    expect(r.stdout).toContain("lock: SHARE on users - blocks writes, ddl - scans the table");
    expect(r.stdout).toContain("revision: b2 (upgrade from a1)");
    expect(r.stdout).toContain("SQL: CREATE INDEX CONCURRENTLY ix_users_email ON users (email);");
    expect(r.stdout).toContain('op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)');
    expect(r.stdout).toMatch(/\d+ statements in 1 file: 1 error/);
    expect(r.stderr).toBe("");
  });

  it("reads stdin when no file is given and stdin is not a terminal", () => {
    const r = runBin(["--format", "json"], { input: RISKY });
    expect(firstFinding(r.stdout).file).toBe("<stdin>");
    expect(r.code).toBe(1);
  });

  it("stops quietly when the reader closes the pipe early (| head)", () => {
    const big = Array.from({ length: 400 }, (_, i) => `CREATE INDEX ix_${i} ON users (email);`).join("\n");
    const r = spawnSync("bash", ["-c", `node ${JSON.stringify(BIN)} ${JSON.stringify(file("big.sql", big))} | head -1`], { encoding: "utf8" });
    expect(r.stdout.split("\n")[0]).toContain("require-concurrent-index-creation");
    expect(r.stderr).toBe("");
  });
});

describe("locklint (in-process)", () => {
  it("--format json gives the documented shape", async () => {
    const r = await runCli(["--format", "json", file("risky.sql", RISKY)]);
    const out = findingsJson(r.stdout);
    expect(out.summary).toEqual({ files: 1, statements: 9, errors: 1, warnings: 1 });
    expect(out.findings.map((f) => f.rule)).toEqual(["require-concurrent-index-creation", "require-lock-timeout"]);
    expect(out.findings[0]).toMatchObject({
      rule: "require-concurrent-index-creation",
      severity: "error",
      line: 9,
      column: 1,
      endLine: 9,
      endColumn: 45,
      revision: "b2",
      revisionFrom: "a1",
      sql: "CREATE INDEX ix_users_email ON users (email)",
      locks: [{ relation: "users", mode: "SHARE", blocks: ["writes", "ddl"], rewrite: false, scan: true }],
    });
  });

  it("reads several files and - for stdin, keeping the schema of earlier files", async () => {
    const first = file("first.sql", "CREATE TABLE IF NOT EXISTS t (a int);\n");
    const r = await runCli(["--format", "json", first, "-"], "BEGIN;\nCREATE INDEX ix_t_a ON t (a);\nCOMMIT;\n");
    const out = findingsJson(r.stdout);
    expect(out.summary.files).toBe(2);
    expect(out.findings.map((f) => [f.file, f.line, f.rule])).toEqual([
      ["<stdin>", 2, "require-concurrent-index-creation"],
      ["<stdin>", 2, "require-lock-timeout"],
    ]);
  });

  describe("exit codes", () => {
    it("0 when nothing reaches --fail-on", async () => {
      expect((await runCli(["--fail-on", "never", file("r.sql", RISKY)])).code).toBe(0);
      expect((await runCli([file("w.sql", WARN_ONLY)])).code).toBe(0);
    });
    it("1 with --fail-on warning on warnings", async () => {
      expect((await runCli(["--fail-on", "warning", file("w.sql", WARN_ONLY)])).code).toBe(1);
    });
    it("2 for a missing file, naming it, without a stack trace", async () => {
      const r = await runCli([join(dir, "nope.sql")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^locklint: .*nope\.sql.*\n$/);
      expect(r.stdout).toBe("");
    });
    it("2 for an unknown option or a bad value, in one line", async () => {
      const unknown = await runCli(["--frobnicate"]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe("locklint: unknown option '--frobnicate' (locklint --help lists the options)\n");
      const bad = await runCli(["--pg-version", "9", file("r.sql", RISKY)]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^locklint: option '--pg-version <major>' argument '9' is invalid\. [^\n]*\n$/);
    });
    it("2 for binary input, naming the file", async () => {
      const r = await runCli([file("bin.sql", new Uint8Array([0x53, 0x45, 0x00, 0x01, 0xff]))]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/bin\.sql.*binary/);
    });
    it("2 for input that is not UTF-8, naming the file and line", async () => {
      const latin1 = Buffer.concat([Buffer.from("SELECT 1;\nSELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]);
      const r = await runCli([file("latin1.sql", latin1)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^locklint: .*latin1\.sql:2: not valid UTF-8/);
    });
    it("2 when stdin is a terminal and no file is given", async () => {
      const r = await runCli([], "", true);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("no input");
    });
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("alembic upgrade head --sql | locklint");
    expect(help.stdout).toContain("locks [options] [files...]");
    const lintHelp = await runCli(["lint", "--help"]);
    expect(lintHelp.code).toBe(0);
    expect(lintHelp.stdout).toContain("--fail-on <severity>");
    expect((await runCli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("colours only when asked or on a terminal; NO_COLOR wins over a terminal", async () => {
    expect((await runCli([file("r.sql", RISKY)])).stdout).not.toContain("\u001b[");
    expect((await runCli(["--color", file("r.sql", RISKY)])).stdout).toContain("\u001b[");
    expect((await runWithEnv([file("r.sql", RISKY)], { FORCE_COLOR: "1" })).stdout).toContain("\u001b[");
    const tty = { isTTY: true };
    expect(colorsFor(tty, {}).red("x")).toContain("\u001b[");
    expect(colorsFor(tty, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(colorsFor(tty, { TERM: "dumb" }).red("x")).toBe("x");
    expect(colorsFor(tty, { NO_COLOR: "1" }, true).red("x")).toContain("\u001b[");
  });
});

describe("the rule catalog on the command line", () => {
  it("locklint rules lists every rule with severity, default and the lock of its example", async () => {
    const r = await runCli(["rules", "--format", "json"]);
    expect(r.code).toBe(0);
    const { rules } = JSON.parse(r.stdout) as { rules: { id: string; severity: string; default: boolean; lock: string }[] };
    expect(rules.find((x) => x.id === "require-concurrent-index-creation")).toEqual(
      expect.objectContaining({ severity: "error", default: true, lock: "SHARE (blocks writes, ddl), scan" }),
    );
    expect((await runCli(["rules"])).stdout).toMatch(/^setting-not-null\s+error\s+on\s+SET NOT NULL/m);
  });

  it("locklint explain prints a rule's documentation; an unknown rule is a usage error with a suggestion", async () => {
    const r = await runCli(["explain", "setting-not-null"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# setting-not-null");
    expect(r.stdout).toContain("op.create_check_constraint(");
    const bad = await runCli(["explain", "setting-nul"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('locklint: unknown rule "setting-nul"; did you mean setting-not-null? (locklint rules lists them)\n');
  });

  it("--rules picks the rules that run, before any input is read", async () => {
    const only = findingsJson(
      (await runCli(["--format", "json", "--rules", "require-lock-timeout", file("r2.sql", RISKY + "BEGIN;\nALTER TABLE users ADD COLUMN x int;\nCOMMIT;\n")]))
        .stdout,
    );
    expect(new Set(only.findings.map((f) => f.rule))).toEqual(new Set(["require-lock-timeout"]));
    const unknown = await runCli(["--rules", "nope", join(dir, "missing.sql")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "nope"');
  });
});

describe("input encodings and locations", () => {
  it("a BOM and CRLF line ends do not shift lines or columns", async () => {
    const body = RISKY.replace(/\n/g, "\r\n");
    const r = await runCli(["--format", "json", file("crlf.sql", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]))]);
    const f = firstFinding(r.stdout);
    expect([f.line, f.column, f.endLine, f.endColumn]).toEqual([9, 1, 9, 45]);
    expect(f.sql).toBe("CREATE INDEX ix_users_email ON users (email)");
  });

  it("multi-byte characters before a statement on its line do not shift its column", async () => {
    const sql = "CREATE TABLE t (a text);\nCOMMENT ON TABLE t IS 'héllo wörld ✓ 🐘'; CREATE INDEX ix_t_a ON t (a);\n";
    const f = firstFinding((await runCli(["--format", "json", "--rules", "require-concurrent-index-creation", file("mb.sql", sql)])).stdout);
    expect(f.rule).toBe("require-concurrent-index-creation");
    expect([f.line, f.column]).toEqual([2, 42]); // 41 characters precede it, 49 bytes
  });

  it("a syntax error is reported at its own line with PostgreSQL's message; the rest is still analysed", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS t (a int);\n-- Ünïcödé\nALTER TABLE t ADD COLUMN b int DEFALT 1;\nCREATE INDEX IF NOT EXISTS ix_t_a ON t (a);\n";
    const out = findingsJson((await runCli(["--format", "json", file("syntax.sql", sql)])).stdout);
    expect(out.findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ["syntax-error", 3, 32],
      ["require-concurrent-index-creation", 4, 1],
      ["require-lock-timeout", 4, 1],
    ]);
    expect(out.findings[0]!.message).toContain('syntax error at or near "DEFALT"');
  });
});

describe("never a stack trace", () => {
  it("arbitrary text gives findings or a clean input error, with a valid exit code", async () => {
    const fragments = fc.constantFrom(
      "BEGIN;",
      "COMMIT;",
      "ROLLBACK;",
      "CREATE TABLE t (a int);",
      "CREATE INDEX i ON t (a);",
      "ALTER TABLE t ADD COLUMN b int NOT NULL;",
      "DROP TABLE t;",
      "'",
      '"',
      "$$",
      "$a$",
      "/*",
      "*/",
      "--",
      "\n",
      ";",
      "-- Running upgrade a -> b\n",
      "E'\\'",
      "(",
      ")",
      "ALTER TABLE t RENAME TO u;",
      "ALTER TYPE e ADD VALUE 'x';",
      "SET lock_timeout = 0;",
      "\u0000",
      "é",
      "🐘",
      "\r\n",
      "\uFEFF",
    );
    const texts = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.array(fragments, { maxLength: 30 }).map((a) => a.join(" ")),
    );
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        for (const format of ["text", "json"]) {
          const r = await runCli(["--format", format], text);
          expect([0, 1, 2]).toContain(r.code);
          expect(r.stderr).not.toContain("internal error");
          expect(r.stderr).not.toMatch(/\n\s+at /);
          if (r.code === 2) expect(r.stderr).toMatch(/^locklint: <stdin>.*\n$/);
          else if (format === "json") expect(() => findingsJson(r.stdout)).not.toThrow();
        }
        const locks = await runCli(["locks", "--format", "json"], text);
        expect(locks.stderr).not.toContain("internal error");
      }),
      { numRuns: 100 }, // the fuzz of test/integration/ runs the long version
    );
  }, 120_000);
});
