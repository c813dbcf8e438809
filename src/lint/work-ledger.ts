import type { RelationLock, StatementEffects } from "../locks/effects.js";
import { formatDuration, holdRange, lockWork, type HoldEstimate, type TableSizes } from "../cost/estimate.js";
import type { WorkEstimate } from "../locks/effects.js";
import { lockFact, type Finding, type LockFact } from "./findings.js";
import { blocksReadsOrWrites } from "../locks/modes.js";
import type { ParsedStatement } from "../sql/parse.js";
import type { Rule } from "./rule.js";
import type { StatementPlace } from "../sql/script.js";

/**
 * With table sizes: each statement's own work per relation, summed per transaction, so that a lock
 * can be given the time it is held: its statement's work plus every later statement's, until COMMIT.
 * Filled during the pass; read once the file's transactions are complete.
 */

interface Mark {
  transaction: number | null;
  /** The transaction's work (ms) and statement count up to and including this statement. */
  ms: number;
  statements: number;
  work: Map<string, WorkEstimate>;
}

export class WorkLedger {
  private readonly totals = new Map<number, { ms: number; statements: number }>();
  /** Per transaction, the statements that do work, in order (with their statement count mark). */
  private readonly workers = new Map<number, { statements: number; line: number; ms: number; work: string }[]>();
  private readonly marks = new Map<ParsedStatement, Mark>();
  /** Per transaction, the relations already locked in a read- or write-blocking mode. */
  private readonly blockedIn = new Map<number, Set<string>>();
  private readonly firstBlocking: { statement: ParsedStatement; lock: RelationLock }[] = [];

  /** Records a statement's work; true when it takes a read- or write-blocking lock first in its transaction. */
  record(statement: ParsedStatement, place: StatementPlace, effects: StatementEffects, sizes: TableSizes): boolean {
    const ops = effects.operations.map((e) => e.operation);
    const work = new Map<string, WorkEstimate>();
    let ms = 0;
    for (const lock of effects.locks) {
      lock.work = lockWork(lock, ops, sizes);
      if (lock.work) {
        work.set(lock.relation, lock.work);
        ms += lock.work.ms;
      }
    }
    const total = place.transaction === null ? { ms: 0, statements: 0 } : (this.totals.get(place.transaction) ?? { ms: 0, statements: 0 });
    total.ms += ms;
    // COMMIT / ROLLBACK end the hold: not a statement run while the lock is held
    if (!ops.some((o) => o.op === "transaction")) total.statements++;
    if (place.transaction !== null) {
      this.totals.set(place.transaction, total);
      if (ms > 0) {
        const list = this.workers.get(place.transaction) ?? [];
        const work = [...effects.locks]
          .filter((l) => l.work && l.work.ms > 0)
          .map((l) => `${l.work!.basis} (${l.relation})`)
          .join(", ");
        list.push({ statements: total.statements, line: statement.startPos.line, ms, work });
        this.workers.set(place.transaction, list);
      }
    }
    this.marks.set(statement, { transaction: place.transaction, ms: total.ms, statements: total.statements, work });
    let first = false;
    // outside a transaction every statement is its own
    const seen = place.transaction === null ? new Set<string>() : (this.blockedIn.get(place.transaction) ?? new Set<string>());
    if (place.transaction !== null) this.blockedIn.set(place.transaction, seen);
    for (const lock of effects.locks) {
      if (lock.newInTransaction || !blocksReadsOrWrites(lock.mode) || seen.has(lock.key)) continue;
      seen.add(lock.key);
      this.firstBlocking.push({ statement, lock });
      first = true;
    }
    return first;
  }

  /** A lock's hold time: its statement's own work on it plus the work of every later statement of its transaction. */
  private hold(statement: ParsedStatement, relation: string): HoldEstimate | null {
    const mark = this.marks.get(statement);
    if (!mark) return null;
    const total = mark.transaction === null ? mark : (this.totals.get(mark.transaction) ?? mark);
    const own = mark.work.get(relation);
    return holdRange(own?.ms ?? 0, total.ms - mark.ms, own?.basis || null, total.statements - mark.statements);
  }

  /** The statements whose work makes a lock taken at this statement last: it and the later ones, longest first (at most three). */
  responsible(statement: ParsedStatement): { line: number; work: string }[] {
    const mark = this.marks.get(statement);
    if (!mark || mark.transaction === null) return [];
    // the statement's own entry carries its own count; later ones higher counts
    return (this.workers.get(mark.transaction) ?? [])
      .filter((w) => w.statements >= mark.statements)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map(({ line, work }) => ({ line, work }));
  }

  estimateFindings(findings: readonly Finding[], statementOf: (finding: Finding) => ParsedStatement | undefined): void {
    for (const finding of findings) {
      const statement = statementOf(finding);
      if (!statement) continue;
      for (const lock of finding.locks) {
        const estimate = lock.new ? null : this.hold(statement, lock.relation);
        if (estimate) lock.estimate = estimate;
      }
    }
  }

  /** Each read- or write-blocking lock, at the statement that first took it in its transaction, with its estimate. */
  blockingLocks(): { statement: ParsedStatement; lock: LockFact }[] {
    // (responsible() is asked only for the locks a rule reports: it scans the transaction's work list)
    return this.firstBlocking.map(({ statement, lock }) => {
      const fact = lockFact(lock);
      const estimate = this.hold(statement, lock.relation);
      if (estimate) fact.estimate = estimate;
      return { statement, lock: fact };
    });
  }
}

/** Below this, a blocking lock is a blip: the finding of a duration rule drops to a warning. */
const SHORT_MS = 1_000;
/** From this on, it is an outage: the finding of a duration rule rises to an error. */
const LONG_MS = 10_000;

/**
 * With estimates, the severity of findings whose hazard is how long a lock lasts follows the
 * estimate: a CREATE INDEX on a 2 kB table is a warning, a backfill that keeps a lock for minutes
 * an error.
 */
export function scaleSeverity(findings: Finding[], rules: readonly Rule[]): void {
  const durationRules = new Set(rules.filter((r) => r.durationHazard).map((r) => r.id));
  for (const finding of findings) {
    if (!durationRules.has(finding.rule)) continue;
    const estimates = finding.locks.filter((l) => !l.new).map((l) => ("qualitative" in l.estimate ? null : l.estimate));
    if (estimates.length === 0 || estimates.some((e) => e === null)) continue;
    const longest = estimates.reduce((most, e) => Math.max(most, e!.highMs), 0);
    if (finding.severity === "error" && longest < SHORT_MS) {
      finding.severity = "warning";
      finding.message += ` (with the given table sizes: under ${SHORT_MS / 1000} s)`;
    } else if (finding.severity === "warning" && longest >= LONG_MS) {
      finding.severity = "error";
      finding.message += ` (with the given table sizes: up to ${formatDuration(longest)})`;
    }
  }
}
