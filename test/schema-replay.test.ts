import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { analyzeText, statementOf } from "./support/analyze-text.js";

/**
 * Schema replay seen from the outside: what a statement locks depends on what the statements before
 * it made (indexes rebuilt with a table, tables behind a foreign key, proofs that skip a scan). Each
 * test changes the schema, then shows the locks of a later statement.
 */

/** The locks of `statement` run after `script`, as `relation: why`. */
async function locksAfter(script: string, statement: string, pgVersion = 17): Promise<string[]> {
  const analysis = await analyzeText(`${script}\n${statement}`, { pgVersion });
  return statementOf(analysis, statement).effects.locks.map((l) => `${l.relation}: ${l.why.join("; ")}`);
}

const REWRITE = "type change rewrites the table and its indexes";

describe("schema replay", () => {
  it("an index created again under its name replaces the old one on its table too (the table's index list does not grow with the history)", async () => {
    // issue 19: a history that re-creates an index (the same revisions repeated, as in the big benchmark file)
    // kept every replaced copy on the table, and each foreign key's index check walked them all
    const recreations = Array.from({ length: 2000 }, (_, i) => `CREATE INDEX ix_t ON t (${i % 2 ? "b" : "a"});`);
    const script = ["CREATE TABLE t (id int PRIMARY KEY, a int, b int);", ...recreations, "CREATE TABLE p (id int PRIMARY KEY);"].join("\n");
    // the last definition counts: ix_t is on b, so a foreign key on a has no index (the copies on a are gone)
    const analysis = await analyzeText(`${script}\nALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES p (id);\n`, {
      pgVersion: 17,
      rules: RULES.filter((r) => r.id === "foreign-key-without-index"),
    });
    expect(analysis.findings.map((f) => [f.rule, f.line])).toEqual([["foreign-key-without-index", 2003]]);
  });

  it("DROP COLUMN drops the indexes and constraints on that column", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int, CONSTRAINT b_positive CHECK (b > 0));\nCREATE INDEX t_b_idx ON t (b);";
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN id TYPE bigint;")).toEqual([
      `t: ${REWRITE}`,
      "t_pkey: rebuilt with the table",
      "t_a_key: rebuilt with the table",
      "t_b_idx: rebuilt with the table",
    ]);
    expect(await locksAfter(`${script}\nALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN b;`, "ALTER TABLE t ALTER COLUMN id TYPE bigint;")).toEqual([
      `t: ${REWRITE}`,
      "t_pkey: rebuilt with the table",
    ]);
  });

  it("DROP COLUMN of a table the script never declared: nothing to drop", async () => {
    expect(await locksAfter("ALTER TABLE legacy DROP COLUMN a;", "ALTER TABLE legacy ALTER COLUMN b TYPE bigint;")).toEqual([`legacy: ${REWRITE}`]);
  });

  it("RENAME COLUMN carries the column's type, its NOT NULL proof and its indexes to the new name", async () => {
    const script =
      "CREATE TABLE t (a varchar(10), b int, CONSTRAINT b_set CHECK (b IS NOT NULL));\nCREATE INDEX t_a_idx ON t (a);\nALTER TABLE t RENAME COLUMN a TO code;\nALTER TABLE t RENAME COLUMN b TO qty;";
    // varchar(10) -> varchar(20) needs no rewrite: the old type is known under the new name
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN code TYPE varchar(20);")).toEqual(["t: type change without rewrite"]);
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN qty SET NOT NULL;")).toEqual([
      "t: SET NOT NULL without a scan: validated CHECK constraint b_set proves it (PostgreSQL 12+)",
    ]);
  });

  it("RENAME COLUMN on a table the script never declared renames what the script added to it", async () => {
    const script = "CREATE INDEX legacy_a_idx ON legacy (a);\nALTER TABLE legacy RENAME COLUMN a TO b;";
    expect(await locksAfter(script, "ALTER TABLE legacy ALTER COLUMN b TYPE bigint;")).toEqual([`legacy: ${REWRITE}`, "legacy_a_idx: rebuilt with the table"]);
  });

  it("dropping a NOT NULL constraint makes its column nullable again; validating one makes it NOT NULL", async () => {
    const dropped = "CREATE TABLE t (a int, CONSTRAINT a_set NOT NULL a);\nALTER TABLE t DROP CONSTRAINT a_set;";
    expect(await locksAfter(dropped, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;")).toEqual(["t: SET NOT NULL scans every row"]);
    const validated = "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_set NOT NULL a NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_set;";
    expect(await locksAfter(validated, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;")).toEqual([
      "t: SET NOT NULL without a scan: the column is already NOT NULL",
    ]);
  });

  it("a dropped primary key leaves its columns NOT NULL", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t DROP CONSTRAINT t_pkey;";
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN id SET NOT NULL;")).toEqual(["t: SET NOT NULL without a scan: the column is already NOT NULL"]);
  });

  it("ADD PRIMARY KEY USING INDEX takes over the index (renamed to the constraint) and its columns become NOT NULL", async () => {
    const script =
      "CREATE TABLE t (id int, a int);\nCREATE UNIQUE INDEX t_id_idx ON t (id);\nALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_id_idx;";
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN id SET NOT NULL;")).toEqual(["t: SET NOT NULL without a scan: the column is already NOT NULL"]);
    expect(await locksAfter(script, "DROP INDEX t_pk;")).toEqual(["t: drops index t_pk", "t_pk: dropped"]);
  });

  it("RENAME of an index follows it, and the constraint that owns it", async () => {
    const script = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));\nALTER INDEX p_pkey RENAME TO p_pk;";
    expect(await locksAfter(script, "DROP INDEX p_pk;")).toEqual(["p: drops index p_pk", "p_pk: dropped"]);
    // the primary key is now called p_pk: dropping it with CASCADE reaches the referencing table
    expect(await locksAfter(script, "ALTER TABLE p DROP CONSTRAINT p_pk CASCADE;")).toEqual(["p: drops constraint p_pk", "c: CASCADE drops its foreign key"]);
  });

  it("RENAME CONSTRAINT renames the index of a primary key or unique constraint too", async () => {
    const script = "CREATE TABLE t (id int, CONSTRAINT t_id_key UNIQUE (id));\nALTER TABLE t RENAME CONSTRAINT t_id_key TO t_id_unique;";
    expect(await locksAfter(script, "DROP INDEX t_id_unique;")).toEqual(["t: drops index t_id_unique", "t_id_unique: dropped"]);
    expect(await locksAfter("ALTER TABLE legacy RENAME CONSTRAINT a TO b;", "DROP INDEX b;")).toEqual([
      "b: dropped; its table (not known from this script) is locked ACCESS EXCLUSIVE too",
    ]);
  });

  it("SET SCHEMA and RENAME TO: the table is found under its new name, with its indexes", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t SET SCHEMA archive;\nALTER TABLE archive.t RENAME TO old_t;";
    expect(await locksAfter(script, "ALTER TABLE archive.old_t ALTER COLUMN id TYPE bigint;")).toEqual([
      `archive.old_t: ${REWRITE}`,
      "t_pkey: rebuilt with the table",
    ]);
  });

  it("an index created without a name gets PostgreSQL's default one", async () => {
    const script = "CREATE TABLE t (a int, b text);\nCREATE INDEX ON t (a, b);\nCREATE INDEX ON t ((lower(b)));";
    expect(await locksAfter(script, "DROP INDEX t_a_b_idx;")).toEqual(["t: drops index t_a_b_idx", "t_a_b_idx: dropped"]);
    expect(await locksAfter(script, "DROP INDEX t_expr_idx;")).toEqual(["t: drops index t_expr_idx", "t_expr_idx: dropped"]);
  });

  it("constraints without a name get PostgreSQL's default names", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY, a int, b int, EXCLUDE USING gist (a WITH =), NOT NULL b);";
    expect(await locksAfter(`${script}\nALTER TABLE t DROP CONSTRAINT t_a_excl;`, "ALTER TABLE t ALTER COLUMN id TYPE bigint;")).toEqual([
      `t: ${REWRITE}`,
      "t_pkey: rebuilt with the table",
    ]);
    expect(await locksAfter(`${script}\nALTER TABLE t DROP CONSTRAINT t_b_not_null;`, "ALTER TABLE t ALTER COLUMN b SET NOT NULL;")).toEqual([
      "t: SET NOT NULL scans every row",
    ]);
  });

  it("CREATE TABLE ... AS files the new table: locking it later in its transaction blocks nobody", async () => {
    const analysis = await analyzeText(
      "BEGIN;\nCREATE TABLE snap AS SELECT 1 AS a;\nCREATE INDEX snap_a ON snap (a);\nCREATE INDEX legacy_a ON legacy (a);\nCOMMIT;",
      { pgVersion: 17 },
    );
    expect(statementOf(analysis, "CREATE INDEX snap_a ON snap (a);").effects.locks[0]).toMatchObject({ relation: "snap", newInTransaction: true });
    expect(statementOf(analysis, "CREATE INDEX legacy_a ON legacy (a);").effects.locks[0]).toMatchObject({ relation: "legacy", newInTransaction: false });
  });

  it("IF NOT EXISTS on what exists keeps it: the table with its indexes, the column with its type", async () => {
    const script =
      "CREATE TABLE t (id int, a varchar(10));\nCREATE INDEX t_a_idx ON t (a);\nCOMMIT;\nCREATE TABLE IF NOT EXISTS t (id int);\nALTER TABLE t ADD COLUMN IF NOT EXISTS a text;\nCREATE INDEX IF NOT EXISTS t_a_idx ON t (id);";
    // still varchar(10) with its index on a: growing the limit rewrites nothing, and the index on a is not rebuilt
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN a TYPE varchar(20);")).toEqual(["t: type change without rewrite"]);
    expect(await locksAfter(script, 'ALTER TABLE t ALTER COLUMN a TYPE varchar(20) COLLATE "C";')).toEqual([
      "t: type change without rewrite; COLLATE rebuilds t_a_idx",
      "t_a_idx: rebuilt for COLLATE",
    ]);
    // and the statements themselves: no lock for the table, ACCESS EXCLUSIVE for the column, SHARE for the index (nothing built)
    const analysis = await analyzeText(script, { pgVersion: 15 });
    const shown = (sql: string) => statementOf(analysis, sql).effects.locks.map((l) => `${l.relation}: ${l.mode}${l.scan ? " scan" : ""}`);
    expect(shown("CREATE TABLE IF NOT EXISTS t (id int);")).toEqual([]);
    expect(shown("ALTER TABLE t ADD COLUMN IF NOT EXISTS a text;")).toEqual(["t: ACCESS EXCLUSIVE"]);
    expect(shown("CREATE INDEX IF NOT EXISTS t_a_idx ON t (id);")).toEqual(["t: SHARE"]);
  });

  it("CREATE TABLE of a name already filed replaces the old table", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY);\nCREATE TABLE t (id int);";
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN id TYPE bigint;")).toEqual([`t: ${REWRITE}`]);
  });

  it("DROP TABLE ... CASCADE removes the foreign keys that referenced it", async () => {
    const script = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));";
    expect(await locksAfter(script, "DROP TABLE c;")).toEqual(["c: dropped", "p: its foreign key c_p_id_fkey is removed from this table"]);
    expect(await locksAfter(`${script}\nDROP TABLE p CASCADE;`, "DROP TABLE c;")).toEqual(["c: dropped"]);
  });

  it("dropping a table's last foreign key to another table: TRUNCATE ... CASCADE of that one no longer reaches it", async () => {
    const script = "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, a int REFERENCES p (id), b int REFERENCES p (id));";
    const truncate = "p: TRUNCATE replaces the table's files";
    expect(await locksAfter(`${script}\nALTER TABLE c DROP CONSTRAINT c_a_fkey;`, "TRUNCATE p CASCADE;")).toEqual([truncate, "c: TRUNCATE CASCADE"]);
    expect(await locksAfter(`${script}\nALTER TABLE c DROP CONSTRAINT c_a_fkey;\nALTER TABLE c DROP CONSTRAINT c_b_fkey;`, "TRUNCATE p CASCADE;")).toEqual([
      truncate,
    ]);
  });

  it("a domain's new constraint checks the columns of that domain, schema-qualified or not", async () => {
    const script = "CREATE DOMAIN app.positive AS int;\nCREATE TABLE a (n app.positive);\nCREATE TABLE b (n positive);\nCREATE TABLE c (n int);";
    const qualified = await locksAfter(script, "ALTER DOMAIN app.positive ADD CONSTRAINT above_zero CHECK (VALUE > 0);");
    expect(qualified.filter((l) => l.includes("columns"))).toEqual(["a: checks its app.positive columns"]);
    const bare = await locksAfter(script, "ALTER DOMAIN positive ADD CONSTRAINT above_zero CHECK (VALUE > 0);");
    expect(bare.filter((l) => l.includes("columns"))).toEqual(["a: checks its positive columns", "b: checks its positive columns"]);
  });

  it("a rolled-back transaction leaves the schema as it was before it", async () => {
    const script = "CREATE TABLE t (id int PRIMARY KEY);\nBEGIN;\nCREATE INDEX t_extra ON t (id);\nROLLBACK;";
    expect(await locksAfter(script, "ALTER TABLE t ALTER COLUMN id TYPE bigint;")).toEqual([`t: ${REWRITE}`, "t_pkey: rebuilt with the table"]);
  });
});
