import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

// issue 18: the renaming-column advice printed `<type>` for the new column although the history had
// declared it; and wrote reserved names unquoted (`ALTER TABLE user ...`, which PostgreSQL rejects).
// It also fired on columns added earlier in the same revision (4 of the 8 sampled findings replayed on
// PostgreSQL 15 by test/accuracy: full-stack-fastapi-template's id swap, prefect's json_value).

async function help(sql: string): Promise<{ sql?: string; alembic?: string }[]> {
  const r = await runCli(["--format", "json", "--rules", "renaming-column"], sql);
  expect(r.stderr).toBe("");
  return lintReport(r.stdout).findings.map((f) => ({ sql: f.suggestion?.sql, alembic: f.suggestion?.alembic }));
}

describe("renaming-column advice adds the new column with the old one's type", () => {
  it('"user".new_id (UUID, added by an earlier revision, so deployed code may use it) renamed to id', async () => {
    const sql = [
      "-- Running upgrade  -> e2412789c190",
      'CREATE TABLE "user" (email VARCHAR NOT NULL, id SERIAL NOT NULL, PRIMARY KEY (id));',
      "-- Running upgrade e2412789c190 -> 9c0a54914c78",
      'ALTER TABLE "user" ADD COLUMN new_id UUID;',
      "-- Running upgrade 9c0a54914c78 -> d98dd8ec85a3",
      'ALTER TABLE "user" DROP COLUMN id;',
      'ALTER TABLE "user" RENAME new_id TO id;',
      "",
    ].join("\n");
    expect(await help(sql)).toEqual([
      {
        sql: 'ALTER TABLE "user" ADD COLUMN id uuid;\n-- backfill: UPDATE "user" SET id = new_id (in batches)',
        alembic: 'op.add_column("user", sa.Column("id", sa.Uuid(), nullable=True))\n# later revision: op.drop_column("user", "new_id")',
      },
    ]);
  });

  it("a type SQLAlchemy has no plain name for is added with op.execute; an unknown one is named as such", async () => {
    const sql = [
      "-- Running upgrade  -> a1",
      "CREATE TABLE booking (during tstzrange);",
      "-- Running upgrade a1 -> a2",
      'ALTER TABLE booking RENAME during TO "window";',
      "ALTER TABLE legacy RENAME code TO ref;",
      "",
    ].join("\n");
    expect(await help(sql)).toEqual([
      {
        sql: 'ALTER TABLE booking ADD COLUMN "window" tstzrange;\n-- backfill: UPDATE booking SET "window" = during (in batches)',
        alembic: 'op.execute("ALTER TABLE booking ADD COLUMN \\"window\\" tstzrange")\n# later revision: op.drop_column("booking", "during")',
      },
      {
        sql: "ALTER TABLE legacy ADD COLUMN ref <type of code>;\n-- backfill: UPDATE legacy SET ref = code (in batches)",
        alembic: 'op.add_column("legacy", sa.Column("ref", <type of code>, nullable=True))\n# later revision: op.drop_column("legacy", "code")',
      },
    ]);
  });

  it("full-stack-fastapi-template: the new id column is added and renamed in the same revision: nothing running knows it, no finding", async () => {
    // alembic's output, one transaction for the run (its default env.py on PostgreSQL)
    const sql = [
      "BEGIN;",
      "-- Running upgrade  -> e2412789c190",
      'CREATE TABLE "user" (email VARCHAR NOT NULL, id SERIAL NOT NULL, PRIMARY KEY (id));',
      "-- Running upgrade e2412789c190 -> d98dd8ec85a3",
      'ALTER TABLE "user" ADD COLUMN new_id UUID;',
      'ALTER TABLE "user" DROP COLUMN id;',
      'ALTER TABLE "user" RENAME new_id TO id;',
      "-- Running upgrade d98dd8ec85a3 -> 1a31ce608336",
      'ALTER TABLE "user" RENAME id TO ident;',
      "COMMIT;",
      "",
    ].join("\n");
    // the later revision's rename of the swapped-in column is reported: the code deployed by then uses it
    expect((await help(sql)).map((h) => h.sql)).toEqual(['ALTER TABLE "user" ADD COLUMN ident uuid;\n-- backfill: UPDATE "user" SET ident = id (in batches)']);
  });
});
