import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { analyzeText } from "./support/analyze-text.js";

/** Findings as `rule line:column`, for the rules given. */
async function placed(sql: string, rules: readonly string[]): Promise<string[]> {
  const analysis = await analyzeText(sql, { pgVersion: 17, rules: RULES.filter((r) => rules.includes(r.id)) });
  return analysis.findings.map((f) => `${f.rule} ${f.line}:${f.column}`);
}

describe("where findings inside a statement point", () => {
  it("counts characters, not bytes, after 2-, 3- and 4-byte characters", async () => {
    // "a" is the 30th character of its line: é is 2 bytes in UTF-8, € 3, 😀 4 (and two UTF-16 units)
    const sql = "SET lock_timeout = '1s';\nALTER TABLE \"é€😀\" ADD COLUMN a int DEFAULT random();\n";
    expect(await placed(sql, ["adding-field-with-volatile-default"])).toEqual(["adding-field-with-volatile-default 2:30"]);
  });

  it("a batch of many statements keeps each one's own line", async () => {
    const filler = Array.from({ length: 70 }, (_, i) => `SELECT ${i};`).join("\n");
    const sql = `SET lock_timeout = '1s';\n${filler}\nALTER TABLE t ADD COLUMN a int DEFAULT random();\n`;
    expect(await placed(sql, ["adding-field-with-volatile-default"])).toEqual(["adding-field-with-volatile-default 72:26"]);
  });

  it("psql meta-commands between statements are skipped, not parsed", async () => {
    const sql = "SET lock_timeout = '1s';\n\\connect other\n\\set ON_ERROR_STOP on\nALTER TABLE t ADD COLUMN a int DEFAULT random();\n";
    const analysis = await analyzeText(sql, { pgVersion: 17 });
    expect(analysis.analyzed.map((s) => [s.statement.startPos.line, s.statement.syntaxError])).toEqual([
      [1, null],
      [4, null],
    ]);
  });
});

describe("identifiers as written", () => {
  it("a quoted identifier is read with its doubled quotes undone, and measured in bytes", async () => {
    const name = 'Größe""€😀_a_very_long_identifier_that_goes_beyond_sixty_three_bytes';
    const analysis = await analyzeText(`CREATE TABLE "${name}" (id bigint);`, { pgVersion: 17, rules: RULES.filter((r) => r.id === "identifier-too-long") });
    expect(analysis.findings).toHaveLength(1);
    expect(analysis.findings[0]!.message).toMatch(/^"Größe"€😀_a_very_long_identifier_that_goes_beyond_sixty_three_bytes" is 73 bytes long/);
    expect(analysis.findings[0]!.column).toBe(14);
  });
});
