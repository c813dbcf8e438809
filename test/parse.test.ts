import { describe, expect, it } from "vitest";
import { loadParser, parseFile, type ParsedStatement } from "../src/sql/parse.js";
import { decodeSource } from "../src/sql/source.js";

async function statements(text: string) {
  await loadParser();
  const parsed = parseFile(decodeSource("t.sql", new TextEncoder().encode(text)));
  const statements: ParsedStatement[] = [];
  for (const batch of parsed.batches()) for (const item of batch) if (item.kind === "statement") statements.push(item.statement);
  return statements;
}

describe("splitting and parsing", () => {
  it("does not split inside quotes, dollar quotes, comments or BEGIN ATOMIC bodies", async () => {
    const sql = [
      "SELECT 'a;b', E'it\\'s;', \"we;ird\";",
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
      "/* a; /* nested; */ still; */ SELECT 2; -- trailing; comment",
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;",
      "DO $$ BEGIN PERFORM 1; END $$;",
    ].join("\n");
    const got = await statements(sql);
    expect(got.map((s) => [s.startPos.line, s.syntaxError?.message ?? null])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, null],
      [5, null],
    ]);
    expect(got[2]!.sql).toBe("SELECT 2");
    expect(got[2]!.startPos.column).toBe(31);
  });

  it("does not split a rule's parenthesised actions at their semicolons (two syntax errors before)", async () => {
    const got = await statements("CREATE RULE r AS ON INSERT TO s DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;");
    expect(got.map((s) => [s.startPos.line, s.syntaxError?.message ?? null])).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it("keeps a final statement without a semicolon, and ignores empty ones", async () => {
    const got = await statements(";;\nSELECT 1;;\n  SELECT 2");
    expect(got.map((s) => [s.sql, s.startPos.line, s.startPos.column])).toEqual([
      ["SELECT 1", 2, 1],
      ["SELECT 2", 3, 3],
    ]);
  });

  it("an unterminated quote becomes a syntax error at its statement, not a crash", async () => {
    const got = await statements("SELECT 1;\nSELECT 'open;\nSELECT 3;\n");
    expect(got).toHaveLength(2);
    expect(got[1]!.startPos.line).toBe(2);
    expect(got[1]!.syntaxError?.message).toMatch(/unterminated quoted string/);
  });

  it("maps PostgreSQL's error cursor (counted in characters) to a column after multi-byte characters", async () => {
    const got = await statements("SELECT 'ü€🐘' FRM t;");
    expect(got[0]!.syntaxError?.message).toContain('syntax error at or near "t"');
    expect(got[0]!.syntaxError?.position).toMatchObject({ line: 1, column: 18 });
  });
});
