import type { RelationLock, StatementEffects } from "../locks/effects.js";
import { formatDuration, lockWork, type HoldEstimate, type TableSizes } from "../cost/estimate.js";
import { lockHold, workSpans, type StatementWork, type WorkSpan } from "../cost/hold.js";
import { lockFact, type Finding, type LockFact } from "./findings.js";
import { blocksReadsOrWrites } from "../locks/modes.js";
import type { ParsedStatement } from "../sql/parse.js";
import type { Rule } from "./rule.js";
import type { StatementPlace } from "../sql/script.js";

/**
 * With table sizes: each statement's own work per relation, so that a lock can be given the time it
 * is held (src/cost/hold.ts: its statement's work plus every later statement's, until COMMIT).
 * Filled during the pass; read once the file's transactions are complete.
 */

export class WorkLedger {
  /** Per transaction, the statements that do work, in order (with their index in `statements`). */
  private readonly workers = new Map<number, { index: number; line: number; ms: number; work: string }[]>();
  /** Every statement recorded, in order, and its index there. */
  private readonly statements: StatementWork[] = [];
  private readonly indexOf = new Map<ParsedStatement, number>();
  /** workSpans of the statements, computed once every transaction is complete (the first hold asked for). */
  private spans: WorkSpan[] | null = null;
  /** Per transaction, the relations already locked in a read- or write-blocking mode. */
  private readonly blockedIn = new Map<number, Set<string>>();
  private readonly firstBlocking: { statement: ParsedStatement; lock: RelationLock }[] = [];

  /** Records a statement's work; true when it takes a read- or write-blocking lock first in its transaction. */
  record(statement: ParsedStatement, place: StatementPlace, effects: StatementEffects, sizes: TableSizes): boolean {
    const ops = effects.operations.map((e) => e.operation);
    let ms = 0;
    for (const lock of effects.locks) {
      lock.work = lockWork(lock, ops, effects.locks, sizes);
      ms += lock.work?.ms ?? 0;
    }
    // COMMIT / ROLLBACK end the hold: not a statement run while the lock is held
    const controlsTransaction = ops.some((o) => o.op === "transaction");
    const index = this.statements.length;
    this.indexOf.set(statement, index);
    this.statements.push({ transaction: place.transaction, controlsTransaction, locks: effects.locks });
    this.spans = null;
    if (place.transaction !== null && ms > 0) {
      const list = this.workers.get(place.transaction) ?? [];
      const work = [...effects.locks]
        .filter((l) => l.work && l.work.ms > 0)
        .map((l) => `${l.work!.basis} (${l.relation})`)
        .join(", ");
      list.push({ index, line: statement.startPos.line, ms, work });
      this.workers.set(place.transaction, list);
    }
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

  /** A lock's hold time (src/cost/hold.ts): its statement's work plus the work of every later statement of its transaction. */
  private hold(statement: ParsedStatement, relation: string): HoldEstimate | null {
    const index = this.indexOf.get(statement);
    if (index === undefined) return null;
    const { locks } = this.statements[index]!;
    const lock = [...locks].reverse().find((l) => l.relation === relation);
    if (!lock) return null;
    this.spans ??= workSpans(this.statements);
    return lockHold(lock, locks, this.spans[index]!);
  }

  /** The statements whose work makes a lock taken at this statement last: it and the later ones, longest first (at most three). */
  responsible(statement: ParsedStatement): { line: number; work: string }[] {
    const index = this.indexOf.get(statement);
    const transaction = index === undefined ? null : this.statements[index]!.transaction;
    if (transaction === null) return [];
    return (this.workers.get(transaction) ?? [])
      .filter((w) => w.index >= index!)
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
