import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUPLICATE_ACCEPTED, DUPLICATE_REJECTED, DUPLICATE_SETUP, RERUN_CASES, RERUN_SETUP } from "../support/squawk-parity-cases.js";

// The PostgreSQL behaviour two rules rest on (issue 18), on PGlite (PostgreSQL 18.6). The rules' fast
// tests (test/rule-prefer-robust-stmts.test.ts, test/rule-ban-duplicate-column-assignments.test.ts)
// check that locklint fires exactly on the statements these tests show PostgreSQL failing.

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 120_000);
afterAll(async () => db.close());

describe("prefer-robust-stmts: which statements fail when run a second time outside a transaction", () => {
  RERUN_CASES.forEach(([sql, fails], i) => {
    it(`${sql}: a second run ${fails ? "fails" : "succeeds"}`, async () => {
      // a fresh schema per case, statements in autocommit as outside a transaction block
      await db.exec(`CREATE SCHEMA rerun${i}; SET search_path = rerun${i}`);
      for (const statement of RERUN_SETUP) await db.exec(statement);
      await db.exec(sql);
      const second = await db.exec(sql).then(
        () => null,
        (error: unknown) => String(error),
      );
      await db.exec("SET search_path = public");
      expect(second !== null, second ?? "second run succeeded").toBe(fails);
    });
  });
});

describe("prefer-robust-stmts: an unnamed index or constraint run twice is added twice", () => {
  it("CREATE INDEX ON and ADD CHECK without a name succeed again, under a new name", async () => {
    await db.exec("CREATE SCHEMA unnamed; SET search_path = unnamed; CREATE TABLE k (a int, b int)");
    for (let run = 0; run < 2; run++) await db.exec("CREATE INDEX ON k (a); ALTER TABLE k ADD CHECK (b > 0)");
    const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await count("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'unnamed' AND tablename = 'k'")).toBe(2);
    expect(await count("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'unnamed.k'::regclass AND contype = 'c'")).toBe(2);
    await db.exec("SET search_path = public");
  });
});

describe("ban-duplicate-column-assignments: which statements PostgreSQL rejects", () => {
  beforeAll(async () => {
    await db.exec("CREATE SCHEMA dup; SET search_path = dup");
    for (const statement of DUPLICATE_SETUP) await db.exec(statement);
  });

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

  for (const sql of DUPLICATE_REJECTED) {
    it(`rejects ${sql.slice(0, 90)}`, async () => {
      expect(await postgresError(sql)).toMatch(/multiple assignments to same column|specified more than once/);
    });
  }
  for (const sql of DUPLICATE_ACCEPTED) {
    it(`accepts ${sql}`, async () => {
      expect(await postgresError(sql)).toBeNull();
    });
  }
});
