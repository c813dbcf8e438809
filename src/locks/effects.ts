import { alterTableFact, alterTableRowId, lockFact, RECURSES_TO_INHERITORS, RECURSES_TO_PARTITIONS, type FactId, type LockFact, type RoleOf } from "./facts.js";
import { blockedBy, stronger, unionBlocked, type Blocked, type LockMode } from "./modes.js";
import type { ColumnSpec, ConstraintSpec, Operation, SideLock } from "../sql/operations.js";
import {
  allInheritors,
  foreignKeysOnColumn,
  hasIndexLeadingWith,
  relationKey,
  type Constraint,
  type Index,
  type Origin,
  type Schema,
  type Table,
} from "../schema/schema.js";
import { quoteIdent, type ColumnType, type RelationName } from "../sql/ast.js";
import type { DeployUnit } from "../sql/script.js";
import { typeChangeVerdict, type TypeChangeVerdict } from "../schema/type-change.js";
import { isDefaultStorage } from "../schema/replay.js";
import { since } from "./versions.js";

/**
 * The single source of truth for what a statement does to the relations it touches: the lock
 * mode, whether the relation is rewritten (a new file, every row copied) and whether its rows are
 * read in full (validation, index build, backfill). Computed from the schema as it stands before
 * the operation. Rules never recompute any of this; the test suite checks it against PostgreSQL.
 */

export type RelationKind = "table" | "partitioned table" | "index" | "view" | "materialized view" | "type" | "sequence";

/** Why a lock is harmless: nobody else can be using the relation yet. */
export type Novelty =
  "created by this statement" | "created earlier in this revision" | "created earlier in this deploy" | "created earlier in this transaction";

/** The work a statement does on one relation while it holds the lock (filled in by cost/estimate). */
export interface WorkEstimate {
  /** Central estimate of the statement's own work on the relation, in milliseconds. */
  ms: number;
  /** What the work is: "rewrite 3.1 GB", "index build over 2.0 GB", ... */
  basis: string;
}

export interface RelationLock {
  /** As written in the statement (or as the schema knows it, for relations the statement implies). */
  relation: string;
  key: string;
  kind: RelationKind;
  mode: LockMode;
  blocks: Blocked[];
  rewrite: boolean;
  scan: boolean;
  /** Non-null when the relation is new in this deploy unit: locking it blocks nobody. */
  novelty: Novelty | null;
  /** Created earlier in the open transaction (or by this statement): invisible outside it whatever the deploy unit. */
  newInTransaction: boolean;
  /** Short phrases saying why: "index build", "validates the CHECK constraint", ... */
  why: string[];
  /** The statement's own work on the relation, when table statistics were given. */
  work?: WorkEstimate | null;
}

export interface OperationEffect {
  operation: Operation;
  locks: RelationLock[];
  /**
   * Locks on objects that are not relations (kind "type": pg_locks shows them as locktype 'object'
   * on pg_type). Kept apart from `locks`: no table is locked and its reads and writes never wait
   * for them, so the rules, the timelines and the estimates do not see them; `locklint locks` shows them.
   */
  objectLocks: RelationLock[];
  /** alter-column-type: the verdict on rewriting. */
  typeChange?: TypeChangeVerdict & { from: ColumnType | null };
  /** The rows and roles of the lock-facts table this effect read (`<row> / <role>`). */
  facts: string[];
  /** set-not-null: why no scan is needed, when none is. */
  notNullProof?: string;
  /** add-column: the column would be NOT NULL with nothing to fill existing rows. */
  requiredWithoutDefault?: boolean;
  /** add-column / set-default: the default is evaluated per row. */
  perRowDefault?: { volatile: string[]; unknown: string[] };
}

export interface StatementEffects {
  operations: OperationEffect[];
  /** Per relation, merged over the statement's operations: strongest mode, any rewrite, any scan. */
  locks: RelationLock[];
  /** Whether PostgreSQL accepts the statement inside a transaction block. */
  transactional: boolean;
  /** Why not, when it is not (e.g. "CREATE INDEX CONCURRENTLY"). */
  nonTransactionalReason: string | null;
  /** False when locklint does not model the statement (a DO block, an unknown command). */
  analysed: boolean;
  /** Why locklint could not work out the effects of a statement it models (an error of its own): reported, never silent. */
  failure?: string;
}

export interface EffectsContext {
  schema: Schema;
  pgVersion: number;
  unitKey: string;
  unitLabel: DeployUnit["label"];
  /** The open transaction, null outside one. */
  transaction: number | null;
  utcSession: boolean;
}

/** Conditions on the schema or the statement that the facts table cannot hold (see each use). */
interface LockOptions {
  rewrite?: boolean | undefined;
  scan?: boolean | undefined;
  why?: string;
  novelty?: Novelty | null;
  /** More traffic stopped than the mode says (REINDEX: the index's lock stops the table's reads). */
  alsoBlocks?: Blocked[];
  /** ONLY / NO INHERIT: the inheritance children are not reached. */
  notInherited?: boolean;
}

class Locks {
  readonly list: RelationLock[] = [];
  readonly objects: RelationLock[] = [];
  /** The rows and roles of the facts table this operation read (`<row> / <role>`): the tests ask that each be verified. */
  readonly facts: string[] = [];

  constructor(private readonly ctx: EffectsContext) {}

  /** Locks a table as row `id` of the facts table says for `role`. */
  table<F extends FactId>(ref: RelationName | Table, id: F, role: RoleOf<F>, options: LockOptions = {}): void {
    const fact = lockFact(id, role, this.ctx.pgVersion);
    const table = "written" in ref ? this.ctx.schema.table(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    const used = `${id} / ${role}`;
    if (role === "table" && table?.kind === "partitioned table" && RECURSES_TO_PARTITIONS.has(id)) {
      this.tableWith(ref, used, fact, { ...options, rewrite: false, scan: false });
      for (const partition of allPartitions(table)) this.tableWith(partition, used, fact, { ...options, why: `partition of ${written}` });
      return;
    }
    this.tableWith(ref, used, fact, options);
    if (role === "table" && table && RECURSES_TO_INHERITORS.has(id) && !options.notInherited) {
      for (const child of allInheritors(table)) this.tableWith(child, used, fact, { ...options, why: `inherits from ${written}` });
    }
  }

  /** Locks an index as row `id` of the facts table says for `role`. */
  index<F extends FactId>(ref: RelationName | Index, id: F, role: RoleOf<F>, options: LockOptions = {}): void {
    const fact = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    const index = "written" in ref ? this.ctx.schema.index(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    this.add(written, relationKey(ref.schema, ref.name), "index", fact.mode, withFact(fact, options), index?.createdIn ?? null);
  }

  /**
   * Locks a type (an object lock: pg_locks shows it as locktype 'object' on pg_type). Tables that use
   * the type are not locked, and their reads and writes never wait for it: only DDL on the type does.
   */
  type<F extends FactId>(ref: RelationName, id: F, role: RoleOf<F>): void {
    const fact = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    const type = this.ctx.schema.enumType(ref.schema, ref.name);
    this.add(ref.written, relationKey(ref.schema, ref.name), "type", fact.mode, withFact(fact, {}), type?.createdIn ?? null, ["ddl"]);
    this.objects.push(this.list.pop()!);
  }

  /**
   * Locks a sequence (kept with the object locks: no table's reads or writes wait for it, but
   * nextval() does, and with it the INSERTs that draw from the sequence).
   */
  sequence<F extends FactId>(ref: RelationName, id: F, role: RoleOf<F>, options: LockOptions = {}): void {
    const fact = lockFact(id, role, this.ctx.pgVersion);
    this.facts.push(`${id} / ${role}`);
    this.add(ref.written, relationKey(ref.schema, ref.name), "sequence", fact.mode, withFact(fact, options), null);
    this.objects.push(this.list.pop()!);
  }

  /** Locks a table with `fact`, the row `used` names. */
  tableWith(ref: RelationName | Table, used: string, fact: LockFact, options: LockOptions = {}): void {
    this.facts.push(used);
    const table = "written" in ref ? this.ctx.schema.table(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    const kind: RelationKind = table?.kind ?? "table";
    this.add(written, relationKey(ref.schema, ref.name), kind, fact.mode, withFact(fact, options), table?.createdIn ?? null);
  }

  private add(
    relation: string,
    key: string,
    kind: RelationKind,
    mode: LockMode,
    options: LockOptions,
    createdIn: Origin | null,
    blocks: Blocked[] = blockedBy(mode),
  ): void {
    const novelty = options.novelty !== undefined ? options.novelty : this.noveltyOf(createdIn);
    const why = options.why ? [options.why] : [];
    if (options.alsoBlocks) blocks = unionBlocked(blocks, options.alsoBlocks);
    // with --since, what the revisions before the deploy created exists already, even if the printed SQL has one transaction
    const sameTransaction = createdIn !== null && createdIn.transaction !== null && createdIn.transaction === this.ctx.transaction;
    const newInTransaction =
      novelty === "created by this statement" || (sameTransaction && (this.ctx.unitLabel !== "deploy" || createdIn.unit === this.ctx.unitKey));
    this.list.push({
      relation,
      key,
      kind,
      mode,
      blocks,
      rewrite: Boolean(options.rewrite),
      scan: Boolean(options.scan ?? options.rewrite),
      novelty,
      newInTransaction,
      why,
    });
  }

  private noveltyOf(createdIn: Origin | null): Novelty | null {
    if (createdIn === null || createdIn.unit !== this.ctx.unitKey) return null;
    return this.ctx.unitLabel === "revision"
      ? "created earlier in this revision"
      : this.ctx.unitLabel === "deploy"
        ? "created earlier in this deploy"
        : "created earlier in this transaction";
  }
}

/** The fact's rewrite and scan, unless a condition of the schema says otherwise. */
function withFact(fact: LockFact, options: LockOptions): LockOptions {
  return { ...options, rewrite: options.rewrite ?? fact.rewrite, scan: options.scan ?? fact.scan };
}

function writtenName(ref: { schema: string | null; name: string }): string {
  return ref.schema ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}` : quoteIdent(ref.name);
}

/** The tables whose foreign keys reference `table`, and those referencing them, and so on (each once, `table` itself left out). */
function referencingClosure(table: Table): Table[] {
  const found = new Set<Table>([table]);
  const walk = (t: Table): void => {
    for (const referencing of t.referencedBy)
      if (!found.has(referencing)) {
        found.add(referencing);
        walk(referencing);
      }
  };
  walk(table);
  found.delete(table);
  return [...found];
}

/** What DDL on another object locks (measured on PostgreSQL 15.18 and PGlite 18.6). */
function sideLock(side: SideLock, what: string, schema: Schema, locks: Locks): void {
  switch (side.kind) {
    case "sequence-ddl":
      // nextval(), and with it the INSERTs that draw from the sequence, wait
      locks.sequence(side.sequence, "sequence-ddl", "sequence", { why: what });
      // measured on PostgreSQL 15.18: CASCADE drops the defaults that draw from it, under ACCESS EXCLUSIVE on their tables
      if (side.cascade)
        for (const table of schema.tablesUsingSequence(side.sequence.name))
          locks.table(table, "sequence-ddl", "owning table", { why: `CASCADE drops its default from ${side.sequence.written}` });
      break;
    case "create-statistics":
      locks.table(side.table, "create-statistics", "table", { why: "CREATE STATISTICS" });
      break;
    case "rename-table-object":
      locks.table(side.table, "table-object", "table", { why: what });
      break;
    case "drop-statistics": {
      const table = schema.statisticsTable(side.statistics);
      if (table) locks.table(table, "create-statistics", "table", { why: "DROP STATISTICS" });
      break;
    }
    case "owned-by":
      locks.table(side.table, "alter-sequence-owned-by", "owning table", { why: "OWNED BY looks up the column" });
      break;
    case "domain-not-null":
      for (const table of schema.tablesUsingType(side.domain))
        locks.table(table, "add-domain-constraint", "column of the domain", { why: `checks its ${side.domain.written} columns for NULLs` });
      break;
  }
}

/** Effects of one operation, given the schema before it. */
export function operationEffect(operation: Operation, ctx: EffectsContext): OperationEffect {
  const locks = new Locks(ctx);
  const effect: OperationEffect = { operation, locks: locks.list, objectLocks: locks.objects, facts: locks.facts };
  const { schema, pgVersion } = ctx;
  switch (operation.op) {
    case "create-table": {
      if (operation.temporary) break;
      // measured on PGlite 18.6 and PostgreSQL 11 and 15: IF NOT EXISTS on an existing table takes no lock (a notice)
      if (operation.ifNotExists && schema.table(operation.table)) break;
      locks.table(operation.table, "create-table", "new table", { novelty: "created by this statement" });
      if (operation.partitionOf) {
        locks.table(operation.partitionOf, "create-table", "partition parent", { why: "new partition" });
        const defaultPartition = findDefaultPartition(schema.table(operation.partitionOf));
        if (defaultPartition) locks.table(defaultPartition, "create-table", "default partition", { why: "checks the default partition's rows" });
      }
      for (const parent of operation.inherits) locks.table(parent, "create-table", "inheritance parent", { why: "new child table" });
      for (const like of operation.likes) locks.table(like, "create-table", "LIKE source", { why: "LIKE copies its definition" });
      for (const fk of operation.constraints) {
        if (fk.kind === "foreign-key" && fk.references && !sameRelation(fk.references, operation.table)) {
          locks.table(fk.references, "create-table", "referenced table", { why: "foreign key to it" });
        }
      }
      break;
    }
    case "create-view":
      for (const read of operation.reads)
        locks.table(read, operation.materialized ? "create-materialized-view" : "create-view", "read table", {
          why: operation.noData ? "WITH NO DATA: nothing read" : operation.materialized ? "read to populate the view" : "read by the view",
          ...(operation.noData ? { scan: false } : {}),
        });
      // A new view is not locked at all; replacing one locks it. A new materialized view is (nobody sees it yet).
      if (operation.materialized)
        locks.table(operation.view, "create-materialized-view", "new table", { novelty: "created by this statement", why: "created and filled" });
      if (operation.orReplace && schema.table(operation.view)) locks.table(operation.view, "create-view", "view", { why: "view replaced" });
      break;
    case "create-table-as":
      for (const read of operation.reads) {
        const fill = operation.noData ? { scan: false, why: "WITH NO DATA: nothing read" } : { why: "read to fill the table" };
        locks.table(read, "create-table-as", "read table", fill);
        const view = schema.table(read);
        if (view) for (const base of viewBases(view)) locks.table(base, "create-table-as", "read table", { ...fill, why: `read through view ${read.written}` });
      }
      locks.table(operation.table, "create-table-as", "new table", { novelty: "created by this statement" });
      break;
    case "drop-relation": {
      const table = schema.table(operation.relation);
      locks.table(operation.relation, "drop-table", "table", { why: "dropped" });
      if (table) {
        for (const c of table.constraints.values()) {
          if (c.references && c.references !== table)
            locks.table(c.references, "drop-table", "referenced table", { why: `its foreign key ${c.name} is removed from this table` });
        }
        if (operation.cascade) {
          for (const referencing of table.referencedBy)
            if (referencing !== table) locks.table(referencing, "drop-table", "referencing table", { why: "CASCADE drops its foreign key" });
        }
        if (table.partitionOf) {
          locks.table(table.partitionOf, "drop-table", "partition parent", { why: "loses a partition" });
          const defaultPartition = findDefaultPartition(table.partitionOf);
          if (defaultPartition && defaultPartition !== table)
            locks.table(defaultPartition, "drop-table", "default partition", { why: "the default partition's bound changes" });
        }
        for (const partition of table.partitions) locks.table(partition, "drop-table", "partition", { why: "partition dropped with its parent" });
        if (operation.cascade) {
          // measured on PostgreSQL 15 and PGlite 18.6: CASCADE drops the inheritance children and the views over the table, each under ACCESS EXCLUSIVE
          for (const child of allInheritors(table)) locks.table(child, "drop-table", "table", { why: "CASCADE drops this inheritance child" });
          for (const view of schema.dependentViews(table)) locks.table(view, "drop-table", "table", { why: "CASCADE drops this view" });
        }
      }
      break;
    }
    case "drop-index": {
      const index = schema.index(operation.index);
      if (operation.concurrent) {
        if (index?.table) locks.table(index.table, "drop-index-concurrently", "table", { why: "DROP INDEX CONCURRENTLY" });
        else locks.index(operation.index, "drop-index-concurrently", "index", { why: "DROP INDEX CONCURRENTLY" });
      } else {
        if (index?.table) locks.table(index.table, "drop-index", "table", { why: `drops index ${index.name}` });
        // a partitioned index goes with the partitions' indexes attached to it: each partition is locked too
        if (index?.table?.kind === "partitioned table")
          for (const partition of allPartitions(index.table))
            locks.table(partition, "drop-index", "table", { why: `its index under ${index.name} is dropped` });
        locks.index(operation.index, "drop-index", "index", {
          why: index?.table ? "dropped" : "dropped; its table (not known from this script) is locked ACCESS EXCLUSIVE too",
        });
      }
      break;
    }
    case "add-column":
      if (operation.ifNotExists && schema.table(operation.table)?.columns.has(operation.column.name)) {
        // measured on PGlite 18.6 and PostgreSQL 11 and 15: still ACCESS EXCLUSIVE, nothing added
        locks.table(operation.table, "add-column-exists", "table", { why: `column ${operation.column.name} exists: nothing added` });
        break;
      }
      addColumnEffect(operation.table, operation.column, schema, locks, effect);
      break;
    case "drop-column": {
      locks.table(operation.table, "drop-column", "table", { why: `drops column ${operation.column}` });
      const table = schema.table(operation.table);
      if (!table) break;
      const { referenced, referencing } = foreignKeysOnColumn(table, operation.column);
      for (const [other, keys] of referenced)
        locks.table(other, "drop-column", "referenced table", { why: `${names(keys)} dropped with column ${operation.column}: its triggers here go` });
      // without CASCADE PostgreSQL refuses to drop a key other tables reference: the statement runs only with it
      for (const [other, keys] of referencing) locks.table(other, "drop-column", "referencing table", { why: `CASCADE drops its ${names(keys)}` });
      // measured on PostgreSQL 15.18: CASCADE drops the views that use the column, under ACCESS EXCLUSIVE
      if (operation.cascade)
        for (const view of schema.viewsUsingColumn(table, operation.column))
          locks.table(view, "drop-table", "table", { why: `CASCADE: uses column ${operation.column}` });
      break;
    }
    case "alter-column-type": {
      const table = schema.table(operation.table);
      const from = table?.columns.get(operation.column)?.type ?? null;
      const verdict = typeChangeVerdict(from, operation.type, operation.using, {
        utcConversionInPlace: since("timestampTzUtcWithoutRewrite", pgVersion),
        utcSession: ctx.utcSession,
      });
      effect.typeChange = { ...verdict, from };
      const reindexed =
        table && (operation.collation !== null || verdict.rebuildsIndexes)
          ? [...table.indexes].filter((index) => index.columns.includes(operation.column))
          : [];
      if (!verdict.rewrite && reindexed.length > 0) {
        // measured on PGlite 18.6 and PostgreSQL 11 and 15: a new collation (or citext's operator class) keeps the rows but rebuilds the column's indexes
        const cause = operation.collation !== null ? "COLLATE" : "the new operator class";
        locks.table(operation.table, "alter-column-type-collation", "table", {
          why: `type change without rewrite; ${cause} rebuilds ${reindexed.map((i) => i.name).join(", ")}`,
        });
        for (const index of reindexed) locks.index(index, "alter-column-type-collation", "index", { why: `rebuilt for ${cause}` });
      } else if (!verdict.rewrite) {
        locks.table(operation.table, "alter-column-type", "table", { why: "type change without rewrite" });
      } else {
        locks.table(operation.table, "alter-column-type-rewrite", "table", { why: "type change rewrites the table and its indexes" });
        // a partitioned table's own indexes have no storage: its partitions' indexes are rebuilt
        const partitioned = table?.kind === "partitioned table";
        // (a partitioned table's own indexes are not locked: measured on PostgreSQL 15)
        for (const owner of table ? [table, ...(partitioned ? allPartitions(table) : [])] : [])
          if (owner.kind !== "partitioned table")
            for (const index of owner.indexes) locks.index(index, "alter-column-type-rewrite", "index", { why: "rebuilt with the table" });
      }
      if (table) foreignKeyRebuild(table, operation.column, verdict.rewrite, locks);
      break;
    }
    case "set-not-null": {
      const proof = notNullProof(schema.table(operation.table), operation.column, pgVersion);
      if (proof) effect.notNullProof = proof;
      if (proof) {
        locks.table(operation.table, "set-not-null-proven", "table", { why: `SET NOT NULL without a scan: ${proof}` });
        break;
      }
      const table = schema.table(operation.table);
      if (table?.kind !== "partitioned table") {
        locks.table(operation.table, "set-not-null", "table", { why: "SET NOT NULL scans every row" });
        break;
      }
      locks.table(operation.table, "set-not-null", "table", { scan: false, why: "SET NOT NULL on each partition" });
      for (const partition of allPartitions(table)) locks.table(partition, "set-not-null", "partition", { why: "SET NOT NULL scans the partition's rows" });
      break;
    }
    case "drop-not-null":
      locks.table(operation.table, "drop-not-null", "table");
      break;
    case "drop-default":
      locks.table(operation.table, "drop-default", "table");
      break;
    case "set-default":
      locks.table(operation.table, "set-default", "table", { why: "new default applies to future rows only" });
      break;
    case "add-constraint":
      addConstraintEffect(operation.table, operation.constraint, ctx, locks);
      break;
    case "validate-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      if (constraint?.validated) {
        // measured on PostgreSQL 15.18: nothing to check, the referenced table is not locked
        locks.table(operation.table, "validate-constraint-valid", "table", { why: `${operation.name} is already valid: nothing read` });
        break;
      }
      locks.table(operation.table, "validate-constraint", "table", { why: `validates ${operation.name}` });
      if (constraint?.references) locks.table(constraint.references, "validate-constraint", "referenced table", { why: "referenced rows are checked" });
      break;
    }
    case "drop-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      locks.table(operation.table, "drop-constraint", "table", { why: `drops constraint ${operation.name}` });
      if (constraint?.references && constraint.references !== table)
        locks.table(constraint.references, "drop-constraint", "referenced table", { why: "its foreign-key triggers are removed" });
      if (table && operation.cascade && (constraint?.kind === "primary-key" || constraint?.kind === "unique")) {
        for (const referencing of table.referencedBy)
          if (referencing !== table) locks.table(referencing, "drop-constraint", "referencing table", { why: "CASCADE drops its foreign key" });
      }
      break;
    }
    case "rename-table":
    case "rename-constraint":
      locks.table(operation.table, "rename", "table", { why: "renamed" });
      break;
    case "rename-column": {
      // the column is renamed in the partitions and inheritance children too (measured on PostgreSQL 15 and PGlite 18.6)
      locks.table(operation.table, "rename", "table", { why: "renamed" });
      const table = schema.table(operation.table);
      for (const child of table ? [...allPartitions(table), ...allInheritors(table)] : [])
        locks.table(child, "rename", "table", { why: `column renamed with ${operation.table.written}'s` });
      break;
    }
    case "set-schema":
      locks.table(operation.relation, "set-schema", "table", { why: "moved to another schema" });
      break;
    case "rename-index":
      locks.index(operation.index, "rename-index", "index", { why: "renamed" });
      break;
    case "create-index": {
      const table = schema.table(operation.table);
      const row = operation.concurrent ? "create-index-concurrently" : "create-index";
      // A partitioned table has no rows of its own: the build scans each partition.
      if (operation.ifNotExists && operation.index && schema.index(operation.index)) {
        // measured on PGlite 18.6 and PostgreSQL 11 and 15: the table is locked before the name is checked; nothing is built
        locks.table(operation.table, operation.concurrent ? "create-index-concurrently-exists" : "create-index-exists", "table", {
          why: `index ${operation.index.written} exists: nothing built`,
        });
        break;
      }
      if (operation.only && table?.kind === "partitioned table") {
        locks.table(operation.table, "create-index-only", "table", { why: "ON ONLY: an invalid index on the parent alone, no partition read" });
        if (operation.index) locks.index(operation.index, "create-index-only", "new index", { novelty: "created by this statement" });
        break;
      }
      const partitioned = table?.kind === "partitioned table";
      locks.table(operation.table, row, "table", {
        scan: partitioned ? false : undefined,
        why: operation.concurrent ? "concurrent index build (two scans, no write block)" : "index build",
      });
      if (partitioned) for (const partition of allPartitions(table)) locks.table(partition, row, "partition", { why: "index build on the partition" });
      if (operation.index) locks.index(operation.index, row, "new index", { novelty: "created by this statement" });
      break;
    }
    case "reindex":
      reindexEffect(operation, ctx, locks);
      break;
    case "truncate": {
      locks.table(operation.table, "truncate", "table", { why: "TRUNCATE replaces the table's files", notInherited: operation.only });
      const table = schema.table(operation.table);
      // CASCADE empties the tables that reference it, and those that reference them (measured on PostgreSQL 15: two keys away)
      if (table && operation.cascade)
        for (const referencing of referencingClosure(table)) locks.table(referencing, "truncate", "referencing table", { why: "TRUNCATE CASCADE" });
      break;
    }
    case "update": {
      const table = schema.table(operation.table);
      locks.table(operation.table, "update", "table", operation.joined ? joinedSearch("updates") : rowSearch(table, operation.where, "updates"));
      if (table) {
        for (const c of table.constraints.values()) {
          if (c.references && c.references !== table && c.columns.some((col) => operation.columns.includes(col))) {
            locks.table(c.references, "update", "referenced table", { why: `foreign key ${c.name} checks the new values` });
          }
        }
      }
      // a referenced key changed: each referencing table is checked for rows that still point at the old values
      if (table)
        for (const [referencing, unindexed] of keyChangeChecks(table, operation.columns))
          locks.table(referencing, "delete-referencing-check", "referencing table", {
            scan: unindexed,
            why: `foreign key checks for referencing rows${unindexed ? "; no index on the referencing columns: scanned for each updated row" : ""}`,
          });
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "update", "read table", { why: "read" });
      break;
    }
    case "delete": {
      const table = schema.table(operation.table);
      locks.table(operation.table, "delete", "table", operation.joined ? joinedSearch("deletes") : rowSearch(table, operation.where, "deletes"));
      if (table) {
        for (const referencing of table.referencedBy) {
          if (referencing === table) continue;
          const actions = [...referencing.constraints.values()].filter((c) => c.references === table);
          const changesRows = actions.some((c) => c.onDelete === "c" || c.onDelete === "n" || c.onDelete === "d");
          // Each deleted row looks its referencing rows up: through an index on the key columns, else by a full scan.
          const unindexed = actions.some((c) => !hasIndexLeadingWith(referencing, c.columns));
          locks.table(referencing, changesRows ? "delete-referencing-action" : "delete-referencing-check", "referencing table", {
            scan: unindexed,
            why: `${changesRows ? "ON DELETE action changes its rows" : "foreign key checks for referencing rows"}${unindexed ? "; no index on the referencing columns: scanned for each deleted row" : ""}`,
          });
        }
      }
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "delete", "read table", { why: "read" });
      break;
    }
    case "insert": {
      locks.table(operation.table, "insert", "table", { why: "inserts rows" });
      const table = schema.table(operation.table);
      // a simple view (one table) is updatable: the rows go into its table (measured on PostgreSQL 15.18)
      const base = table?.kind === "view" && table.readsFrom.length === 1 ? table.readsFrom[0] : undefined;
      if (base && base.kind === "table") locks.table(base, "insert", "table", { why: `rows inserted through view ${operation.table.written}` });
      const written = base?.kind === "table" ? base : table;
      if (written) {
        for (const c of written.constraints.values()) {
          if (c.references && c.references !== written)
            locks.table(c.references, "insert", "referenced table", { why: `foreign key ${c.name} checks the new rows` });
        }
      }
      for (const read of readsBesides(operation.reads, operation.table)) locks.table(read, "insert", "read table", { why: "read" });
      break;
    }
    case "select": {
      const row = operation.locking ? "select-for-update" : "select";
      // one table read by an indexed WHERE: an index lookup, no table read in full
      const byKey = operation.reads.length === 1 && operation.where !== undefined && operation.where !== null;
      for (const read of operation.reads) {
        locks.table(read, row, "read table", byKey ? rowSearch(schema.table(read), operation.where ?? null, "reads") : { why: "read" });
        // a view is expanded: its tables are locked and read (measured on PostgreSQL 15.18)
        const view = schema.table(read);
        if (view) for (const base of viewBases(view)) locks.table(base, row, "read table", { why: `read through view ${read.written}` });
      }
      break;
    }
    case "vacuum":
      if (!operation.table) break;
      if (operation.analyzeOnly) locks.table(operation.table, "analyze", "table", { why: "ANALYZE samples rows" });
      else if (operation.full) locks.table(operation.table, "vacuum-full", "table", { why: "VACUUM FULL rewrites the table" });
      else locks.table(operation.table, "vacuum", "table", { why: "VACUUM" });
      break;
    case "cluster": {
      if (!operation.table) break;
      locks.table(operation.table, "cluster", "table", { why: "CLUSTER rewrites the table in index order" });
      const table = schema.table(operation.table);
      if (table) for (const index of table.indexes) locks.index(index, "cluster", "index", { why: "rebuilt with the table" });
      break;
    }
    case "refresh-materialized-view": {
      if (!operation.withData) {
        locks.table(operation.view, "refresh-materialized-view-no-data", "view", { why: "WITH NO DATA empties the view: its tables are not read" });
        break;
      }
      const view = schema.table(operation.view);
      const row = operation.concurrent ? "refresh-materialized-view-concurrently" : "refresh-materialized-view";
      for (const read of view?.readsFrom ?? []) locks.table(read, row, "read table", { why: "read to refresh the view" });
      locks.table(operation.view, row, "view", {
        why: operation.concurrent ? "REFRESH ... CONCURRENTLY compares old and new rows" : "REFRESH replaces the view's contents",
      });
      break;
    }
    case "attach-partition": {
      const parent = schema.table(operation.table);
      const partition = schema.table(operation.partition);
      locks.table(operation.table, "attach-partition", "partition parent", { why: "gains a partition" });
      const implied = partition && parent ? partitionConstraintImplied(partition, parent) : false;
      // the parent's partitioned indexes are built on the new partition (AttachPartitionEnsureIndexes), bound proven or not
      const indexed = (parent?.indexes.size ?? 0) > 0;
      locks.table(operation.partition, "attach-partition", "partition", {
        scan: implied && !indexed ? false : undefined,
        why: implied
          ? `a validated CHECK on the partition key spares the bound check${indexed ? "; the parent's indexes are built on it" : ""}`
          : "every row is checked against the partition bound",
      });
      const defaultPartition = operation.defaultPartition ? undefined : findDefaultPartition(parent);
      if (defaultPartition)
        locks.table(defaultPartition, "attach-partition", "default partition", { why: "the default partition is checked for rows of the new bound" });
      break;
    }
    case "detach-partition": {
      const row = operation.concurrent || operation.finalize ? "detach-partition-concurrently" : "detach-partition";
      locks.table(operation.table, row, "partition parent", { why: "loses a partition" });
      locks.table(operation.partition, row, "partition", { why: "detached" });
      // The default partition's implicit constraint changes (CONCURRENTLY is refused when there is one).
      const defaultPartition = findDefaultPartition(schema.table(operation.table));
      if (defaultPartition && !sameRelation(defaultPartition, operation.partition))
        locks.table(defaultPartition, row, "default partition", { why: "the default partition's bound changes" });
      break;
    }
    case "lock-table": {
      // The one lock not in the facts table: the statement names its mode. PostgreSQL locks a
      // partitioned table's partitions too (not with ONLY), and a view's tables and views, recursively.
      const named: LockFact = { mode: operation.mode, rewrite: false, scan: false };
      locks.tableWith(operation.table, "LOCK TABLE", named, { why: "LOCK TABLE" });
      const table = schema.table(operation.table);
      if (table && !operation.only)
        for (const partition of allPartitions(table)) locks.tableWith(partition, "LOCK TABLE", named, { why: "LOCK TABLE: a partition of it" });
      if (table && !operation.only)
        for (const child of allInheritors(table)) locks.tableWith(child, "LOCK TABLE", named, { why: "LOCK TABLE: an inheritance child of it" });
      if (table) for (const read of viewBases(table)) locks.tableWith(read, "LOCK TABLE", named, { why: `LOCK TABLE of view ${operation.table.written}` });
      break;
    }
    case "table-object":
      // measured on PostgreSQL 15.18: DROP ... IF EXISTS of an absent policy or rule locks nothing
      if (operation.ifExists && absentObject(schema.table(operation.table), `${operation.object}:${operation.name}`)) break;
      // measured on PGlite 18.6 and PostgreSQL 11 and 15: ACCESS EXCLUSIVE on the table
      locks.table(operation.table, "table-object", "table", { why: `${operation.action.toUpperCase()} ${operation.object.toUpperCase()}` });
      break;
    case "attach-index": {
      const parent = schema.index(operation.index);
      const child = schema.index(operation.partitionIndex);
      locks.index(operation.index, "attach-index", "index", { why: "gains a partition's index" });
      locks.index(operation.partitionIndex, "attach-index", "partition index", { why: "attached" });
      if (parent?.table) locks.table(parent.table, "attach-index", "table", { why: "its index gains a partition's index" });
      if (child?.table && child.table !== parent?.table) locks.table(child.table, "attach-index", "partition", { why: "its index is attached" });
      break;
    }
    case "create-trigger":
    case "enable-disable-trigger":
      locks.table(operation.table, "create-trigger", "table", { why: "trigger change" });
      break;
    case "drop-trigger":
      if (operation.ifExists && absentObject(schema.table(operation.table), `trigger:${operation.name}`)) break;
      locks.table(operation.table, "drop-trigger", "table", { why: "trigger dropped" });
      break;
    case "comment":
      if (operation.relation) {
        if (operation.on === "INDEX") locks.index(operation.relation, "comment", "index", { why: "COMMENT" });
        else locks.table(operation.relation, "comment", "table", { why: "COMMENT" });
      }
      // measured on PostgreSQL 15.18
      if (operation.tableOf) locks.table(operation.tableOf, "comment-on-object", "table", { why: `COMMENT ON ${operation.on}` });
      if (operation.type) locks.type(operation.type, "comment-on-object", "type");
      break;
    case "grant":
      // measured: PostgreSQL 11-17 lock no relation for GRANT / REVOKE, PGlite 18.6 ACCESS SHARE
      if (since("grantLocksTable", pgVersion)) locks.table(operation.relation, "grant", "table", { why: "GRANT / REVOKE" });
      break;
    case "alter-table-other": {
      const table = schema.table(operation.table);
      // SET LOGGED / UNLOGGED of a table that already is so does nothing
      // SET TABLESPACE / ACCESS METHOD to where a declared table is: nothing moved (measured on PostgreSQL 15.18 and PGlite 18.6)
      const persistenceUnchanged =
        table?.declared &&
        ((operation.form === "SET LOGGED" && !table.unlogged) ||
          (operation.form === "SET UNLOGGED" && table.unlogged) ||
          (!table.customStorage && table.kind === "table" && isDefaultStorage(operation.form, operation.target)));
      const detail = { options: operation.options, virtualColumn: operation.column !== null && table?.columns.get(operation.column)?.generated === "virtual" };
      const row = alterTableRowId(operation.form, detail);
      const fact = alterTableFact(operation.form, detail);
      if (operation.onIndex && (row === "alter-table: light storage parameters" || operation.form === "ALTER COLUMN SET STATISTICS")) {
        locks.index(operation.table, "alter-index-storage", "index", { why: operation.what });
        break;
      }
      if (operation.parent)
        locks.table(operation.parent, operation.form === "NO INHERIT" ? "no-inherit-parent" : "inherit-parent", "inheritance parent", {
          why: `${operation.form}: its children change`,
        });
      locks.tableWith(operation.table, `${row} / table`, fact, {
        rewrite: fact.rewrite && !persistenceUnchanged,
        scan: persistenceUnchanged ? false : undefined,
        why: operation.what,
      });
      break;
    }
    case "domain-constraint":
      // ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain (PGlite: SHARE on each table, a full scan)
      // VALIDATE CONSTRAINT checks them the same way (measured on PostgreSQL 15.18)
      if ((operation.action === "add" && !operation.notValid) || operation.action === "validate") {
        for (const table of schema.tablesUsingType(operation.domain))
          locks.table(table, "add-domain-constraint", "column of the domain", { why: `checks its ${operation.domain.written} columns` });
      }
      break;
    case "alter-sequence":
      // measured on PGlite 18.6 and PostgreSQL 11 and 15: SHARE ROW EXCLUSIVE on the sequence; OWNED BY looks the table up under ACCESS SHARE
      locks.sequence(operation.sequence, "alter-sequence", "sequence", { why: "nextval() waits" });
      if (operation.ownedBy) locks.table(operation.ownedBy, "alter-sequence-owned-by", "owning table", { why: "OWNED BY looks up the column" });
      break;
    case "add-enum-value":
    case "rename-enum-value":
      // measured on PGlite 18.6: EXCLUSIVE on the type (an object lock), no relation locked
      locks.type(operation.type, "alter-enum-value", "type");
      break;
    case "drop-schema":
      // measured on PostgreSQL 15.18: CASCADE drops the schema's tables, each under ACCESS EXCLUSIVE
      if (operation.cascade)
        for (const table of schema.tablesInSchema(operation.schema))
          locks.table(table, "drop-table", "table", { why: `DROP SCHEMA ${operation.schema} CASCADE` });
      break;
    case "rename-schema":
    case "drop-database":
      break;
    case "drop-type":
      // measured on PostgreSQL 15.18
      // IF EXISTS on a type the script does not know (an enum, or the type of a column): maybe absent, then nothing is locked
      if (operation.ifExists && !schema.enumType(operation.type.schema, operation.type.name) && schema.tablesUsingType(operation.type).length === 0) break;
      locks.type(operation.type, "drop-type", "type");
      if (operation.cascade)
        for (const table of schema.tablesUsingType(operation.type))
          locks.table(table, "drop-type", "column of the domain", { why: `CASCADE drops its ${operation.type.written} columns` });
      break;
    case "create-enum":
    case "set":
    case "transaction":
    case "unknown":
      break;
    case "no-table-lock":
      if (operation.locks) sideLock(operation.locks, operation.what, schema, locks);
      break;
    default: {
      const unhandled: never = operation;
      throw new Error(`effects: no case for operation ${JSON.stringify(unhandled)}`);
    }
  }
  return effect;
}

function addColumnEffect(tableRef: RelationName, column: ColumnSpec, schema: Schema, locks: Locks, effect: OperationEffect): void {
  const table = schema.table(tableRef);
  const defaultValue = column.default;
  const perRow = defaultValue !== null && (defaultValue.volatility === "volatile" || defaultValue.volatility === "unknown");
  const reasons: string[] = [];
  if (column.serial) reasons.push(`${column.type?.name ?? "serial"} fills every row from a sequence`);
  if (column.identity) reasons.push("an identity column fills every row from a sequence");
  if (column.generated === "stored") reasons.push("a stored generated column is computed for every row");
  // measured on PostgreSQL 15.18: with or without a default, the domain's CHECK is evaluated for every row, which are rewritten
  if (column.type && schema.isCheckedDomain(column.type)) reasons.push(`domain ${column.type.name}'s CHECK is evaluated for every row`);
  if (perRow) {
    effect.perRowDefault = { volatile: defaultValue.volatileFunctions, unknown: defaultValue.unknownFunctions };
    reasons.push(
      defaultValue.volatility === "volatile"
        ? `volatile default ${defaultValue.volatileFunctions.join(", ")}() is evaluated for every row`
        : `the default calls ${defaultValue.unknownFunctions.join(", ")}(), whose volatility is unknown`,
    );
  }
  const rewrite = reasons.length > 0;
  const constraints = column.constraints;
  const indexBuild = constraints.some((c) => c.kind === "unique" || c.kind === "primary-key" || c.kind === "exclude");
  const check = constraints.some((c) => c.kind === "check");
  const fkWithValues = defaultValue !== null && constraints.some((c) => c.kind === "foreign-key");
  const scan = rewrite || indexBuild || check || fkWithValues;
  const why = rewrite
    ? reasons.join("; ")
    : indexBuild
      ? "builds an index for the new column"
      : check
        ? "checks the new column's CHECK constraint"
        : `adds column ${column.name}`;
  const partitioned = table?.kind === "partitioned table";
  if (partitioned && !indexBuild && !check && !fkWithValues) {
    // a partitioned table has no rows of its own: each partition gets the column (measured on PGlite 18.6 and PostgreSQL 11 and 15)
    const row = rewrite ? "add-column-filled" : "add-column";
    locks.table(tableRef, row, "table", { rewrite: false, scan: false, why: `adds column ${column.name} to every partition` });
    for (const partition of allPartitions(table)) locks.table(partition, row, "partition", { why });
  } else locks.table(tableRef, rewrite ? "add-column-filled" : scan ? "add-column-checked" : "add-column", "table", { why });
  for (const c of constraints) {
    if (c.kind === "foreign-key" && c.references && !sameRelation(c.references, tableRef)) {
      locks.table(c.references, fkWithValues ? "add-column-checked" : "add-column", "referenced table", { why: "foreign key to it" });
    }
  }
  effect.requiredWithoutDefault = column.notNull && defaultValue === null && !column.serial && !column.identity && column.generated === null;
}

function addConstraintEffect(tableRef: RelationName, constraint: ConstraintSpec, ctx: EffectsContext, locks: Locks): void {
  const { schema } = ctx;
  switch (constraint.kind) {
    case "check":
    case "not-null": {
      const table = schema.table(tableRef);
      if (!constraint.notValid && table?.kind === "partitioned table") {
        locks.table(tableRef, "add-check", "table", { scan: false, why: "validates every partition under the lock" });
        for (const partition of allPartitions(table)) locks.table(partition, "add-check", "partition", { why: "validates the partition's rows" });
        break;
      }
      locks.table(tableRef, constraint.notValid ? "add-check-not-valid" : "add-check", "table", {
        why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row under the lock",
        notInherited: Boolean(constraint.noInherit),
      });
      const checked = schema.table(tableRef);
      if (constraint.noInherit && checked && since("noInheritCheckLocksChildren", ctx.pgVersion))
        for (const child of allInheritors(checked))
          locks.table(child, "add-check-no-inherit", "inheritance child", { why: "NO INHERIT: not checked, but locked" });
      break;
    }
    case "foreign-key": {
      const row = constraint.notValid ? "add-foreign-key-not-valid" : "add-foreign-key";
      locks.table(tableRef, row, "table", { why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row" });
      if (constraint.references && !sameRelation(constraint.references, tableRef)) {
        locks.table(constraint.references, row, "referenced table", { why: "referenced by the new foreign key" });
      }
      break;
    }
    case "unique":
    case "primary-key": {
      if (constraint.usingIndex) {
        const table = schema.table(tableRef);
        const nullable =
          constraint.kind === "primary-key" &&
          !columnsProvablyNotNull(
            table,
            constraint.columns.length ? constraint.columns : (schema.index({ schema: tableRef.schema, name: constraint.usingIndex })?.columns ?? []),
          );
        if (nullable)
          locks.table(tableRef, "add-primary-key-using-index-nullable", "table", { why: "USING INDEX, but the key columns must be checked for NULLs" });
        else locks.table(tableRef, "add-unique-using-index", "table", { why: "USING INDEX: no index build" });
      } else {
        locks.table(tableRef, "add-unique", "table", { why: "builds the index under the lock" });
      }
      break;
    }
    case "exclude":
      locks.table(tableRef, "add-exclusion", "table", { why: "builds the exclusion index under the lock" });
      break;
    default: {
      const unhandled: never = constraint.kind;
      throw new Error(`effects: no case for constraint kind ${String(unhandled)}`);
    }
  }
}

function reindexEffect(operation: Extract<Operation, { op: "reindex" }>, ctx: EffectsContext, locks: Locks): void {
  const row = operation.concurrent ? "reindex-concurrently" : "reindex";
  if (operation.target === "schema" && operation.schema) {
    // measured on PostgreSQL 15.18: each table of the schema as for REINDEX TABLE
    for (const table of ctx.schema.tablesInSchema(operation.schema)) {
      if (table.kind !== "table" && table.kind !== "materialized view") continue;
      // one table at a time, each in a transaction of its own: a probe of reads found none waiting
      locks.table(table, row, "table", { why: `REINDEX SCHEMA ${operation.schema}` });
      for (const index of table.indexes) locks.index(index, row, "index", { why: "rebuilt" });
    }
    return;
  }
  if (!operation.relation) return;
  if (operation.target === "index") {
    const index = ctx.schema.index(operation.relation);
    if (index?.table)
      locks.table(index.table, row, "table", {
        why: operation.concurrent
          ? "read to rebuild the index"
          : `read to rebuild the index; its reads wait too: queries planned on it open ${operation.relation.written}`,
        alsoBlocks: operation.concurrent ? [] : ["reads"],
      });
    locks.index(operation.relation, row, "index", { why: "rebuilt" });
  } else if (operation.target === "table") {
    const table = ctx.schema.table(operation.relation);
    locks.table(operation.relation, row, "table", {
      why: `${table ? "read to rebuild its indexes" : "read to rebuild its indexes (each index locked too)"}${operation.concurrent ? "" : "; its reads wait too: queries planned on it open its indexes"}`,
      alsoBlocks: operation.concurrent ? [] : ["reads"],
    });
    if (table) for (const index of table.indexes) locks.index(index, row, "index", { why: "rebuilt" });
  }
}

/** The tables referencing `table` by a key with one of `columns`, and whether any such key has no index on its referencing columns. */
function keyChangeChecks(table: Table, columns: readonly string[]): Map<Table, boolean> {
  const primaryKey = [...table.constraints.values()].find((c) => c.kind === "primary-key")?.columns ?? [];
  const found = new Map<Table, boolean>();
  for (const referencing of table.referencedBy) {
    if (referencing === table) continue;
    for (const c of referencing.constraints.values()) {
      if (c.references !== table) continue;
      const referenced = c.referencedColumns?.length ? c.referencedColumns : primaryKey;
      if (!referenced.some((col) => columns.includes(col))) continue;
      found.set(referencing, (found.get(referencing) ?? false) || !hasIndexLeadingWith(referencing, c.columns));
    }
  }
  return found;
}

/** A trigger, policy or rule a table the script declared does not have (the script would have created it). */
function absentObject(table: Table | undefined, key: string): boolean {
  return table !== undefined && table.declared && !table.objects.has(key);
}

/** The relations a statement reads, other than the one it writes. */
function readsBesides(reads: RelationName[], target: RelationName): RelationName[] {
  return reads.filter((read) => !sameRelation(read, target));
}

/**
 * ALTER COLUMN TYPE of a column in a foreign key (either end): PostgreSQL drops the key and adds it
 * again, which takes ACCESS EXCLUSIVE on the other table; after a rewriting change a validated key
 * is checked again, reading both tables (PGlite: src/docs/effects-cases.ts).
 */
function foreignKeyRebuild(table: Table, column: string, rewrite: boolean, locks: Locks): void {
  const { referenced, referencing } = foreignKeysOnColumn(table, column);
  for (const [role, byTable] of [
    ["referenced table", referenced],
    ["referencing table", referencing],
  ] as const) {
    for (const [other, keys] of byTable) {
      const why = `${names(keys)} rebuilt for the new type`;
      if (!rewrite) locks.table(other, "alter-column-type", role, { why });
      else if (keys.some((k) => k.validated)) locks.table(other, "alter-column-type-rewrite-revalidated", role, { why: `${why} and checked again` });
      else locks.table(other, "alter-column-type-rewrite", role, { why: `${why} (NOT VALID: not checked)` });
    }
  }
}

/** "foreign key a_fkey" or "foreign keys a_fkey, b_fkey". */
function names(keys: readonly Constraint[]): string {
  return `foreign key${keys.length > 1 ? "s" : ""} ${keys.map((k) => k.name).join(", ")}`;
}

function sameRelation(a: Pick<RelationName, "schema" | "name">, b: Pick<RelationName, "schema" | "name">): boolean {
  return relationKey(a.schema, a.name) === relationKey(b.schema, b.name);
}

/**
 * How UPDATE or DELETE finds its rows: all of them without a WHERE; through an index when the
 * WHERE reads an index's leading column (as the planner does on a table of any size); else a scan.
 */
/** UPDATE ... FROM / DELETE ... USING: the join reads the target in full (measured on PostgreSQL 15.18, a hash join even by key). */
function joinedSearch(verb: string): LockOptions {
  return { scan: true, why: `${verb} the rows its join finds, reading the whole table` };
}

function rowSearch(table: Table | undefined, where: string[] | null, verb: string): LockOptions {
  if (where === null) return { scan: true, why: `${verb} every row` };
  const indexed = table !== undefined && [...table.indexes].some((index) => index.columns[0] !== undefined && where.includes(index.columns[0]));
  return indexed
    ? { scan: false, why: `${verb} the rows an index finds` }
    : { scan: true, why: `${verb} the rows its WHERE finds, reading the whole table (no index on ${where.join(", ") || "it"})` };
}

/** A partitioned table's partitions, and theirs, recursively. */
function allPartitions(table: Table): Table[] {
  const found: Table[] = [];
  for (const partition of table.partitions) found.push(partition, ...allPartitions(partition));
  return found;
}

/** The relations a view reads, and those of the views it reads, recursively (LOCK TABLE locks them all). */
function viewBases(view: Table, seen = new Set<Table>()): Table[] {
  if (view.kind !== "view") return [];
  const found: Table[] = [];
  for (const read of view.readsFrom) {
    if (seen.has(read)) continue;
    seen.add(read);
    found.push(read, ...viewBases(read, seen));
  }
  return found;
}

function findDefaultPartition(parent: Table | undefined): Table | undefined {
  if (!parent) return undefined;
  for (const partition of parent.partitions) if (partition.isDefaultPartition) return partition;
  return undefined;
}

/** A validated CHECK on every partition key column is taken as implying the bound (PostgreSQL then skips the scan). */
function partitionConstraintImplied(partition: Table, parent: Table): boolean {
  if (parent.partitionKey.length === 0) return false;
  const checked = new Set<string>();
  for (const c of partition.constraints.values()) if (c.kind === "check" && c.validated) for (const col of c.columns) checked.add(col);
  return parent.partitionKey.every((col) => checked.has(col));
}

/** Why SET NOT NULL can skip its scan, or null when it must scan. */
function notNullProof(table: Table | undefined, column: string, pgVersion: number): string | null {
  const col = table?.columns.get(column);
  if (col?.notNull) return "the column is already NOT NULL";
  if (!since("setNotNullCheckProof", pgVersion) || !table) return null;
  for (const c of table.constraints.values()) {
    if (c.kind === "check" && c.validated && c.provesNotNull === column) return `validated CHECK constraint ${c.name} proves it (PostgreSQL 12+)`;
  }
  return null;
}

function columnsProvablyNotNull(table: Table | undefined, columns: string[]): boolean {
  if (!table || columns.length === 0) return false;
  return columns.every((c) => table.columns.get(c)?.notNull);
}

/** Whether a statement may run inside a transaction block, and if not, what PostgreSQL calls it. */
export function transactionRequirement(operations: readonly Operation[], pgVersion: number): string | null {
  for (const operation of operations) {
    const refused = refusedInTransaction(operation, pgVersion);
    if (refused) return refused;
  }
  return null;
}

/** What PostgreSQL calls an operation it refuses inside a transaction block, or null when it runs there. */
function refusedInTransaction(o: Operation, pgVersion: number): string | null {
  switch (o.op) {
    case "create-index":
      return o.concurrent ? "CREATE INDEX CONCURRENTLY" : null;
    case "drop-index":
      return o.concurrent ? "DROP INDEX CONCURRENTLY" : null;
    case "reindex":
      if (o.concurrent) return "REINDEX CONCURRENTLY";
      return o.target === "schema" || o.target === "database" || o.target === "system" ? `REINDEX ${o.target.toUpperCase()}` : null;
    case "detach-partition":
      return o.concurrent ? "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY" : null;
    case "vacuum":
      return o.analyzeOnly ? null : "VACUUM";
    case "cluster":
      return o.table ? null : "CLUSTER without a table name";
    case "add-enum-value":
      return since("enumAddValueInTransaction", pgVersion) ? null : "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)";
    case "create-table":
    case "create-view":
    case "create-table-as":
    case "drop-relation":
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
    case "create-enum":
    case "rename-enum-value":
    case "drop-type":
    case "truncate":
    case "update":
    case "delete":
    case "insert":
    case "select":
    case "refresh-materialized-view":
    case "attach-partition":
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
      return null;
    default: {
      const unhandled: never = o;
      throw new Error(`effects: no transaction rule for operation ${JSON.stringify(unhandled)}`);
    }
  }
}

/** A statement's locks on objects that are not relations (types), one entry per object, strongest mode. */
export function objectLocksOf(effects: Pick<StatementEffects, "operations">): RelationLock[] {
  const merged = new Map<string, RelationLock>();
  for (const effect of effects.operations) {
    for (const lock of effect.objectLocks) {
      const seen = merged.get(lock.key);
      if (!seen) merged.set(lock.key, { ...lock, why: [...lock.why] });
      else seen.mode = stronger(seen.mode, lock.mode);
    }
  }
  return [...merged.values()];
}

/** Merges per-operation locks into one entry per relation. */
export function mergeLocks(effects: readonly OperationEffect[]): RelationLock[] {
  const merged = new Map<string, RelationLock>();
  for (const effect of effects) {
    for (const lock of effect.locks) {
      const seen = merged.get(lock.key);
      if (!seen) {
        merged.set(lock.key, { ...lock, why: [...lock.why] });
        continue;
      }
      seen.mode = stronger(seen.mode, lock.mode);
      seen.blocks = unionBlocked(seen.blocks, lock.blocks, blockedBy(seen.mode));
      seen.rewrite ||= lock.rewrite;
      seen.scan ||= lock.scan;
      seen.novelty = seen.novelty ?? lock.novelty;
      seen.newInTransaction ||= lock.newInTransaction;
      for (const why of lock.why) if (!seen.why.includes(why)) seen.why.push(why);
    }
  }
  return [...merged.values()];
}
