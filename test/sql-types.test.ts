import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { loadParser, parseFile } from "../src/sql/parse.js";
import { decodeSource } from "../src/sql/source.js";
import { analyzeText } from "./support/analyze-text.js";

/** The columns of one CREATE TABLE as `name: type` (the canonical name, schema, modifiers, []). */
async function columnTypes(sql: string): Promise<Record<string, unknown>> {
  await loadParser();
  const parsed = parseFile(decodeSource("types.sql", new TextEncoder().encode(sql)));
  const [batch] = [...parsed.batches()];
  const item = batch![0]!;
  if (item.kind !== "statement" || item.statement.operations[0]?.op !== "create-table") throw new Error("not a CREATE TABLE");
  return Object.fromEntries(item.statement.operations[0].columns.map((c) => [c.name, c.type]));
}

describe("column types", () => {
  it("SQL's spellings of built-in types become PostgreSQL's own names; pg_catalog is no schema", async () => {
    const types = await columnTypes(
      "CREATE TABLE t (a integer, b double precision, c character varying(5), d timestamp with time zone, e pg_catalog.int8, f numeric(10, 0), g app.money_t[], h Serial8);",
    );
    expect(types).toEqual({
      a: { name: "int4", schema: null, mods: [], array: false },
      b: { name: "float8", schema: null, mods: [], array: false },
      c: { name: "varchar", schema: null, mods: [5], array: false },
      d: { name: "timestamptz", schema: null, mods: [], array: false },
      e: { name: "int8", schema: null, mods: [], array: false },
      f: { name: "numeric", schema: null, mods: [10, 0], array: false },
      g: { name: "money_t", schema: "app", mods: [], array: true },
      h: { name: "bigserial", schema: null, mods: [], array: false },
    });
  });

  it("a partition's column options name no type", async () => {
    expect(await columnTypes("CREATE TABLE p1 PARTITION OF p (a NOT NULL) FOR VALUES IN (1);")).toEqual({ a: null });
  });

  it("a type change names both types as PostgreSQL writes them", async () => {
    const sql = "CREATE TABLE t (a numeric(10,2));\nCOMMIT;\n-- Running upgrade a -> b\nALTER TABLE t ALTER COLUMN a TYPE app.money_t[];\n";
    const analysis = await analyzeText(sql, { pgVersion: 17, rules: RULES.filter((r) => r.id === "changing-column-type") });
    expect(analysis.findings.map((f) => f.message)).toEqual([expect.stringContaining(": numeric(10,2) to app.money_t[]")]);
  });
});
