import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "./support/cli.js";

/** A statement locklint cannot work out is a finding, never silence (issue 16, issue 17's `catch {}`). */

// stand-ins for a bug: replay fails on the table "explodes", reading the statement on the table "unreadable"
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

describe("statements locklint cannot analyse", () => {
  it("a bug in replay (the catch {} of analyze.ts): a not-analysed error naming the statement's line, the other statements still checked", async () => {
    const input = sqlFile("replay.sql", "SET lock_timeout = '2s';\nALTER TABLE explodes ADD COLUMN x int;\nCREATE INDEX i ON t (c);\n");
    const r = await runCli(["-f", "json", input]);
    expect(r.code).toBe(1);
    const findings = findingsOf(r.stdout);
    expect(findings.find((f) => f.rule === "not-analysed")).toMatchObject({
      severity: "error",
      line: 2,
      message: "locklint could not analyse this statement (working out its add-column failed: simulated replay bug): the locks it takes are unknown and no rule checked it; this is a locklint limit or bug, please report it",
    });
    expect(findings.some((f) => f.rule === "require-concurrent-index-creation" && f.line === 3)).toBe(true);
  });

  it("a statement the AST walker cannot read: a not-analysed error, whatever --rules selects", async () => {
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
