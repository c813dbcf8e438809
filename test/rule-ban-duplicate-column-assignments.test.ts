import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: Squawk's ban-duplicate-column-assignments also covers INSERT and MERGE column lists, ON
// CONFLICT DO UPDATE, CREATE TABLE, views and SELECT INTO; locklint read only UPDATE. Every statement
// below is run on PGlite (PostgreSQL 18.6) too: the rule fires exactly where PostgreSQL rejects it.

const LONG = "a".repeat(63);

const SCHEMA = [
  "CREATE TYPE rec AS (x int, y int)",
  "CREATE TABLE k (id int PRIMARY KEY, a int, b int, r rec, arr int[])",
  "CREATE TABLE j (id int, a int)",
  `CREATE TABLE wide (${LONG} int)`,
];

/** Statements PostgreSQL rejects for naming a column twice. */
const REJECTED = [
  "UPDATE k SET a = 1, a = 2",
  "UPDATE k SET (a, b) = (1, 2), a = 3",
  "UPDATE k SET r = row(1, 2), r.x = 1",
  "UPDATE k SET a = 1, A = 2",
  `UPDATE wide SET ${LONG}x = 1, ${LONG}y = 2`,
  "INSERT INTO k (id, a, a) VALUES (1, 2, 3)",
  "INSERT INTO k (id, a) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET a = 1, a = 2",
  "MERGE INTO k USING j ON k.id = j.id WHEN MATCHED THEN UPDATE SET a = 1, a = 2",
  "MERGE INTO k USING j ON k.id = j.id WHEN NOT MATCHED THEN INSERT (id, a, a) VALUES (j.id, 1, 2)",
  "CREATE TABLE t2 (a int, a text)",
  "CREATE VIEW v1 (a, a) AS SELECT 1, 2",
  "CREATE VIEW v2 AS SELECT 1, 2",
  "CREATE VIEW v3 AS SELECT a, b AS a FROM k",
  "SELECT 1 AS a, 2 AS a INTO z1",
  "CREATE TABLE z2 AS SELECT 1 AS a, 2 AS a",
];

/** Look-alikes PostgreSQL accepts. */
const ACCEPTED = [
  "UPDATE k SET a = 1, b = 2",
  "UPDATE k SET r.x = 1, r.y = 2",
  "UPDATE k SET arr[1] = 1, arr[2] = 2",
  "INSERT INTO k (id, a, b) VALUES (1, 2, 3)",
  "CREATE VIEW v4 (a, b) AS SELECT 1 AS a, 2 AS a",
  "CREATE VIEW v5 AS SELECT a, b FROM k",
  "SELECT 1 AS a, 2 AS b INTO z3",
  "SELECT 1, 2",
];

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  for (const statement of SCHEMA) await db.exec(statement);
});
afterAll(async () => db.close());

/** PostgreSQL's error for the statement, or null when it runs (rolled back either way). */
async function postgresError(sql: string): Promise<string | null> {
  await db.exec("BEGIN");
  try {
    await db.exec(sql);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await db.exec("ROLLBACK");
  }
}

async function findings(sql: string): Promise<string[]> {
  const r = await runCli(["--format", "json", "--rules", "ban-duplicate-column-assignments"], `${sql};\n`);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => f.message);
}

describe("ban-duplicate-column-assignments fires where PostgreSQL rejects the statement", () => {
  for (const sql of REJECTED) {
    it(`rejects ${sql.slice(0, 90)}`, async () => {
      expect(await postgresError(sql)).toMatch(/multiple assignments to same column|specified more than once/);
      const messages = await findings(sql);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/more than once: PostgreSQL rejects the statement/);
    });
  }
  for (const sql of ACCEPTED) {
    it(`accepts ${sql}`, async () => {
      expect(await postgresError(sql)).toBeNull();
      expect(await findings(sql)).toEqual([]);
    });
  }

  it("names the repeated column, cut to 63 bytes as PostgreSQL compares it", async () => {
    expect(await findings("INSERT INTO k (id, a, a) VALUES (1, 2, 3)")).toEqual([
      "assigns a more than once: PostgreSQL rejects the statement (multiple assignments to same column)",
    ]);
    expect(await findings("CREATE VIEW v2 AS SELECT 1, 2")).toEqual([
      "names column ?column? more than once: PostgreSQL rejects the statement (column specified more than once)",
    ]);
    expect((await findings(`UPDATE wide SET ${LONG}x = 1, ${LONG}y = 2`))[0]).toContain(`assigns ${LONG} more than once`);
  });
});
