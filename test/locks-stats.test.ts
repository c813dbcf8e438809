import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDuration } from "../src/cost/estimate.js";
import { runCli } from "./support/cli.js";
import { statsFile } from "./support/stats-file.js";
import { type JsonEstimate, type JsonStatement, lintReport, locksReport } from "./support/json-report.js";

/**
 * Issue 18: `locks --stats FILE --format json` gave each statement's lock only
 * `{"qualitative": "proportional to table size"}` for a table created by an earlier revision, while
 * lint on the same input gave a range in milliseconds. The statement's locks now carry numbers, the
 * same as lint's and the transaction timeline's (one formula, src/cost/hold.ts); the text shows them.
 * How close they come to a real server: test/integration/hold-times.test.ts.
 */

const dir = mkdtempSync(join(tmpdir(), "locklint-locks-stats-"));
const GB = 1024 ** 3;

const STATS = statsFile([
  { name: "orders", heapBytes: 0.4 * GB, totalBytes: 0.6 * GB, rows: 2e6 },
  { name: "customers", heapBytes: 0.01 * GB, totalBytes: 0.02 * GB, rows: 1e5 },
]);
const TWICE = statsFile([
  { name: "orders", heapBytes: 0.8 * GB, totalBytes: 1.2 * GB, rows: 4e6 },
  { name: "customers", heapBytes: 0.01 * GB, totalBytes: 0.02 * GB, rows: 1e5 },
]);

// 0001 creates the tables, 0002 (its own transaction) rewrites orders, then one more statement runs under the lock;
// 0003 adds a foreign key from orders to customers
const sql = join(dir, "history.sql");
writeFileSync(
  sql,
  [
    "BEGIN;",
    "-- Running upgrade  -> 0001",
    "CREATE TABLE customers (id bigint PRIMARY KEY);",
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int);",
    "COMMIT;",
    "BEGIN;",
    "-- Running upgrade 0001 -> 0002",
    "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
    "ALTER TABLE orders ADD COLUMN note text;",
    "COMMIT;",
    "BEGIN;",
    "-- Running upgrade 0002 -> 0003",
    "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
    "COMMIT;",
    "",
  ].join("\n"),
);
const REWRITE_LINE = 8;
const FK_LINE = 13;

const locksJson = async (stats: string) => locksReport((await runCli(["locks", "--format", "json", "--stats", stats, sql])).stdout);
const estimateOf = (statements: JsonStatement[], line: number, relation: string): JsonEstimate | undefined =>
  statements.find((s) => s.line === line)?.locks.find((l) => l.relation === relation)?.estimate;

describe("locks --stats: the hold-time estimate of each statement's locks", () => {
  it("JSON: milliseconds (a range) on the lock of a table an earlier revision created, not `proportional to table size`", async () => {
    const out = await locksJson(STATS);
    const rewrite = estimateOf(out.statements, REWRITE_LINE, "orders")!;
    expect(rewrite).toMatchObject({ basis: "rewrite 614 MB", laterStatements: 1 });
    expect(rewrite.lowMs).toBeGreaterThan(0);
    expect(rewrite.highMs).toBeGreaterThan(rewrite.lowMs!);
    // the table is new in 0001: locking it blocks nobody, no time to estimate
    expect(out.statements.find((s) => s.line === 4)!.locks[0]!.estimate).toEqual({ qualitative: "instant" });
    // the lock the next statement takes again is held from there to COMMIT, and it does no work itself
    expect(estimateOf(out.statements, REWRITE_LINE + 1, "orders")).toEqual({ lowMs: 0, highMs: 0, basis: null, laterStatements: 0 });
  });

  it("the estimate grows with the table: twice the bytes, twice the time", async () => {
    const once = estimateOf((await locksJson(STATS)).statements, REWRITE_LINE, "orders")!;
    const twice = estimateOf((await locksJson(TWICE)).statements, REWRITE_LINE, "orders")!;
    expect(twice.highMs! / once.highMs!).toBeCloseTo(2, 2);
    expect(twice.basis).toBe("rewrite 1.2 GB");
  });

  it("the same numbers as lint's finding and the transaction's timeline", async () => {
    const out = await locksJson(STATS);
    const lint = lintReport((await runCli(["--format", "json", "--stats", STATS, sql])).stdout);
    const finding = lint.findings.find((f) => f.rule === "changing-column-type");
    expect(finding?.locks.find((l) => l.relation === "orders")?.estimate).toEqual(estimateOf(out.statements, REWRITE_LINE, "orders"));
    expect(out.transactions[1]!.locks.find((l) => l.relation === "orders")?.estimate).toEqual(estimateOf(out.statements, REWRITE_LINE, "orders"));
  });

  it("every lock of a statement is held for all of its work: the index of a rewritten table, both tables of a foreign key", async () => {
    const out = await locksJson(STATS);
    const table = estimateOf(out.statements, REWRITE_LINE, "orders")!;
    // the primary key is rebuilt with the table, locked all along (it was `instant`)
    expect(estimateOf(out.statements, REWRITE_LINE, "orders_pkey")).toEqual({ ...table, basis: "orders: rewrite 614 MB" });
    const referencing = estimateOf(out.statements, FK_LINE, "orders")!;
    const referenced = estimateOf(out.statements, FK_LINE, "customers")!;
    expect(referencing.basis).toBe("foreign-key check over 410 MB");
    expect(referenced.basis).toBe("scan 10 MB");
    expect(referenced.highMs).toBe(referencing.highMs);
    expect(referencing.highMs).toBeGreaterThan(0);
  });

  it("each revision in its own transaction: its timeline names that revision alone (alembic prints BEGIN before `-- Running upgrade`)", async () => {
    const out = await locksJson(STATS);
    expect(out.transactions.map((t) => t.revisions)).toEqual([["0001"], ["0002"], ["0003"]]);
    const text = (await runCli(["locks", "--stats", STATS, sql])).stdout;
    expect(text).toMatch(/^Transaction 2, lines 6-10, revision 0002: locks held until it ends$/m);
  });

  it("text: an ESTIMATE column on the statement's row, the JSON's range", async () => {
    const estimate = estimateOf((await locksJson(STATS)).statements, REWRITE_LINE, "orders")!;
    const range = `${formatDuration(estimate.lowMs!)} - ${formatDuration(estimate.highMs!)}`;
    expect(range).toMatch(/^\d+(\.\d)? (ms|s|min) - \d+(\.\d)? (ms|s|min)$/);
    const text = (await runCli(["locks", "--stats", STATS, sql])).stdout;
    expect(text).toMatch(/^LINE .* ESTIMATE$/m);
    const row = text.split("\n").find((l) => l.startsWith(`${REWRITE_LINE} `));
    expect(row).toMatch(/orders\s+ACCESS EXCLUSIVE\s+reads, writes, ddl\s+rewrite\s+(.*)$/);
    expect(row!.endsWith(`${range} (rewrite 614 MB, then 1 more statement)`)).toBe(true);
  });

  it("without statistics, no ESTIMATE column and estimates in words", async () => {
    const text = (await runCli(["locks", sql])).stdout;
    expect(text).not.toMatch(/ESTIMATE/);
    const out = locksReport((await runCli(["locks", "--format", "json", sql])).stdout);
    expect(estimateOf(out.statements, REWRITE_LINE, "orders")).toEqual({ qualitative: "proportional to table size" });
  });
});
