import type { Operation } from "./operations.js";

/** Starts the comment `locklint alembic` prints where a revision failed offline; JSON follows it. */
export const FAILURE_MARK = "locklint offline failure:";

/**
 * The structure alembic prints around the statements: revision markers
 * (`-- Running upgrade A -> B`), transactions (BEGIN ... COMMIT) and its version-table bookkeeping.
 */

export interface Revision {
  /** The revision the step leads to (`B` in `A -> B`); null when a downgrade goes to base. */
  id: string | null;
  /** Where it starts (`A`); null for the first revision. Merges list several, comma-separated. */
  from: string | null;
  direction: "upgrade" | "downgrade" | "stamp";
  /** Line of the marker comment. */
  line: number;
}

/**
 * Where an object counts as new: the revision that created it (each revision is deployed on its
 * own against a database holding everything earlier revisions made), else the transaction, else
 * just the statement itself.
 */
export interface DeployUnit {
  key: string;
  /** "deploy": the revisions after --since REV, which go out together. */
  label: "revision" | "deploy" | "transaction" | "statement";
}

export interface StatementPlace {
  revision: Revision | null;
  /** Shared by the statements of one BEGIN ... COMMIT block (both included); null outside one. */
  transaction: number | null;
  /** The transaction open before this statement ran (for BEGIN: null unless nested). */
  transactionBefore: number | null;
  /** --assume-in-transaction: the statement runs in the transaction the tool wraps the file in. */
  transactionAssumed: boolean;
  unit: DeployUnit;
  /** alembic's own version-table statements: never reported. */
  bookkeeping: boolean;
  /** With --since / --revision: whether findings of this statement are reported. */
  reported: boolean;
}

/**
 * --since REV: report the revisions after REV (deployed together); --revision REV: only that one;
 * revisions (locklint alembic): the steps of these revisions, upgrade or downgrade; those also in
 * `together` are deployed together, as after --since (`locklint alembic --since-ref`: what a branch
 * adds), so that both judge the same revisions alike.
 */
export interface RevisionRange {
  since?: string;
  revision?: string;
  revisions?: ReadonlySet<string>;
  together?: ReadonlySet<string>;
}

/** The revision whose migration function a step runs: `upgrade A -> B` runs B's, `downgrade B -> A` B's. */
export function stepOwner(revision: Revision): string | null {
  return revision.direction === "downgrade" ? revision.from : revision.id;
}

const MARKER = /^\s*Running (upgrade|downgrade|stamp_revision)\s+(.*?)\s*->\s*(.*?)\s*$/;

export function parseRevisionMarker(commentBody: string, line: number): Revision | null {
  const match = MARKER.exec(commentBody);
  if (!match) return null;
  const direction = match[1] === "stamp_revision" ? "stamp" : (match[1] as "upgrade" | "downgrade");
  return { id: match[3] || null, from: match[2] || null, direction, line };
}

/** Transaction ids are unique across all files of a run. */
export interface TransactionCounter {
  next: number;
}

export class ScriptTracker {
  private revision: Revision | null = null;
  private revisionSeq = 0;
  private transaction: number | null = null;
  /** --assume-in-transaction: the transaction the whole file runs in, until an explicit COMMIT ends it. */
  private readonly assumed: number | null;
  /** --since: a marker of a revision after REV has been seen. */
  private pastSince = false;
  /** Revision ids seen, for telling the user when --since / --revision names none of them. */
  readonly seen = new Set<string>();

  constructor(
    private readonly fileIndex: number,
    private readonly counter: TransactionCounter,
    private readonly range: RevisionRange = {},
    assumeInTransaction = false,
  ) {
    // as if the tool ran BEGIN before the file (and COMMIT after it)
    this.assumed = this.transaction = assumeInTransaction ? counter.next++ : null;
  }

  onComment(body: string, line: number): void {
    const revision = parseRevisionMarker(body, line);
    if (revision) {
      if (this.range.since !== undefined && this.revision?.id === this.range.since && revision.id !== this.range.since) this.pastSince = true;
      this.revision = revision;
      this.revisionSeq++;
      if (revision.id) this.seen.add(revision.id);
    }
  }

  /** Places a statement; call in file order. */
  place(statementIndex: number, operations: readonly Operation[]): StatementPlace {
    const control = operations.find((o) => o.op === "transaction");
    const transactionBefore = this.transaction;
    let transaction = this.transaction;
    if (control?.op === "transaction") {
      if (control.kind === "begin" && this.transaction === null) {
        transaction = this.transaction = this.counter.next++;
      } else if (control.kind === "commit" || control.kind === "rollback") {
        this.transaction = control.chain && this.transaction !== null ? this.counter.next++ : null;
      }
    }
    return {
      revision: this.revision,
      transaction,
      transactionBefore,
      transactionAssumed: transaction !== null && transaction === this.assumed,
      unit: this.unitFor(transaction, statementIndex),
      bookkeeping: operations.some(isBookkeeping),
      reported: this.reported,
    };
  }

  /** The revision a comment (or statement) at this point belongs to. */
  get currentRevision(): Revision | null {
    return this.revision;
  }

  /** Whether findings at this point are reported (--since, --revision, the revisions selected). */
  get reported(): boolean {
    const { since, revision, revisions } = this.range;
    if (since !== undefined) return this.pastSince;
    if (revision !== undefined) return this.revision?.id === revision;
    if (revisions !== undefined) return this.revision !== null && revisions.has(stepOwner(this.revision) ?? "");
    return true;
  }

  /** The transaction still open at the end of the file, if any (the assumed one is committed there). */
  get openTransaction(): number | null {
    return this.transaction === this.assumed ? null : this.transaction;
  }

  private unitFor(transaction: number | null, statementIndex: number): DeployUnit {
    if (this.pastSince || (this.revision !== null && this.reported && this.range.together?.has(stepOwner(this.revision) ?? "")))
      return { key: `f${this.fileIndex}:deploy`, label: "deploy" };
    if (this.revision) return { key: `f${this.fileIndex}:r${this.revisionSeq}`, label: "revision" };
    if (transaction !== null) return { key: `t${transaction}`, label: "transaction" };
    return { key: `f${this.fileIndex}:s${statementIndex}`, label: "statement" };
  }
}

export const VERSION_TABLE = "alembic_version";

function isBookkeeping(operation: Operation): boolean {
  switch (operation.op) {
    case "create-table":
    case "insert":
    case "update":
    case "delete":
      return operation.table.name === VERSION_TABLE;
    case "drop-relation":
      return operation.relation.name === VERSION_TABLE;
    case "create-view":
    case "create-table-as":
    case "drop-index":
    case "add-column":
    case "drop-column":
    case "alter-column-type":
    case "set-not-null":
    case "drop-not-null":
    case "set-default":
    case "drop-default":
    case "add-constraint":
    case "validate-constraint":
    case "drop-constraint":
    case "rename-table":
    case "rename-column":
    case "rename-index":
    case "rename-constraint":
    case "set-schema":
    case "create-index":
    case "reindex":
    case "create-enum":
    case "add-enum-value":
    case "rename-enum-value":
    case "drop-type":
    case "truncate":
    case "select":
    case "vacuum":
    case "cluster":
    case "refresh-materialized-view":
    case "attach-partition":
    case "detach-partition":
    case "lock-table":
    case "create-trigger":
    case "drop-trigger":
    case "enable-disable-trigger":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "drop-schema":
    case "rename-schema":
    case "drop-database":
    case "domain-constraint":
    case "alter-table-other":
    case "no-table-lock":
    case "alter-sequence":
    case "table-object":
    case "attach-index":
    case "unknown":
      return false;
    default: {
      const unhandled: never = operation;
      throw new Error(`no case for the operation ${JSON.stringify(unhandled)}`);
    }
  }
}
