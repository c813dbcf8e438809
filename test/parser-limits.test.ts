import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { lintReport } from "./support/json-report.js";

describe("statements at the parser's limits", () => {
  it("an expression too deep for JavaScript to read back from the parser is a not-analysed error on its line, not a PostgreSQL syntax error", async () => {
    const sql = `CREATE TABLE IF NOT EXISTS t (id int);\nSELECT 1${" + 1".repeat(20_000)};\n`;
    const result = await runCli(["-f", "json"], sql);
    expect(result.code).toBe(1);
    const { findings } = lintReport(result.stdout);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([["not-analysed", 2]]);
    expect(findings[0]!.message).toMatch(/^locklint could not analyse this statement \(reading it failed: Maximum call stack size exceeded\)/);
  });

  it("nesting PostgreSQL's parser refuses stays PostgreSQL's syntax error", async () => {
    const result = await runCli(["-f", "json"], `SELECT ${"(".repeat(10_000)}1${")".repeat(10_000)};\n`);
    expect(result.code).toBe(1);
    const { findings } = lintReport(result.stdout);
    expect(findings.map((f) => [f.rule, f.message])).toEqual([["syntax-error", 'PostgreSQL cannot parse this statement: memory exhausted at or near "("']]);
  });
});
