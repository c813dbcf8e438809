import type { RelationLock } from "../locks/effects.js";
import type { Blocked, LockMode } from "../locks/modes.js";
import type { HoldEstimate } from "../cost/estimate.js";
import type { Revision } from "../sql/script.js";

/** The lock facts of one relation, as every reporter shows them. */
export type Severity = "error" | "warning";

export interface Help {
  text: string;
  sql?: string;
  alembic?: string;
}

export interface LockFact {
  relation: string;
  kind: string;
  mode: LockMode;
  blocks: Blocked[];
  rewrite: boolean;
  scan: boolean;
  /** Set when the relation is new in this deploy unit, so the lock blocks nobody. */
  new: string | null;
  why: string[];
  /** How long the lock is held: a range with statistics (--stats), else in words. */
  estimate: HoldEstimate | { qualitative: "instant" | "proportional to table size" };
}

/** One finding, in the one shape every reporter reads. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  help: Help;
  file: string;
  line: number;
  column: number;
  endLine: number;
  /** Column of the last character (inclusive). */
  endColumn: number;
  revision: Revision | null;
  sql: string;
  /** Line and column of the statement's first character (the finding may point inside it). */
  statementLine: number;
  statementColumn: number;
  locks: LockFact[];
  /** With --alembic-dir: the migration file, and the op.* call that printed the statement when it was found. */
  migration?: MigrationLocation;
}

/** A statement locklint failed on (a bug: in its effects, the schema replay or a rule): reported as such, and the run exits 2. */
export interface InternalError {
  file: string;
  line: number;
  column: number;
  sql: string;
  /** What failed, and the error's message. */
  message: string;
}

export interface MigrationLocation {
  file: string;
  line: number;
  column: number;
  /** e.g. `op.create_index`; null when only the function (or file) is known. */
  call: string | null;
}

export function lockFact(lock: RelationLock): LockFact {
  return {
    relation: lock.relation,
    kind: lock.kind,
    mode: lock.mode,
    blocks: lock.blocks,
    rewrite: lock.rewrite,
    scan: lock.scan,
    new: lock.novelty,
    why: lock.why,
    estimate: { qualitative: lock.scan || lock.rewrite ? "proportional to table size" : "instant" },
  };
}

export const SEVERITY_RANK: Record<Severity, number> = { warning: 1, error: 2 };

export type FailOn = Severity | "never";

export function reachesFailLevel(finding: Finding, failOn: FailOn): boolean {
  return failOn !== "never" && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn];
}
