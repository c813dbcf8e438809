import type { RelationLock } from "../locks/effects.js";
import { holdRange, type HoldEstimate } from "./estimate.js";

/** What the hold times of one statement's locks depend on. */
export interface StatementWork {
  /** The transaction it runs in; null outside one (its locks end with it). */
  transaction: number | null;
  /** BEGIN, COMMIT, ROLLBACK...: not a statement run while a lock is held. */
  controlsTransaction: boolean;
  /** Its locks, each with `work` set when table sizes were given (null: no work known on it). */
  locks: readonly RelationLock[];
}

/**
 * Per statement, the hold time of each of its locks, computed as lint does (src/lint/work-ledger.ts):
 * the statement's own work on the relation plus the work of every later statement of its
 * transaction, and the count of those statements. Null for a statement whose locks carry no work
 * (no table sizes given) and, per lock, for a relation new in its deploy unit (locking it blocks nobody).
 */
export function holdEstimates(statements: readonly StatementWork[]): (Map<RelationLock, HoldEstimate> | null)[] {
  const totals = new Map<number, { ms: number; statements: number }>();
  const marks = statements.map((s) => {
    const ms = s.locks.reduce((sum, l) => sum + (l.work?.ms ?? 0), 0);
    const total = s.transaction === null ? { ms: 0, statements: 0 } : (totals.get(s.transaction) ?? { ms: 0, statements: 0 });
    total.ms += ms;
    if (!s.controlsTransaction) total.statements++;
    if (s.transaction !== null) totals.set(s.transaction, total);
    return { ms: total.ms, statements: total.statements };
  });
  return statements.map((s, i) => {
    if (!s.locks.some((l) => l.work !== undefined)) return null;
    const mark = marks[i]!;
    const total = s.transaction === null ? mark : totals.get(s.transaction)!;
    const holds = new Map<RelationLock, HoldEstimate>();
    for (const lock of s.locks) {
      if (lock.novelty) continue;
      // as lint: the last of the statement's locks on the relation with work known
      const own = [...s.locks].reverse().find((l) => l.relation === lock.relation && l.work)?.work;
      holds.set(lock, holdRange(own?.ms ?? 0, total.ms - mark.ms, own?.basis || null, total.statements - mark.statements));
    }
    return holds;
  });
}
