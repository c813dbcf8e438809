import { analyze, type Analysis, type AnalyzedStatement } from "../../src/analyze.js";
import { loadParser } from "../../src/parse.js";
import { RULES } from "../../rules/index.js";
import { decodeSource } from "../../src/source.js";

/** Runs the whole pipeline on SQL text, as `locklint` does on a file. */
export async function analyzeText(sql: string, options: { pgVersion?: number; path?: string; keepStatements?: boolean } = {}): Promise<Analysis> {
  await loadParser();
  const file = decodeSource(options.path ?? "test.sql", new TextEncoder().encode(sql));
  return analyze([file], { pgVersion: options.pgVersion ?? 14, rules: RULES, keepStatements: options.keepStatements ?? true });
}

/** The analysed statement whose SQL is exactly `sql` (the last one when repeated). */
export function statementOf(analysis: Analysis, sql: string): AnalyzedStatement {
  const wanted = sql.trim().replace(/;$/, "");
  const found = analysis.analyzed.filter((s) => s.statement.sql === wanted);
  if (found.length === 0) throw new Error(`statement not found: ${wanted}\nhave: ${analysis.analyzed.map((s) => s.statement.sql).join("\n")}`);
  return found[found.length - 1]!;
}
