import { describe, expect, it } from "vitest";
import { analyzeText, statementOf } from "./support/analyze-text.js";

/**
 * ADD COLUMN ... DEFAULT: since PostgreSQL 11 a default that is not volatile is evaluated once and
 * stored in the catalog; a volatile one (or one locklint cannot classify) rewrites the table.
 */

/** For each statement: whether its lock on t rewrites the table, and why. */
async function rewrites(statements: readonly string[]): Promise<string[]> {
  const analysis = await analyzeText(statements.join("\n"), { pgVersion: 17 });
  return statements.map((sql) => {
    const lock = statementOf(analysis, sql).effects.locks.find((l) => l.relation === "t");
    return lock?.rewrite ? `rewrite: ${lock.why.join("; ")}` : "no rewrite";
  });
}

describe("the volatility of a new column's default", () => {
  it("constants, immutable and stable functions and SQL value functions: no rewrite", async () => {
    expect(
      await rewrites([
        "ALTER TABLE t ADD COLUMN a text DEFAULT 'x';",
        "ALTER TABLE t ADD COLUMN b text DEFAULT lower('X');",
        "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();",
        "ALTER TABLE t ADD COLUMN d timestamptz DEFAULT pg_catalog.now();",
        "ALTER TABLE t ADD COLUMN e timestamptz DEFAULT CURRENT_TIMESTAMP;",
        "ALTER TABLE t ADD COLUMN f text DEFAULT upper(to_char(now(), 'YYYY'));",
      ]),
    ).toEqual(Array(6).fill("no rewrite"));
  });

  it("a volatile function anywhere in it rewrites, named", async () => {
    expect(
      await rewrites([
        "ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE t ADD COLUMN b int DEFAULT abs(random()::int);",
        "ALTER TABLE t ADD COLUMN c bigint DEFAULT pg_catalog.nextval('t_seq');",
      ]),
    ).toEqual([
      "rewrite: volatile default gen_random_uuid() is evaluated for every row",
      "rewrite: volatile default random() is evaluated for every row",
      "rewrite: volatile default nextval() is evaluated for every row",
    ]);
  });

  it("a function locklint does not know, or one of the same name in another schema: taken as a rewrite, named as written", async () => {
    expect(
      await rewrites([
        "ALTER TABLE t ADD COLUMN a uuid DEFAULT app.new_id();",
        "ALTER TABLE t ADD COLUMN b uuid DEFAULT app.random();",
        "ALTER TABLE t ADD COLUMN c int DEFAULT my_counter();",
      ]),
    ).toEqual([
      "rewrite: the default calls app.new_id(), whose volatility is unknown",
      "rewrite: the default calls app.random(), whose volatility is unknown",
      "rewrite: the default calls my_counter(), whose volatility is unknown",
    ]);
  });

  it("DEFAULT NULL is no default at all", async () => {
    const analysis = await analyzeText("ALTER TABLE t ADD COLUMN a int DEFAULT NULL;\nALTER TABLE t ALTER COLUMN b SET DEFAULT NULL;", { pgVersion: 17 });
    const added = statementOf(analysis, "ALTER TABLE t ADD COLUMN a int DEFAULT NULL;").effects.operations[0]!.operation;
    expect(added).toMatchObject({ op: "add-column", column: { default: null } });
    const set = statementOf(analysis, "ALTER TABLE t ALTER COLUMN b SET DEFAULT NULL;").effects.operations[0]!.operation;
    expect(set).toMatchObject({ op: "set-default", default: { isNull: true, volatility: "immutable" } });
  });
});
