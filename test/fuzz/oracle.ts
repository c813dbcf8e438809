import { loadModule, parseSync } from "libpg-query";

/**
 * A second opinion for lint's JSON report: when PostgreSQL's own parser reads the whole input as valid
 * SQL, a syntax-error finding means locklint split it where PostgreSQL (and psql) would not.
 */
export async function splitDisagreement(input: Buffer, jsonReport: string): Promise<string | null> {
  const findings = (JSON.parse(jsonReport) as { findings: { rule: string; line: number; message: string }[] }).findings;
  const syntaxError = findings.find((f) => f.rule === "syntax-error");
  if (!syntaxError) return null;
  await loadModule();
  try {
    parseSync(new TextDecoder("utf-8", { fatal: true }).decode(input));
  } catch (error) {
    // PostgreSQL finds an error too; an error without its details is JavaScript's (reading a deep tree)
    if ((error as { sqlDetails?: unknown }).sqlDetails) return null;
  }
  return `syntax-error on SQL PostgreSQL parses: line ${syntaxError.line}: ${syntaxError.message}`;
}
