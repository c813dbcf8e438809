import type { AnalyzedStatement } from "./analyze.js";
import type { HoldEstimate } from "../cost/estimate.js";
import { lockHold, workSpans, type WorkSpan } from "../cost/hold.js";
import type { RelationLock } from "../locks/effects.js";
import { blockedBy, stronger, unionBlocked, type Blocked, type LockMode } from "../locks/modes.js";

/**
 * Lock timelines: a lock is held until its transaction ends, so for every transaction and every
 * relation that existed before it, the strongest lock taken, where it was taken, where it was
 * released (COMMIT / ROLLBACK, or never, when the file ends first) and what ran meanwhile.
 * Relations created inside the transaction are left out: nobody else can see them.
 * One pass, and work per lock only when its transaction ends: linear in the statements.
 */

export interface TimelinePoint {
  line: number;
  /** The alembic revision of the statement, if any. */
  revision: string | null;
}

export interface SlowStatement {
  line: number;
  relation: string;
  work: "rewrite" | "scan";
}

export interface TimelineLock {
  relation: string;
  mode: LockMode;
  blocks: Blocked[];
  /** The first statement that locked the relation in this transaction, and the mode it took. */
  acquired: TimelinePoint;
  acquiredMode: LockMode;
  /** The statement that took the strongest mode, when a later one did (a lock upgrade). */
  strongestAt: TimelinePoint | null;
  /** COMMIT or ROLLBACK; null when the file ends with the transaction open. */
  released: TimelinePoint | null;
  /** Statements that ran after the lock was taken, before the transaction ended (COMMIT not counted). */
  heldDuring: number;
  /** How many of those rewrite or scan a relation (they make the lock last), and the first few. */
  slowCount: number;
  slowWhileHeld: SlowStatement[];
  /** How long it is held, when table statistics were given (src/cost/hold.ts), as estimated at the statement that took it first. */
  estimate: HoldEstimate | null;
}

export interface TransactionTimeline {
  id: number;
  file: string;
  begin: TimelinePoint;
  end: TimelinePoint | null;
  /** --assume-in-transaction: the tool wrapping the file commits at its end. */
  assumed: boolean;
  /** The alembic revisions whose statements ran in this transaction, in order. */
  revisions: string[];
  locks: TimelineLock[];
}

/** Slow statements listed per lock; the count covers all of them. */
const SLOW_LISTED = 3;

export function buildTimelines(statements: readonly AnalyzedStatement[]): TransactionTimeline[] {
  const timelines: TransactionTimeline[] = [];
  const spans = workSpans(
    statements.map(({ place, effects }) => ({
      transaction: place.transaction,
      controlsTransaction: effects.operations.some((e) => e.operation.op === "transaction"),
      locks: effects.locks,
    })),
  );
  let open = null as OpenTimeline | null;
  statements.forEach(({ statement, place, effects }, index) => {
    if (place.transaction === null) return;
    const point: TimelinePoint = { line: statement.startPos.line, revision: place.revision?.id ?? null };
    if (open?.timeline.id !== place.transaction) {
      if (open) close(open, index - 1, null);
      open = {
        timeline: { id: place.transaction, file: statement.file.path, begin: point, end: null, assumed: place.transactionAssumed, revisions: [], locks: [] },
        byKey: new Map(),
        acquiredAt: [],
        slow: [],
        firstLocks: [],
        estimated: false,
      };
      timelines.push(open.timeline);
    }
    const { timeline, byKey, slow } = open;
    if (effects.locks.some((l) => l.work !== undefined)) open.estimated = true;
    // alembic prints a revision's BEGIN before its `-- Running upgrade` line: BEGIN and COMMIT belong to no revision
    const controls = statement.operations.length > 0 && statement.operations.every((o) => o.op === "transaction");
    if (point.revision && !controls && timeline.revisions[timeline.revisions.length - 1] !== point.revision) timeline.revisions.push(point.revision);
    for (const lock of effects.locks) {
      if (lock.newInTransaction) continue;
      if (lock.rewrite || lock.scan) slow.push({ index, line: point.line, relation: lock.relation, work: lock.rewrite ? "rewrite" : "scan" });
      const existing = byKey.get(lock.key);
      if (!existing) {
        const entry: TimelineLock = {
          relation: lock.relation,
          mode: lock.mode,
          blocks: lock.blocks,
          acquired: point,
          acquiredMode: lock.mode,
          strongestAt: null,
          released: null,
          heldDuring: 0,
          slowCount: 0,
          slowWhileHeld: [],
          estimate: null,
        };
        byKey.set(lock.key, entry);
        timeline.locks.push(entry);
        open.acquiredAt.push(index);
        open.firstLocks.push({ lock, statementLocks: effects.locks, span: spans[index]! });
      } else {
        if (stronger(existing.mode, lock.mode) !== existing.mode) {
          existing.mode = lock.mode;
          existing.strongestAt = point;
        }
        // what a statement stops may be more than its mode says (REINDEX: its index's lock stops the table's reads)
        existing.blocks = unionBlocked(existing.blocks, lock.blocks, blockedBy(existing.mode));
      }
    }
    if (endsTransaction(statement.operations)) {
      close(open, index, point);
      open = null;
    }
  });
  if (open) close(open, statements.length - 1, null);
  return timelines;
}

interface OpenTimeline {
  timeline: TransactionTimeline;
  byKey: Map<string, TimelineLock>;
  /** Index (in the statement list) of the statement that first took each lock, in timeline.locks order. */
  acquiredAt: number[];
  /** Statements that rewrite or scan an existing relation, in order. */
  slow: { index: number; line: number; relation: string; work: "rewrite" | "scan" }[];
  /** Per lock (timeline.locks order): the lock as its first statement took it, that statement's locks and work span. */
  firstLocks: { lock: RelationLock; statementLocks: readonly RelationLock[]; span: WorkSpan }[];
  /** Table statistics were given. */
  estimated: boolean;
}

function close(open: OpenTimeline, lastIndex: number, end: TimelinePoint | null): void {
  open.timeline.end = end;
  open.timeline.locks.forEach((lock, i) => {
    const acquiredAt = open.acquiredAt[i]!;
    lock.released = end;
    lock.heldDuring = lastIndex - acquiredAt - (end ? 1 : 0); // the COMMIT itself releases it
    const after = firstAfter(open.slow, acquiredAt);
    lock.slowCount = open.slow.length - after;
    lock.slowWhileHeld = open.slow.slice(after, after + SLOW_LISTED).map(({ line, relation, work }) => ({ line, relation, work }));
    if (open.estimated) {
      const first = open.firstLocks[i]!;
      lock.estimate = lockHold(first.lock, first.statementLocks, first.span);
    }
  });
}

/** Index of the first slow statement after the given statement index (binary search). */
function firstAfter(slow: readonly { index: number }[], index: number): number {
  let lo = 0;
  let hi = slow.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slow[mid]!.index <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function endsTransaction(operations: AnalyzedStatement["statement"]["operations"]): boolean {
  return operations.some((o) => o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback") && !o.chain);
}
