import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: Squawk's require-statement-timeout (on by default there) fires before the first slow
// statement; locklint's (off by default) fired only where a lock blocks writes, so an index build,
// REINDEX CONCURRENTLY, VALIDATE CONSTRAINT or VACUUM held SHARE UPDATE EXCLUSIVE for as long as it ran
// without a word. It now fires at the first lock of SHARE UPDATE EXCLUSIVE or stronger on an existing
// relation, and never for queries and DML.

async function findings(sql: string, rules = "require-statement-timeout"): Promise<{ line: number; message: string }[]> {
  const r = await runCli(["--format", "json", "--rules", rules], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ line: f.line, message: f.message }));
}

describe("require-statement-timeout", () => {
  it("fires at a SHARE UPDATE EXCLUSIVE lock held while the statement works: it stops VACUUM and schema changes", async () => {
    for (const sql of [
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_total ON orders (total);",
      "REINDEX TABLE CONCURRENTLY orders;",
      "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;",
      "VACUUM orders;",
    ]) {
      const [found, ...rest] = await findings(`${sql}\n`);
      expect(rest).toEqual([]);
      expect(found!.message).toBe(
        "SHARE UPDATE EXCLUSIVE on existing table orders with no statement_timeout: however long this statement runs, VACUUM and schema changes on orders wait",
      );
    }
  });

  it("names what a stronger lock stops", async () => {
    expect(await findings("CREATE INDEX ix_orders_total ON orders (total);\n")).toEqual([
      {
        line: 1,
        message: "SHARE on existing table orders with no statement_timeout: however long this statement runs, writes and schema changes on orders wait",
      },
    ]);
    expect((await findings("ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n"))[0]!.message).toContain("reads, writes and schema changes on orders wait");
  });

  it("is silent for queries and DML, for tables the revision creates, and after SET statement_timeout", async () => {
    expect(await findings("UPDATE orders SET total = 0 WHERE id = 1;\nINSERT INTO orders (id) VALUES (2);\nSELECT count(*) FROM orders;\n")).toEqual([]);
    expect(await findings("BEGIN;\nCREATE TABLE t (a int);\nCREATE INDEX ix_t_a ON t (a);\nCOMMIT;\n")).toEqual([]);
    expect(await findings("SET statement_timeout = '5min';\nVACUUM orders;\n")).toEqual([]);
  });

  it("counts statement_timeout = 0 as none, and reports once per revision", async () => {
    expect((await findings("SET statement_timeout = 0;\nVACUUM orders;\n")).map((f) => f.line)).toEqual([2]);
    const history = [
      "BEGIN;",
      "-- Running upgrade  -> a1",
      "CREATE INDEX ix_orders_total ON orders (total);",
      "ALTER TABLE orders ADD COLUMN note text;",
      "-- Running upgrade a1 -> b2",
      "VACUUM orders;",
      "COMMIT;",
      "",
    ].join("\n");
    expect((await findings(history)).map((f) => f.line)).toEqual([3, 6]);
  });

  it("is off by default", async () => {
    expect((await findings("VACUUM orders;\n", "default")).filter((f) => f.message.includes("statement_timeout"))).toEqual([]);
  });
});
