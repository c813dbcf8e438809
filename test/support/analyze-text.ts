import { analyze, type Analysis, type AnalyzedStatement } from "../../src/lint/analyze.js";
import { loadParser } from "../../src/sql/parse.js";
import type { Rule } from "../../src/lint/rule.js";
import { defaultRules } from "../../src/cli/rule-selection.js";
import { decodeSource } from "../../src/sql/source.js";

/** Runs the whole pipeline on SQL text, with the rules the CLI runs by default unless told otherwise. */
export async function analyzeText(
  sql: string,
  options: { pgVersion?: number; path?: string; keepStatements?: boolean; rules?: readonly Rule[] } = {},
): Promise<Analysis> {
  await loadParser();
  const file = decodeSource(options.path ?? "test.sql", new TextEncoder().encode(sql));
  return analyze([file], { pgVersion: options.pgVersion ?? 14, rules: options.rules ?? defaultRules(), keepStatements: options.keepStatements ?? true });
}

/** The analysed statement whose SQL is exactly `sql` (the last one when repeated). */
export function statementOf(analysis: Analysis, sql: string): AnalyzedStatement {
  const wanted = sql.trim().replace(/;$/, "");
  const found = analysis.analyzed.filter((s) => s.statement.sql === wanted);
  if (found.length === 0) throw new Error(`statement not found: ${wanted}\nhave: ${analysis.analyzed.map((s) => s.statement.sql).join("\n")}`);
  return found[found.length - 1]!;
}
