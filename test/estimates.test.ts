import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CALIBRATED } from "../src/cost/estimate.js";
import { runCli } from "./support/cli.js";
import { statsFile } from "./support/stats-file.js";
import { type JsonFinding, type LintReport, lintReport, locksReport } from "./support/json-report.js";

const dir = mkdtempSync(join(tmpdir(), "locklint-estimates-"));
const GB = 1024 ** 3;

const BIG = statsFile([
  { name: "orders", heapBytes: 3 * GB, totalBytes: 5 * GB, rows: 40e6 },
  { name: "users", heapBytes: 0.4 * GB, totalBytes: 0.6 * GB, rows: 2e6 },
]);
const TINY = statsFile([{ name: "orders", heapBytes: 8192, totalBytes: 16384, rows: 10 }]);
const sql = join(dir, "m.sql");
writeFileSync(
  sql,
  "BEGIN;\n-- Running upgrade a -> b\nALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX ix_orders_total ON orders (total);\nALTER TABLE users ALTER COLUMN age TYPE bigint;\nCOMMIT;\n",
);

const lintJson = async (...args: string[]) => lintReport((await runCli(["--format", "json", ...args, sql])).stdout);
const ruleFinding = (findings: JsonFinding[], rule: string): JsonFinding => {
  const found = findings.find((f) => f.rule === rule);
  if (!found) throw new Error(`no ${rule} finding`);
  return found;
};

describe("lock-time estimates", () => {
  it("without statistics, lock facts say the time qualitatively", async () => {
    const index = ruleFinding((await lintJson()).findings, "require-concurrent-index-creation");
    expect(index.locks[0]!.estimate).toEqual({ qualitative: "proportional to table size" });
  });

  it("with --stats, a lock lasts its statement's work plus every later statement's, as a range", async () => {
    const index = ruleFinding((await lintJson("--stats", BIG)).findings, "require-concurrent-index-creation");
    const orders = index.locks.find((l) => l.relation === "orders");
    // index build over 3 GB, then the users rewrite (0.6 GB) before COMMIT
    const central = ((3 * GB) / CALIBRATED.index + (0.6 * GB) / CALIBRATED.rewrite) * 1000;
    expect(orders?.estimate).toEqual({ lowMs: Math.round(central / 2), highMs: Math.round(central * 2), basis: "index build over 3.0 GB", laterStatements: 1 });
    const text = (await runCli(["--stats", BIG, sql])).stdout;
    expect(text).toContain("lock: SHARE on orders - blocks writes, ddl - scans the table - held ");
    expect(text).toContain("(index build over 3.0 GB, then 1 more statement)");
  });

  it("TRUNCATE gives the table new, empty files: it reads and writes no rows, so its lock is held only for the statements after it", async () => {
    const truncate = join(dir, "truncate.sql");
    writeFileSync(truncate, "BEGIN;\nTRUNCATE orders;\nCOMMIT;\n");
    const report = locksReport((await runCli(["locks", "--format", "json", "--stats", BIG, truncate])).stdout);
    const orders = report.statements.find((s) => s.line === 2)!.locks.find((l) => l.relation === "orders")!;
    expect(orders).toMatchObject({ mode: "ACCESS EXCLUSIVE", rewrite: true, scan: false });
    expect(orders.estimate).toMatchObject({ lowMs: 0, highMs: 0 });
  });

  it("on a tiny table, a duration finding drops to a warning", async () => {
    const index = ruleFinding((await lintJson("--stats", TINY)).findings, "require-concurrent-index-creation");
    expect(index.severity).toBe("warning");
    expect(index.message).toContain("with the given table sizes: under 1 s");
  });

  it("on big tables, a duration warning rises to an error", async () => {
    const slow = ruleFinding((await lintJson("--stats", BIG)).findings, "lock-held-during-slow-statement");
    expect(slow.severity).toBe("error");
    expect(slow.message).toMatch(/with the given table sizes: up to \d/);
  });

  it("--max-lock-ms reports each table blocked longer than the budget, at the statement that locked it", async () => {
    const budget = (await lintJson("--stats", BIG, "--max-lock-ms", "3000")).findings.filter((f) => f.rule === "lock-budget");
    expect(budget.map((f) => [f.line, f.message.split(" blocks")[0]])).toEqual([
      [3, "ACCESS EXCLUSIVE on users"],
      [4, "SHARE on orders"],
    ]);
    expect(budget[0]!.message).toContain("; the work: line 4: index build over 3.0 GB (orders); line 5: rewrite 614 MB (users)");
    expect((await lintJson("--stats", BIG, "--max-lock-ms", "1000000")).findings.filter((f) => f.rule === "lock-budget")).toEqual([]);
  });

  it("budgets per kind of blocking: --max-read-lock-ms for locks that block reads, --max-write-lock-ms for writes (also in the config file)", async () => {
    const budgetFindings = (out: LintReport) =>
      out.findings.filter((f) => f.rule === "lock-budget").map((f) => f.message.split(" blocks")[0]! + (f.message.match(/ budget for \w+/)?.[0] ?? ""));
    expect(budgetFindings(await lintJson("--stats", BIG, "--max-write-lock-ms", "3000"))).toEqual([
      "ACCESS EXCLUSIVE on users budget for writes",
      "SHARE on orders budget for writes",
    ]);
    // ACCESS EXCLUSIVE blocks both: the tighter budget applies to it; SHARE blocks only writes
    expect(budgetFindings(await lintJson("--stats", BIG, "--max-read-lock-ms", "3000", "--max-write-lock-ms", "1000000"))).toEqual([
      "ACCESS EXCLUSIVE on users budget for reads",
    ]);
    expect(budgetFindings(await lintJson("--stats", BIG, "--max-lock-ms", "3000", "--max-write-lock-ms", "1000000"))).toEqual([
      "ACCESS EXCLUSIVE on users budget for reads",
    ]);
    const project = mkdtempSync(join(tmpdir(), "locklint-budget-"));
    writeFileSync(join(project, "locklint.toml"), `stats = ${JSON.stringify(BIG)}\nmax-read-lock-ms = 3000\n`);
    const fromConfig = lintReport((await runCli(["--format", "json", sql], "", false, { cwd: project })).stdout);
    expect(budgetFindings(fromConfig)).toEqual(["ACCESS EXCLUSIVE on users budget for reads"]);
  });

  it("the timeline of locklint locks carries the estimate", async () => {
    const out = locksReport((await runCli(["locks", "--format", "json", "--stats", BIG, sql])).stdout);
    const users = out.transactions[0]!.locks.find((l) => l.relation === "users");
    expect(users?.estimate?.laterStatements).toBe(2);
    expect(users?.estimate?.highMs).toBeGreaterThan(users?.estimate?.lowMs ?? Infinity);
    expect((await runCli(["locks", "--stats", BIG, sql])).stdout).toMatch(/ESTIMATE/);
  });

  it("refuses a file that is not a stats file, and a budget without sizes, with exit 2", async () => {
    const bogus = join(dir, "bogus.json");
    writeFileSync(bogus, '{"tables": []}');
    const bad = await runCli(["--stats", bogus, sql]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bogus.json: not a locklint stats file");
    const missing = await runCli(["--stats", join(dir, "nope.json"), sql]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.json: cannot read the stats file");
    expect((await runCli(["--max-lock-ms", "100", sql])).stderr).toContain(
      "lock budgets (--max-lock-ms, --max-read-lock-ms, --max-write-lock-ms) need table sizes",
    );
    const readBudget = await runCli(["--max-read-lock-ms", "100", sql]);
    expect(readBudget.code).toBe(2);
    expect(readBudget.stderr).toContain("need table sizes: give --stats FILE");
  });
});
