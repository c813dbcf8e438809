/**
 * The parts of locklint's JSON output (docs/cli.md) the tests read, typed, so that a test that reads
 * a field the output does not have fails to compile instead of comparing undefined.
 */

export interface JsonEstimate {
  qualitative?: string;
  lowMs?: number;
  highMs?: number;
  basis?: string;
  laterStatements?: number;
}

export interface JsonLock {
  relation: string;
  kind: string;
  mode: string;
  blocks: string[];
  rewrite: boolean;
  scan: boolean;
  why: string[];
  estimate?: JsonEstimate;
}

export interface JsonFinding {
  rule: string;
  severity: "error" | "warning" | "info";
  message: string;
  help: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  revision: string | null;
  revisionFrom: string | null;
  direction: "upgrade" | "downgrade" | null;
  sql: string;
  migration: { file: string; line: number; call: string | null } | null;
  locks: JsonLock[];
  /** The safe way, when the rule has one: SQL and an alembic snippet. */
  suggestion?: { sql?: string; alembic?: string };
}

/** `locklint --format json` */
export interface LintReport {
  findings: JsonFinding[];
  summary: { files: number; statements: number; errors: number; warnings: number };
}

export interface JsonStatement {
  file: string;
  line: number;
  revision: string | null;
  direction: "upgrade" | "downgrade" | null;
  transaction: number | null;
  sql: string;
  transactional: boolean;
  analysed: boolean;
  syntaxError: string | null;
  locks: JsonLock[];
}

export interface JsonPlace {
  line: number;
  revision: string | null;
}

/** A lock of a transaction's timeline: from the statement that took it to the end of the transaction. */
export interface TimelineLock {
  relation: string;
  mode: string;
  blocks: string[];
  acquired: JsonPlace;
  released: JsonPlace;
  heldDuring: number;
  slowCount: number;
  estimate: JsonEstimate | null;
}

export interface JsonTransaction {
  id: number;
  file: string;
  begin: JsonPlace;
  end: JsonPlace;
  revisions: string[];
  locks: TimelineLock[];
}

/** `locklint locks --format json` */
export interface LocksReport {
  statements: JsonStatement[];
  transactions: JsonTransaction[];
}

export function lintReport(stdout: string): LintReport {
  return JSON.parse(stdout) as LintReport;
}

export function locksReport(stdout: string): LocksReport {
  return JSON.parse(stdout) as LocksReport;
}

/** A statement of `locklint trace --format json`: the locks predicted and what PostgreSQL did. */
export interface TracedJsonStatement {
  file: string;
  line: number;
  column: number;
  revision: string | null;
  transaction: number | null;
  sql: string;
  predicted: { relation: string; kind: string; mode: string; rewrite: boolean; scan: boolean }[];
  /** What locklint does not model in the statement (only on such statements). */
  unmodelled?: string;
  observed: { ms: number; error: string | null; locks: { relation: string; mode: string }[] | null; rewritten: string[]; scanned: string[] };
  differences: string[];
}

/** `locklint trace --format json` */
export interface TraceReport {
  statements: TracedJsonStatement[];
  findings: JsonFinding[];
  summary: { statements: number; disagreements: number; failures: number; where: string; coldStartMs: number; notSeeded: string[]; notRolledBack: string[] };
}

export function traceReport(stdout: string): TraceReport {
  return JSON.parse(stdout) as TraceReport;
}
