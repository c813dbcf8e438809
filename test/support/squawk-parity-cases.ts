// Statements whose PostgreSQL behaviour two rules rest on, shared by the rules' fast tests (what
// locklint reports) and test/integration/rerun-and-duplicates-pglite.test.ts (what PostgreSQL does).

/** The schema the prefer-robust-stmts cases run against. */
export const RERUN_SETUP = [
  "CREATE TABLE k (id int PRIMARY KEY, a int, b int)",
  "CREATE INDEX ix_k_b ON k (b)",
  "ALTER TABLE k ADD CONSTRAINT k_a_check CHECK (a > 0) NOT VALID",
  "CREATE TYPE mood AS ENUM ('ok')",
];

/** [statement, whether running it a second time, outside a transaction, fails]. */
export const RERUN_CASES: [string, boolean][] = [
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

/** A column name of 63 bytes: PostgreSQL cuts longer names to it. */
export const LONG_NAME = "a".repeat(63);

/** The schema the ban-duplicate-column-assignments cases run against. */
export const DUPLICATE_SETUP = [
  "CREATE TYPE rec AS (x int, y int)",
  "CREATE TABLE k (id int PRIMARY KEY, a int, b int, r rec, arr int[])",
  "CREATE TABLE j (id int, a int)",
  `CREATE TABLE wide (${LONG_NAME} int)`,
];

/** Statements PostgreSQL rejects for naming a column twice. */
export const DUPLICATE_REJECTED = [
  "UPDATE k SET a = 1, a = 2",
  "UPDATE k SET (a, b) = (1, 2), a = 3",
  "UPDATE k SET r = row(1, 2), r.x = 1",
  "UPDATE k SET a = 1, A = 2",
  `UPDATE wide SET ${LONG_NAME}x = 1, ${LONG_NAME}y = 2`,
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
export const DUPLICATE_ACCEPTED = [
  "UPDATE k SET a = 1, b = 2",
  "UPDATE k SET r.x = 1, r.y = 2",
  "UPDATE k SET arr[1] = 1, arr[2] = 2",
  "INSERT INTO k (id, a, b) VALUES (1, 2, 3)",
  "CREATE VIEW v4 (a, b) AS SELECT 1 AS a, 2 AS a",
  "CREATE VIEW v5 AS SELECT a, b FROM k",
  "SELECT 1 AS a, 2 AS b INTO z3",
  "SELECT 1, 2",
];
