import { unmodelledIn, type AnalyzedStatement, type Unmodelled } from "../lint/analyze.js";
import { lockFact, type Finding, type LockFact } from "../lint/findings.js";
import type { TransactionTimeline } from "../lint/timeline.js";
import type { HoldEstimate } from "../cost/estimate.js";
import { objectLocksOf, type RelationLock } from "../locks/effects.js";
import { lockHolds } from "./locks-text.js";
import { JsonArray, JsonObject, jsonReport, mapped, type Report } from "./stream.js";
import type { Summary } from "./text.js";

/** JSON lock facts: the documented shape (relation, mode, blocks, rewrite, scan) plus kind, new and why. */
function jsonLock(lock: LockFact) {
  return {
    relation: lock.relation,
    kind: lock.kind,
    mode: lock.mode,
    blocks: lock.blocks,
    rewrite: lock.rewrite,
    scan: lock.scan,
    new: lock.new,
    why: lock.why,
    estimate: lock.estimate,
  };
}

/** One finding in the documented JSON shape (docs/locks.md). */
export function jsonFinding(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    help: f.help.text,
    suggestion: { sql: f.help.sql ?? null, alembic: f.help.alembic ?? null },
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    revision: f.revision?.id ?? null,
    revisionFrom: f.revision?.from ?? null,
    direction: f.revision?.direction ?? null,
    sql: f.sql,
    migration: f.migration ?? null,
    locks: f.locks.map(jsonLock),
  };
}

/**
 * `--format json`: the findings and the summary, streamed finding by finding; then, only when there
 * are some, the statements locklint does not model (a DO block, a kind of statement it does not know).
 */
export function formatFindingsJson(findings: readonly Finding[], summary: Summary, unmodelled: readonly Unmodelled[] = []): Report {
  const shown = unmodelled.length > 0 ? { unmodelled } : {};
  return jsonReport(new JsonObject({ findings: new JsonArray(mapped(findings, jsonFinding)), summary, ...shown }));
}

/** One statement of `locklint locks --format json` (docs/locks.md). */
function jsonStatement({ statement, place, effects }: AnalyzedStatement, holds: Map<RelationLock, HoldEstimate> | null) {
  const unmodelled = unmodelledIn(statement.operations);
  return {
    file: statement.file.path,
    line: statement.startPos.line,
    column: statement.startPos.column,
    endLine: statement.endPos.line,
    endColumn: statement.endPos.column,
    revision: place.revision?.id ?? null,
    revisionFrom: place.revision?.from ?? null,
    direction: place.revision?.direction ?? null,
    transaction: place.transaction,
    sql: statement.sql,
    transactional: effects.transactional,
    analysed: effects.analysed,
    syntaxError: statement.syntaxError?.message ?? null,
    // only on a statement locklint does not model: every other statement's JSON stays as it was
    ...(unmodelled === null ? {} : { unmodelled }),
    // with --stats, each lock's hold time as lint estimates it; without, in words
    // relations, then other objects (kind "type": an enum type's lock)
    locks: [...effects.locks, ...objectLocksOf(effects)].map((l) => {
      const fact = lockFact(l);
      const hold = holds?.get(l);
      if (hold) fact.estimate = hold;
      return jsonLock(fact);
    }),
  };
}

/** `locklint locks --format json`: every statement and transaction, streamed one by one. */
export function formatLocksJson(statements: readonly AnalyzedStatement[], timelines: readonly TransactionTimeline[]): Report {
  const holds = lockHolds(statements);
  const body = new JsonObject({
    statements: new JsonArray(mapped(statements, (s) => jsonStatement(s, holds.get(s) ?? null))),
    transactions: new JsonArray(
      mapped(timelines, (t) => ({
        id: t.id,
        file: t.file,
        begin: t.begin,
        end: t.end,
        revisions: t.revisions,
        locks: t.locks,
      })),
    ),
  });
  return jsonReport(body);
}
