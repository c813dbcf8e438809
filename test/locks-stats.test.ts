import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport, locksReport } from "./support/json-report.js";

/**
 * Issue 18: `locks --stats FILE --format json` gave each statement's lock only
 * `{"qualitative": "proportional to table size"}` for a table created by an earlier revision, while
 * lint on the same input said `held 1.9 s - 7.6 s`. The statement's locks now carry lint's estimate.
 */

const dir = mkdtempSync(join(tmpdir(), "locklint-locks-stats-"));
const stats = join(dir, "stats.json");
writeFileSync(
  stats,
  JSON.stringify({
    format: "locklint-stats",
    version: 1,
    collectedAt: "2026-11-26T00:00:00.000Z",
    server: { version: "15.18", versionNum: 150018 },
    source: "postgres://app:***@db/app",
    tables: [
      {
        schema: "public",
        name: "orders",
        kind: "table",
        reltuples: 2e6,
        liveTuples: 2e6,
        heapBytes: 0.4 * 1024 ** 3,
        toastBytes: 0,
        totalBytes: 0.6 * 1024 ** 3,
        indexes: [],
      },
    ],
  }),
);

// 0001 creates the table, 0002 (its own transaction) rewrites it, then one more statement runs under the lock
const sql = join(dir, "history.sql");
writeFileSync(
  sql,
  [
    "BEGIN;",
    "-- Running upgrade  -> 0001",
    "CREATE TABLE orders (id bigint PRIMARY KEY, total int);",
    "COMMIT;",
    "BEGIN;",
    "-- Running upgrade 0001 -> 0002",
    "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
    "ALTER TABLE orders ADD COLUMN note text;",
    "COMMIT;",
    "",
  ].join("\n"),
);

const REWRITE = { lowMs: 1900, highMs: 7600, basis: "rewrite 614 MB", laterStatements: 1 };

describe("locks --stats: the hold-time estimate of each statement's locks", () => {
  it("lint's estimate for the rewrite of a table an earlier revision created", async () => {
    const lint = lintReport((await runCli(["--format", "json", "--stats", stats, sql])).stdout);
    const finding = lint.findings.find((f) => f.rule === "changing-column-type");
    expect(finding?.locks.find((l) => l.relation === "orders")?.estimate).toEqual(REWRITE);
  });

  it("JSON: the same numbers on the statement, not `proportional to table size`", async () => {
    const out = locksReport((await runCli(["locks", "--format", "json", "--stats", stats, sql])).stdout);
    const rewrite = out.statements.find((s) => s.line === 7)!;
    expect(rewrite.locks.find((l) => l.relation === "orders")?.estimate).toEqual(REWRITE);
    // the table is new in 0001: locking it blocks nobody, no time to estimate
    expect(out.statements.find((s) => s.line === 3)!.locks[0]!.estimate).toEqual({ qualitative: "instant" });
    // the lock the next statement takes again is held from there to COMMIT
    expect(out.statements.find((s) => s.line === 8)!.locks.find((l) => l.relation === "orders")?.estimate).toEqual({
      lowMs: 0,
      highMs: 0,
      basis: null,
      laterStatements: 0,
    });
    // and it agrees with the transaction's timeline
    expect(out.transactions[1]!.locks.find((l) => l.relation === "orders")?.estimate).toEqual(REWRITE);
  });

  it("text: an ESTIMATE column on the statement's row", async () => {
    const text = (await runCli(["locks", "--stats", stats, sql])).stdout;
    const row = text.split("\n").find((l) => l.startsWith("7 "));
    expect(row).toMatch(/orders\s+ACCESS EXCLUSIVE\s+reads, writes, ddl\s+rewrite\s+1\.9 s - 7\.6 s \(rewrite 614 MB, then 1 more statement\)$/);
  });

  it("without statistics, no ESTIMATE column and estimates in words", async () => {
    const text = (await runCli(["locks", sql])).stdout;
    expect(text).not.toMatch(/ESTIMATE/);
    const out = locksReport((await runCli(["locks", "--format", "json", sql])).stdout);
    expect(out.statements.find((s) => s.line === 7)!.locks[0]!.estimate).toEqual({ qualitative: "proportional to table size" });
  });
});
