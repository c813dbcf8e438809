import type { RelationLock, StatementEffects } from "../locks/effects.js";
import type { Help, LockFact, MigrationLocation, Severity } from "./findings.js";
import type { HeldLock } from "../locks/held-locks.js";

export type { Help, HeldLock, Severity };
import type { ColumnType, RelationName } from "../sql/ast.js";
import type { ParsedStatement } from "../sql/parse.js";
import type { Revision, StatementPlace } from "../sql/script.js";

export interface RuleDocs {
  /** Why it is a problem: the lock, what it blocks, for how long. Markdown. */
  why: string;
  /** SQL that fires the rule (a test checks that it does). */
  example: string;
  /** The safe way, in SQL (a test checks that it does not fire). */
  useInstead: string;
  /** The safe way in an alembic migration. */
  alembic: string;
  /** Optional: PostgreSQL versions and other conditions that change the verdict. */
  notes?: string;
  /** Pages of the PostgreSQL documentation that back the claims. */
  references?: string[];
  /** Table sizes (and a budget) the example and the safe way are run with, for rules that need them. */
  exampleSizes?: { tables: { name: string; heapBytes: number; totalBytes: number; rows: number }[]; maxLockMs?: number };
}

/** Advice attached to a finding: prose, and the safe form in SQL and in alembic terms. */
export interface Report {
  message: string;
  help: Help;
  /** Lock facts to show; default: every lock of the statement. */
  locks?: RelationLock[];
  /** Byte offset inside the statement to point at (libpg-query `location`); default: its start. */
  at?: number;
  severity?: Severity;
  /** The place in the migration file, when the report knows it better than the op.* call matching does. */
  migration?: MigrationLocation;
}

/** A lock taken by an earlier statement of the same transaction and deploy unit, still held. */
export interface RuleContext {
  statement: ParsedStatement;
  effects: StatementEffects;
  place: StatementPlace;
  /** Inside BEGIN ... COMMIT (an explicit transaction block). */
  inTransactionBlock: boolean;
  pgVersion: number;
  /** Locks on existing relations held from earlier statements of this transaction and deploy unit, by relation key. */
  heldLocks: ReadonlyMap<string, HeldLock>;
  /** The same across the whole transaction, whatever the revisions (relations created in it left out). */
  transactionLocks: ReadonlyMap<string, HeldLock>;
  /** A session setting in force for this statement (lock_timeout, statement_timeout, timezone). */
  setting(name: string): string | undefined;
  /** Runs `check` when the deploy unit (revision, else transaction) ends, with the schema as the unit left it. */
  afterUnit(check: () => void): void;
  /** Whether the script created the table (so its columns, constraints and indexes are known). */
  tableKnown(table: RelationName): boolean;
  /** A column's type as the schema knows it (declared by the script or read from the server), null when unknown. */
  columnType(table: RelationName, column: string): ColumnType | null;
  /** Whether the table has an index whose leading columns are these; null when the table's indexes are not known from the script. */
  indexCovers(table: RelationName, columns: readonly string[]): boolean | null;
  /** True the first time this rule asks with this key in the run. */
  firstTime(key: string): boolean;
  /**
   * The statement that starts at this line (a HeldLock's line, say), as a message cites it: `line 111`
   * in SQL; `versions/0007_orders.py:42 (op.create_index)` where the migration files are known.
   */
  where(line: number): string;
  /**
   * This rule's own state for the open transaction and deploy unit (the scope of heldLocks), kept for
   * the run: made by `create` on the first call in a scope, made afresh in the next. Rules keep no
   * state of their own outside it.
   */
  unitState<T>(create: () => T): T;
  report(report: Report): void;
}

/** What a rule sees when a file ends inside a transaction. */
export interface UnclosedTransactionContext {
  /** The BEGIN of the transaction still open at the end of the file. */
  begin: ParsedStatement;
  /** Reports at that BEGIN. */
  report(report: Report): void;
}

/** What a rule sees of a comment of the script (e.g. one `locklint alembic` printed into the SQL). */
export interface CommentContext {
  /** The text after the two dashes. */
  body: string;
  revision: Revision | null;
  report(report: Report): void;
}

/** How long, in ms, a table may stay blocked for reads and for writes. */
export interface LockBudget {
  reads?: number;
  writes?: number;
}

/** A read- or write-blocking lock with its hold-time estimate (table sizes given). */
export interface LockEstimateContext {
  lock: LockFact;
  /** --max-lock-ms / --max-read-lock-ms / --max-write-lock-ms, when given. */
  budget: LockBudget;
  place: StatementPlace;
  /** The statements whose work makes the lock last (it and the later ones of its transaction), longest first, at most three. */
  responsible(): { line: number; work: string }[];
  /** As RuleContext.where: the statement that starts at this line, as a message cites it. */
  where(line: number): string;
  report(report: Report): void;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** One line: what the rule catches. */
  summary: string;
  /** Hygiene checks (types, naming, robustness) are off unless asked for (`--rules all` or by id). */
  optional?: boolean;
  /** The hazard is how long a lock lasts: with table sizes, an error estimated under 1 s becomes a warning, a warning estimated at 10 s or more an error. */
  durationHazard?: boolean;
  docs: RuleDocs;
  /** Called for every statement; optional for rules that only read comments. */
  check?(ctx: RuleContext): void;
  /** Optional: called for every comment of the script. */
  onComment?(ctx: CommentContext): void;
  /** Optional: called when a file ends with a transaction still open. */
  onUnclosedTransaction?(ctx: UnclosedTransactionContext): void;
  /** Optional, with table sizes: called for each lock that blocks reads or writes, where its transaction first takes it. */
  onLockEstimate?(ctx: LockEstimateContext): void;
}

/** Identity function that gives rule files their type. */
export function defineRule(rule: Rule): Rule {
  if (!/^[a-z]+(-[a-z]+)*$/.test(rule.id)) throw new Error(`rule id "${rule.id}" must be kebab-case`);
  return rule;
}

/** Locks on relations that existed before this deploy unit: the ones that can hurt. */
export function existingLocks(locks: readonly RelationLock[]): RelationLock[] {
  return locks.filter((l) => l.novelty === null);
}
