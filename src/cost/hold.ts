import type { RelationLock } from "../locks/effects.js";
import { holdRange, type HoldEstimate } from "./estimate.js";

/**
 * How long a lock is held: THE formula, read by lint's findings (src/lint/work-ledger.ts), the
 * transaction timelines (src/lint/timeline.ts) and `locklint locks` (text and JSON). A lock taken by
 * a statement is held until its transaction ends: for the whole of its statement's work (on every
 * relation: an index is locked while its table is rewritten, the referencing table while the
 * referenced one is read), then for every later statement's work, until COMMIT.
 */

/** What the hold times of one statement's locks depend on. */
export interface StatementWork {
  /** The transaction it runs in; null outside one (its locks end with it). */
  transaction: number | null;
  /** BEGIN, COMMIT, ROLLBACK...: not a statement run while a lock is held. */
  controlsTransaction: boolean;
  /** Its locks, each with `work` set when table sizes were given (null: no work known on it). */
  locks: readonly RelationLock[];
}

/** Where a statement stands in its transaction: its own work, and what runs after it until the transaction ends. */
export interface WorkSpan {
  ownMs: number;
  laterMs: number;
  laterStatements: number;
}

/** Per statement, its work span (statements in file order, every statement of each transaction). */
export function workSpans(statements: readonly StatementWork[]): WorkSpan[] {
  const totals = new Map<number, { ms: number; statements: number }>();
  const marks = statements.map((s) => {
    const ownMs = s.locks.reduce((sum, l) => sum + (l.work?.ms ?? 0), 0);
    const total = s.transaction === null ? { ms: 0, statements: 0 } : (totals.get(s.transaction) ?? { ms: 0, statements: 0 });
    total.ms += ownMs;
    if (!s.controlsTransaction) total.statements++;
    if (s.transaction !== null) totals.set(s.transaction, total);
    return { ownMs, ms: total.ms, statements: total.statements, total };
  });
  // each mark's `total` is its transaction's running total, complete now
  return marks.map(({ ownMs, ms, statements: count, total }) => ({ ownMs, laterMs: total.ms - ms, laterStatements: total.statements - count }));
}

/** The hold estimate of one lock of a statement: the statement's work plus the later statements'. */
export function lockHold(lock: RelationLock, statementLocks: readonly RelationLock[], span: WorkSpan): HoldEstimate {
  return holdRange(span.ownMs, span.laterMs, basisOf(lock, statementLocks), span.laterStatements);
}

/**
 * What the statement's work is, as seen from the lock: the work on its relation ("rewrite 3.1 GB"),
 * else the statement's largest work on another relation, named ("events: rewrite 127 MB"); null
 * when the statement does none.
 */
function basisOf(lock: RelationLock, statementLocks: readonly RelationLock[]): string | null {
  // the last of the statement's locks on the relation with work known
  const own = [...statementLocks].reverse().find((l) => l.relation === lock.relation && l.work)?.work;
  if (own?.basis) return own.basis;
  const largest = statementLocks.reduce<RelationLock | null>((most, l) => (l.work?.basis && l.work.ms > (most?.work?.ms ?? 0) ? l : most), null);
  return largest ? `${largest.relation}: ${largest.work!.basis}` : null;
}

/**
 * Per statement, the hold time of each of its locks. Null for a statement whose locks carry no work
 * (no table sizes given) and, per lock, none for a relation new in its deploy unit (locking it blocks nobody).
 */
export function holdEstimates(statements: readonly StatementWork[]): (Map<RelationLock, HoldEstimate> | null)[] {
  const spans = workSpans(statements);
  return statements.map((s, i) => {
    if (!s.locks.some((l) => l.work !== undefined)) return null;
    const holds = new Map<RelationLock, HoldEstimate>();
    for (const lock of s.locks) if (!lock.novelty) holds.set(lock, lockHold(lock, s.locks, spans[i]!));
    return holds;
  });
}
