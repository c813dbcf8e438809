import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "./support/cli.js";

/**
 * A statement locklint cannot work out is never silence (issue 16). A limit (a statement it cannot
 * read) is a not-analysed finding; a bug (its effects or the schema replay throw: the catch of
 * analyze.ts) is an internal error: a finding of its own, a line on stderr, exit 2, while the other
 * statements are still reported (issue 17).
 */

// stand-ins for a bug: replay fails on the table "explodes", effects on the table "misjudged", reading the statement on the table "unreadable"
vi.mock("../src/schema/replay.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/schema/replay.js")>();
  return {
    ...real,
    applyOperation: (...args: Parameters<typeof real.applyOperation>) => {
      if (JSON.stringify(args[1]).includes('"explodes"')) throw new Error("simulated replay bug");
      return real.applyOperation(...args);
    },
  };
});
vi.mock("../src/locks/effects.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/locks/effects.js")>();
  return {
    ...real,
    operationEffect: (...args: Parameters<typeof real.operationEffect>) => {
      if (JSON.stringify(args[0]).includes('"misjudged"')) throw new TypeError("simulated effects bug");
      return real.operationEffect(...args);
    },
  };
});
vi.mock("../src/sql/operations.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/sql/operations.js")>();
  return {
    ...real,
    operationsOf: (...args: Parameters<typeof real.operationsOf>) => {
      const alter = (args[0] as { AlterTableStmt?: { relation?: { relname?: string } } }).AlterTableStmt;
      if (alter?.relation?.relname === "unreadable") throw new RangeError("Maximum call stack size exceeded");
      return real.operationsOf(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "locklint-not-analysed-"));
function sqlFile(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  message: string;
}
const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

describe("statements locklint fails on or cannot read", () => {
  const REPLAY_BUG = "SET lock_timeout = '2s';\nALTER TABLE explodes ADD COLUMN IF NOT EXISTS x int;\nCREATE INDEX IF NOT EXISTS i ON t (c);\n";
  const REASON = "working out its add-column failed: simulated replay bug";

  it("a bug in replay, as JSON: an internal-error finding naming the statement's line and the error, the other statements' findings, exit 2", async () => {
    const input = sqlFile("replay.sql", REPLAY_BUG);
    const r = await runCli(["-f", "json", input]);
    expect(r.code).toBe(2);
    const findings = findingsOf(r.stdout);
    expect(findings.find((f) => f.rule === "internal-error")).toMatchObject({
      severity: "error",
      line: 2,
      message: `internal error: locklint failed on this statement (${REASON}): the locks it takes are unknown; this is a locklint bug, please report it`,
    });
    expect(findings.some((f) => f.rule === "not-analysed")).toBe(false);
    expect(findings.some((f) => f.rule === "require-concurrent-index-creation" && f.line === 3)).toBe(true);
    expect(r.stderr).toBe(`locklint: internal error at ${input}:2:1 (ALTER TABLE explodes ADD COLUMN IF NOT EXISTS x int): ${REASON} (please report it)\n`);
  });

  it("a bug in replay, as text: the internal-error finding at its line, the other finding, exit 2 even with --fail-on never", async () => {
    const input = sqlFile("replay-text.sql", REPLAY_BUG);
    const r = await runCli(["--fail-on", "never", input]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${input}:2:1  error  internal-error\n  internal error: locklint failed on this statement (${REASON})`);
    expect(r.stdout).toContain(`${input}:3:1  error  require-concurrent-index-creation`);
    expect(r.stderr).toContain(`locklint: internal error at ${input}:2:1`);
  });

  it("a bug in replay, as github, markdown and sarif: the internal error and the other finding in each, exit 2", async () => {
    const input = sqlFile("replay-formats.sql", REPLAY_BUG);
    const github = await runCli(["-f", "github", input]);
    expect(github.code).toBe(2);
    expect(github.stdout).toMatch(/^::error file=[^\n]*line=2,[^\n]*internal-error[^\n]*simulated replay bug/m);
    expect(github.stdout).toMatch(/^::error file=[^\n]*line=3,[^\n]*require-concurrent-index-creation/m);
    const markdown = await runCli(["-f", "markdown", input]);
    expect(markdown.code).toBe(2);
    expect(markdown.stdout).toMatch(
      /\| `internal-error` \| [^|]*replay-formats\.sql:2 \| internal error: locklint failed on this statement \(working out its add-column failed: simulated replay bug\)/,
    );
    expect(markdown.stdout).toContain("`require-concurrent-index-creation`");
    const sarif = await runCli(["-f", "sarif", input]);
    expect(sarif.code).toBe(2);
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: {
          results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
        }[];
      }
    ).runs[0]!.results;
    expect(results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ["internal-error", "error", 2],
      ["require-concurrent-index-creation", "error", 3],
    ]);
    expect(results[0]!.message.text).toContain("simulated replay bug");
  });

  it("a bug in effects: the same internal error (its kind and message), and locks says the statement was not analysed, exit 2", async () => {
    const input = sqlFile("effects.sql", "ALTER TABLE misjudged ADD COLUMN IF NOT EXISTS x int;\nCREATE INDEX IF NOT EXISTS i ON t (c);\n");
    const lint = await runCli(["-f", "json", input]);
    expect(lint.code).toBe(2);
    expect(findingsOf(lint.stdout).map((f) => [f.rule, f.line])).toEqual([
      ["internal-error", 1],
      ["require-concurrent-index-creation", 2],
      ["require-lock-timeout", 2],
    ]);
    expect(lint.stderr).toContain("working out its add-column failed: simulated effects bug");
    const locks = await runCli(["locks", "-f", "json", input]);
    expect(locks.code).toBe(2);
    const statements = (JSON.parse(locks.stdout) as { statements: { line: number; analysed: boolean }[] }).statements;
    expect(statements.map((st) => [st.line, st.analysed])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(locks.stderr).toBe(
      `locklint: internal error at ${input}:1:1 (ALTER TABLE misjudged ADD COLUMN IF NOT EXISTS x int): working out its add-column failed: simulated effects bug (please report it)\n`,
    );
  });

  it("a statement the AST walker cannot read (a limit, not a bug): a not-analysed error, exit 1, whatever --rules selects", async () => {
    const input = sqlFile("walker.sql", "SET lock_timeout = '2s';\nALTER TABLE unreadable ADD COLUMN x int;\n");
    const r = await runCli(["--rules", "require-lock-timeout", input]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${input}:2:1  error  not-analysed`);
    expect(r.stdout).toContain("locklint could not analyse this statement (reading it failed: Maximum call stack size exceeded)");
  });
});

describe("deep expressions", () => {
  const terms = (n: number) => Array.from({ length: n }, () => "1").join("+");

  it("an expression of 3,000 terms is analysed (the recursive walker overflowed: 'not analysed', no finding)", async () => {
    const input = sqlFile("deep.sql", `SELECT ${terms(3000)};\nALTER TABLE t ADD COLUMN x int DEFAULT ${terms(3000)};\n`);
    const locks = await runCli(["locks", "-f", "json", input]);
    const statements = (JSON.parse(locks.stdout) as { statements: { analysed: boolean; locks: { relation: string; mode: string }[] }[] }).statements;
    expect(statements.map((s) => s.analysed)).toEqual([true, true]);
    expect(statements[1]!.locks).toMatchObject([{ relation: "t", mode: "ACCESS EXCLUSIVE" }]);
    const lint = await runCli(["-f", "json", input]);
    expect(findingsOf(lint.stdout).some((f) => f.rule === "not-analysed")).toBe(false);
  });

  it("one too deep to read back from the parser (50,000 terms) is a not-analysed error on its line, not a pass", async () => {
    const r = await runCli(["-f", "json", sqlFile("deeper.sql", `ALTER TABLE t ADD COLUMN x int DEFAULT ${terms(50_000)};\n`)]);
    expect(r.code).toBe(1);
    expect(findingsOf(r.stdout)).toMatchObject([{ rule: "not-analysed", severity: "error", line: 1 }]);
  });
});
