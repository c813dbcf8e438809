import type { MigrationLocation } from "../lint/findings.js";
import type { LocatedStatement, StatementLocator } from "../lint/statement-places.js";
import { stepOwner, type Revision } from "../sql/script.js";
import { callScore, type MigrationFile, type OpCall } from "./migration-files.js";

/**
 * `locklint alembic`, `--alembic-dir`: the place in its migration file of each statement of a
 * known revision, asked in file order (analyze does, before the rules run, so that findings and the
 * messages citing earlier statements agree): the `op.*` call that most likely printed it (by the
 * names it quotes, or an `op.execute` string equal to the statement; among equals the first not
 * yet claimed by an earlier statement), else the line of `def upgrade` / `def downgrade`.
 * `pathOf` gives the file as the user reads it (e.g. from where locklint runs), for these places and
 * for those rules read from the script (an offline failure names its file from the ini's directory).
 */
export function migrationLocator(files: ReadonlyMap<string, MigrationFile>, pathOf: (path: string) => string = (path) => path): StatementLocator {
  const used = new Set<OpCall>();
  const shown = (location: MigrationLocation | undefined) => location && { ...location, file: pathOf(location.file) };
  return {
    statement: (statement) => shown(locate(statement, files, used)),
    step: (revision) => shown(migrationFunction(revision, files)),
    shown: (location) => ({ ...location, file: pathOf(location.file) }),
  };
}

/** The migration function a revision step runs, else its file; undefined when the revision's file is not known. */
function migrationFunction(revision: Revision, files: ReadonlyMap<string, MigrationFile>): MigrationLocation | undefined {
  if (revision.direction === "stamp") return undefined;
  const owner = stepOwner(revision);
  const file = owner ? files.get(owner) : undefined;
  const fn = file?.[revision.direction];
  if (!file) return undefined;
  return { file: file.path, line: fn?.line ?? 1, column: 1, call: null };
}

function locate(statement: LocatedStatement, files: ReadonlyMap<string, MigrationFile>, used: Set<OpCall>): MigrationLocation | undefined {
  const revision = statement.revision;
  if (!revision || revision.direction === "stamp") return undefined;
  const owner = stepOwner(revision);
  const file = owner ? files.get(owner) : undefined;
  const fn = file?.[revision.direction];
  if (!file || !fn) return file ? { file: file.path, line: 1, column: 1, call: null } : undefined;
  let best: { call: OpCall; score: number } | undefined;
  for (const call of fn.calls) {
    const score = callScore(call, statement.sql);
    if (score === 0) continue;
    // the best-matching call wins; among equals, one not yet claimed by an earlier statement
    if (!best || score > best.score || (score === best.score && used.has(best.call) && !used.has(call))) best = { call, score };
  }
  if (!best) return { file: file.path, line: fn.line, column: 1, call: null };
  used.add(best.call);
  return { file: file.path, line: best.call.line, column: best.call.column, call: best.call.name };
}
