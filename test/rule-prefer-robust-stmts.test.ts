import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";
import { RERUN_CASES } from "./support/squawk-parity-cases.js";

// issue 18: prefer-robust-stmts covered only CREATE/DROP INDEX CONCURRENTLY, while Squawk's rule (on by
// default) flags every CREATE, ADD and DROP without IF [NOT] EXISTS outside a transaction. The rule now
// fires on each statement that fails when the migration is run again after it already ran, and only
// there: RERUN_CASES says which ones do, as test/integration/rerun-and-duplicates-pglite.test.ts shows
// by running each twice on PGlite (PostgreSQL 18.6).

async function findings(sql: string, args: string[] = []): Promise<{ line: number; message: string }[]> {
  const r = await runCli(["--format", "json", "--rules", "prefer-robust-stmts", ...args], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ line: f.line, message: f.message }));
}

describe("prefer-robust-stmts fires where a second run of the migration fails", () => {
  for (const [sql, fails] of RERUN_CASES) {
    it(`${fails ? "fires on" : "is silent on"} ${sql}`, async () => {
      const found = await findings(`${sql};\n`);
      expect(found.length).toBe(fails ? 1 : 0);
      if (fails)
        expect(found[0]!.message).toMatch(/^outside a transaction.*: if the migration fails after this statement, running it again fails here because /);
    });
  }
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

  it("an unnamed CREATE INDEX or CHECK does not fail a second run: it adds a second copy, and says so", async () => {
    const [index] = await findings("CREATE INDEX ON k (a);\n");
    expect(index!.message).toContain("running it again builds a second copy of this unnamed index");
    const [check] = await findings("ALTER TABLE k ADD CHECK (b > 0);\n");
    expect(check!.message).toContain("running it again adds a second copy of this unnamed constraint");
  });

  it("ADD CONSTRAINT has no IF NOT EXISTS: the help says to drop it IF EXISTS first", async () => {
    const r = await runCli(["--format", "json", "--rules", "prefer-robust-stmts"], "ALTER TABLE k ADD CONSTRAINT k_b_check CHECK (b > 0);\n");
    const [found] = lintReport(r.stdout).findings;
    expect(found!.message).toMatch(/^outside a transaction: .* constraint k_b_check of k already exists$/);
    expect(found!.help).toContain("DROP CONSTRAINT IF EXISTS just before it");
  });
});
