import type { Finding, MigrationLocation } from "../lint/findings.js";
import { stepOwner } from "../sql/script.js";
import { callScore, type MigrationFile, type OpCall } from "./migration-files.js";

/**
 * `--alembic-dir`: points each finding of a known revision at its migration file: the `op.*` call
 * that most likely printed the statement (by the names it quotes, or an `op.execute` string equal
 * to the statement), else the line of `def upgrade` / `def downgrade`.
 */
export function locateInMigrations(findings: readonly Finding[], files: ReadonlyMap<string, MigrationFile>): void {
  const used = new Set<OpCall>();
  const byStatement = new Map<string, MigrationLocation | undefined>();
  for (const finding of findings) {
    if (finding.migration) continue; // the rule knew the place (an offline failure's traceback)
    const key = `${finding.file}\0${finding.statementLine}\0${finding.statementColumn}`;
    if (!byStatement.has(key)) byStatement.set(key, locate(finding, files, used));
    const location = byStatement.get(key);
    if (location) finding.migration = location;
  }
}

function locate(finding: Finding, files: ReadonlyMap<string, MigrationFile>, used: Set<OpCall>): MigrationLocation | undefined {
  const revision = finding.revision;
  if (!revision || revision.direction === "stamp") return undefined;
  const owner = stepOwner(revision);
  const file = owner ? files.get(owner) : undefined;
  const fn = file?.[revision.direction];
  if (!file || !fn) return file ? { file: file.path, line: 1, column: 1, call: null } : undefined;
  let best: { call: OpCall; score: number } | undefined;
  for (const call of fn.calls) {
    const score = callScore(call, finding.sql);
    if (score === 0) continue;
    // the best-matching call wins; among equals, one not yet claimed by an earlier statement
    if (!best || score > best.score || (score === best.score && used.has(best.call) && !used.has(call))) best = { call, score };
  }
  if (!best) return { file: file.path, line: fn.line, column: 1, call: null };
  used.add(best.call);
  return { file: file.path, line: best.call.line, column: best.call.column, call: best.call.name };
}
