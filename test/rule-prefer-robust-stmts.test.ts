import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: prefer-robust-stmts covered only CREATE/DROP INDEX CONCURRENTLY, while Squawk's rule (on by
// default) flags every CREATE, ADD and DROP without IF [NOT] EXISTS outside a transaction. The rule now
// fires on each statement that fails when the migration is run again after it already ran, and only
// there: every case below is run twice on PGlite (PostgreSQL 18.6), outside a transaction as the rule
// assumes, and the rule must fire exactly when the second run fails.

const SETUP = [
  "CREATE TABLE k (id int PRIMARY KEY, a int, b int)",
  "CREATE INDEX ix_k_b ON k (b)",
  "ALTER TABLE k ADD CONSTRAINT k_a_check CHECK (a > 0) NOT VALID",
  "CREATE TYPE mood AS ENUM ('ok')",
];

/** [statement, whether a second run fails]. */
const CASES: [string, boolean][] = [
  ["CREATE TABLE t (a int)", true],
  ["CREATE TABLE IF NOT EXISTS t (a int)", false],
  ["ALTER TABLE k ADD COLUMN c int", true],
  ["ALTER TABLE k ADD COLUMN IF NOT EXISTS c int", false],
  ["ALTER TABLE k DROP COLUMN b", true],
  ["ALTER TABLE k DROP COLUMN IF EXISTS b", false],
  ["ALTER TABLE k DROP COLUMN IF EXISTS a, DROP COLUMN b", true],
  ["CREATE INDEX ix_k_a ON k (a)", true],
  ["CREATE INDEX IF NOT EXISTS ix_k_a ON k (a)", false],
  ["CREATE INDEX CONCURRENTLY ix_k_a ON k (a)", true],
  ["DROP INDEX ix_k_b", true],
  ["DROP INDEX CONCURRENTLY IF EXISTS ix_k_b", false],
  ["DROP TABLE k", true],
  ["DROP TABLE IF EXISTS k", false],
  ["ALTER TABLE k ADD CONSTRAINT k_b_check CHECK (b > 0)", true],
  ["ALTER TABLE k DROP CONSTRAINT k_a_check", true],
  ["ALTER TABLE k DROP CONSTRAINT IF EXISTS k_a_check", false],
  ["ALTER TABLE k RENAME COLUMN a TO a2", true],
  ["ALTER TABLE k RENAME TO k2", true],
  ["CREATE TYPE status AS ENUM ('new')", true],
  ["ALTER TYPE mood ADD VALUE 'sad'", true],
  ["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad'", false],
  ["CREATE VIEW kv AS SELECT id FROM k", true],
  ["CREATE OR REPLACE VIEW kv AS SELECT id FROM k", false],
  ["CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'", true],
  ["CREATE OR REPLACE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'", false],
  ["CREATE SEQUENCE s", true],
  ["CREATE SEQUENCE IF NOT EXISTS s", false],
  // repeatable as they are: Squawk flags some of these, a second run succeeds
  ["ALTER TABLE k VALIDATE CONSTRAINT k_a_check", false],
  ["ALTER TABLE k ALTER COLUMN a SET NOT NULL", false],
  ["ALTER TABLE k ALTER COLUMN a TYPE bigint", false],
  ["ALTER TABLE k ALTER COLUMN a SET DEFAULT 1", false],
  ["ALTER TABLE k ENABLE ROW LEVEL SECURITY", false],
  ["UPDATE k SET a = 1", false],
];

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
});
afterAll(async () => db.close());

/** Runs the statement twice on a fresh schema (autocommit, as outside a transaction): whether the second run fails. */
async function secondRunFails(sql: string, schema: string): Promise<boolean> {
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
  for (const statement of SETUP) await db.exec(statement);
  await db.exec(sql);
  try {
    await db.exec(sql);
    return false;
  } catch {
    return true;
  } finally {
    await db.exec("SET search_path = public");
  }
}

async function findings(sql: string, args: string[] = []): Promise<{ line: number; message: string }[]> {
  const r = await runCli(["--format", "json", "--rules", "prefer-robust-stmts", ...args], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ line: f.line, message: f.message }));
}

describe("prefer-robust-stmts fires where a second run of the migration fails", () => {
  CASES.forEach(([sql, fails], i) => {
    it(`${fails ? "fires on" : "is silent on"} ${sql}`, async () => {
      expect(await secondRunFails(sql, `case${i}`)).toBe(fails);
      const found = await findings(`${sql};\n`);
      expect(found.length).toBe(fails ? 1 : 0);
      if (fails)
        expect(found[0]!.message).toMatch(/^outside a transaction.*: if the migration fails after this statement, running it again fails here because /);
    });
  });
});

describe("prefer-robust-stmts: where the statement runs", () => {
  it("says what the second run hits", async () => {
    expect(await findings("ALTER TABLE k ADD COLUMN c int;\n")).toEqual([
      {
        line: 1,
        message:
          "outside a transaction and without IF NOT EXISTS: if the migration fails after this statement, running it again fails here because column c of k already exists",
      },
    ]);
  });

  it("is silent inside BEGIN ... COMMIT and with --assume-in-transaction: a failure rolls everything back", async () => {
    const sql = "CREATE TABLE t (a int);\nALTER TABLE k ADD COLUMN c int;\nDROP INDEX ix_k_b;\n";
    expect(await findings(`BEGIN;\n${sql}COMMIT;\n`)).toEqual([]);
    expect(await findings(sql, ["--assume-in-transaction"])).toEqual([]);
    expect((await findings(sql)).map((f) => f.line)).toEqual([1, 2, 3]);
  });

  it("fires in alembic's autocommit_block() (between COMMIT and BEGIN), not in the revision's transaction", async () => {
    const sql = [
      "BEGIN;",
      "-- Running upgrade a1 -> b2",
      "ALTER TABLE k ADD COLUMN c int;",
      "COMMIT;",
      "CREATE INDEX CONCURRENTLY ix_k_c ON k (c);",
      "BEGIN;",
      "UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';",
      "COMMIT;",
      "",
    ].join("\n");
    expect((await findings(sql)).map((f) => f.line)).toEqual([5]);
  });

  it("ADD CONSTRAINT after DROP CONSTRAINT IF EXISTS of the same name is repeatable; a second ADD is not", async () => {
    const sql = [
      'ALTER TABLE "app_email" DROP CONSTRAINT IF EXISTS "email_uniq";',
      'ALTER TABLE "app_email" ADD CONSTRAINT "email_uniq" UNIQUE USING INDEX "email_idx";',
      'ALTER TABLE "app_email" ADD CONSTRAINT "email_uniq" UNIQUE USING INDEX "email_idx";',
      "",
    ].join("\n");
    expect((await findings(sql)).map((f) => f.line)).toEqual([3]);
  });

  it("an unnamed CREATE INDEX does not fail a second run: it builds a second index, and says so", async () => {
    const [found] = await findings("CREATE INDEX ON k (a);\n");
    expect(found!.message).toContain("running it again builds a second copy of this unnamed index");
  });
});
