import { alterTableFact } from "./facts.js";
import { blockedBy, stronger, type Blocked, type LockMode } from "./modes.js";
import type { ColumnSpec, ConstraintSpec, Operation } from "../sql/operations.js";
import { hasIndexLeadingWith, relationKey, type Index, type Origin, type Schema, type Table } from "../schema/schema.js";
import { quoteIdent, type ColumnType, type RelationName } from "../sql/ast.js";
import type { DeployUnit } from "../sql/script.js";
import { typeChangeVerdict, type TypeChangeVerdict } from "../schema/type-change.js";
import { byVersion, since } from "./versions.js";

/**
 * The single source of truth for what a statement does to the relations it touches: the lock
 * mode, whether the relation is rewritten (a new file, every row copied) and whether its rows are
 * read in full (validation, index build, backfill). Computed from the schema as it stands before
 * the operation. Rules never recompute any of this; the test suite checks it against PostgreSQL.
 */

export type RelationKind = "table" | "partitioned table" | "index" | "view" | "materialized view";

/** Why a lock is harmless: nobody else can be using the relation yet. */
export type Novelty = "created by this statement" | "created earlier in this revision" | "created earlier in this deploy" | "created earlier in this transaction";

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
  /** alter-column-type: the verdict on rewriting. */
  typeChange?: TypeChangeVerdict & { from: ColumnType | null };
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

interface LockOptions {
  rewrite?: boolean;
  scan?: boolean;
  why?: string;
  novelty?: Novelty | null;
}

class Locks {
  readonly list: RelationLock[] = [];

  constructor(private readonly ctx: EffectsContext) {}

  table(ref: RelationName | Table, mode: LockMode, options: LockOptions = {}): void {
    const table = "written" in ref ? this.ctx.schema.table(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    const kind: RelationKind = table?.kind ?? "table";
    this.add(written, relationKey(ref.schema, ref.name), kind, mode, options, table?.createdIn ?? null);
  }

  index(ref: RelationName | Index, mode: LockMode, options: LockOptions = {}): void {
    const index = "written" in ref ? this.ctx.schema.index(ref) : ref;
    const written = "written" in ref ? ref.written : writtenName(ref);
    this.add(written, relationKey(ref.schema, ref.name), "index", mode, options, index?.createdIn ?? null);
  }

  private add(relation: string, key: string, kind: RelationKind, mode: LockMode, options: LockOptions, createdIn: Origin | null): void {
    const novelty = options.novelty !== undefined ? options.novelty : this.noveltyOf(createdIn);
    const why = options.why ? [options.why] : [];
    // with --since, what the revisions before the deploy created exists already, even if the printed SQL has one transaction
    const sameTransaction = createdIn !== null && createdIn.transaction !== null && createdIn.transaction === this.ctx.transaction;
    const newInTransaction = novelty === "created by this statement" || (sameTransaction && (this.ctx.unitLabel !== "deploy" || createdIn!.unit === this.ctx.unitKey));
    this.list.push({ relation, key, kind, mode, blocks: blockedBy(mode), rewrite: Boolean(options.rewrite), scan: Boolean(options.scan || options.rewrite), novelty, newInTransaction, why });
  }

  private noveltyOf(createdIn: Origin | null): Novelty | null {
    if (createdIn === null || createdIn.unit !== this.ctx.unitKey) return null;
    return this.ctx.unitLabel === "revision" ? "created earlier in this revision" : this.ctx.unitLabel === "deploy" ? "created earlier in this deploy" : "created earlier in this transaction";
  }
}

function writtenName(ref: { schema: string | null; name: string }): string {
  return ref.schema ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}` : quoteIdent(ref.name);
}

/** Effects of one operation, given the schema before it. */
export function operationEffect(operation: Operation, ctx: EffectsContext): OperationEffect {
  const locks = new Locks(ctx);
  const effect: OperationEffect = { operation, locks: locks.list };
  const { schema, pgVersion } = ctx;
  switch (operation.op) {
    case "create-table": {
      if (operation.temporary) break;
      locks.table(operation.table, "ACCESS EXCLUSIVE", { novelty: "created by this statement" });
      if (operation.partitionOf) {
        locks.table(operation.partitionOf, "ACCESS EXCLUSIVE", { why: "new partition" });
        const defaultPartition = findDefaultPartition(schema.table(operation.partitionOf));
        if (defaultPartition) locks.table(defaultPartition, "ACCESS EXCLUSIVE", { scan: true, why: "checks the default partition's rows" });
      }
      for (const parent of operation.inherits) locks.table(parent, "SHARE UPDATE EXCLUSIVE", { why: "new child table" });
      for (const like of operation.likes) locks.table(like, "ACCESS SHARE", { why: "LIKE copies its definition" });
      for (const fk of operation.constraints) {
        if (fk.kind === "foreign-key" && fk.references && !sameRelation(fk.references, operation.table)) {
          locks.table(fk.references, "SHARE ROW EXCLUSIVE", { why: "foreign key to it" });
        }
      }
      break;
    }
    case "create-view":
      for (const read of operation.reads) locks.table(read, "ACCESS SHARE", { scan: operation.materialized, why: operation.materialized ? "read to populate the view" : "read by the view" });
      // A new view is not locked at all; replacing one locks it.
      if (operation.orReplace && schema.table(operation.view)) locks.table(operation.view, "ACCESS EXCLUSIVE", { why: "view replaced" });
      break;
    case "create-table-as":
      for (const read of operation.reads) locks.table(read, "ACCESS SHARE", { scan: true, why: "read to fill the table" });
      locks.table(operation.table, "ACCESS EXCLUSIVE", { novelty: "created by this statement" });
      break;
    case "drop-relation": {
      const table = schema.table(operation.relation);
      locks.table(operation.relation, "ACCESS EXCLUSIVE", { why: "dropped" });
      if (table) {
        for (const c of table.constraints.values()) {
          if (c.references && c.references !== table) locks.table(c.references, "ACCESS EXCLUSIVE", { why: `its foreign key ${c.name} is removed from this table` });
        }
        if (operation.cascade) {
          for (const referencing of table.referencedBy) if (referencing !== table) locks.table(referencing, "ACCESS EXCLUSIVE", { why: "CASCADE drops its foreign key" });
        }
        if (table.partitionOf) locks.table(table.partitionOf, "ACCESS EXCLUSIVE", { why: "loses a partition" });
        for (const partition of table.partitions) locks.table(partition, "ACCESS EXCLUSIVE", { why: "partition dropped with its parent" });
      }
      break;
    }
    case "drop-index": {
      const index = schema.index(operation.index);
      if (operation.concurrent) {
        if (index?.table) locks.table(index.table, "SHARE UPDATE EXCLUSIVE", { why: "DROP INDEX CONCURRENTLY" });
        else locks.index(operation.index, "SHARE UPDATE EXCLUSIVE", { why: "DROP INDEX CONCURRENTLY" });
      } else {
        if (index?.table) locks.table(index.table, "ACCESS EXCLUSIVE", { why: `drops index ${index.name}` });
        locks.index(operation.index, "ACCESS EXCLUSIVE", { why: index?.table ? "dropped" : "dropped; its table (not known from this script) is locked ACCESS EXCLUSIVE too" });
      }
      break;
    }
    case "add-column":
      addColumnEffect(operation.table, operation.column, locks, effect);
      break;
    case "drop-column":
      locks.table(operation.table, "ACCESS EXCLUSIVE", { why: `drops column ${operation.column}` });
      break;
    case "alter-column-type": {
      const table = schema.table(operation.table);
      const from = table?.columns.get(operation.column)?.type ?? null;
      const verdict = typeChangeVerdict(from, operation.type, operation.using, { utcConversionInPlace: since("timestampTzUtcWithoutRewrite", pgVersion), utcSession: ctx.utcSession });
      effect.typeChange = { ...verdict, from };
      locks.table(operation.table, "ACCESS EXCLUSIVE", { rewrite: verdict.rewrite, why: verdict.rewrite ? "type change rewrites the table and its indexes" : "type change without rewrite" });
      if (verdict.rewrite && table) for (const index of table.indexes) locks.index(index, "ACCESS EXCLUSIVE", { rewrite: true, why: "rebuilt with the table" });
      break;
    }
    case "set-not-null": {
      const proof = notNullProof(schema.table(operation.table), operation.column, pgVersion);
      if (proof) effect.notNullProof = proof;
      locks.table(operation.table, "ACCESS EXCLUSIVE", { scan: !proof, why: proof ? `SET NOT NULL without a scan: ${proof}` : "SET NOT NULL scans every row" });
      break;
    }
    case "drop-not-null":
    case "drop-default":
      locks.table(operation.table, "ACCESS EXCLUSIVE");
      break;
    case "set-default":
      locks.table(operation.table, "ACCESS EXCLUSIVE", { why: "new default applies to future rows only" });
      break;
    case "add-constraint":
      addConstraintEffect(operation.table, operation.constraint, ctx, locks);
      break;
    case "validate-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      locks.table(operation.table, "SHARE UPDATE EXCLUSIVE", { scan: true, why: `validates ${operation.name}` });
      if (constraint?.references) locks.table(constraint.references, "ROW SHARE", { scan: true, why: "referenced rows are checked" });
      break;
    }
    case "drop-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      locks.table(operation.table, "ACCESS EXCLUSIVE", { why: `drops constraint ${operation.name}` });
      if (constraint?.references && constraint.references !== table) locks.table(constraint.references, "ACCESS EXCLUSIVE", { why: "its foreign-key triggers are removed" });
      if (table && operation.cascade && (constraint?.kind === "primary-key" || constraint?.kind === "unique")) {
        for (const referencing of table.referencedBy) if (referencing !== table) locks.table(referencing, "ACCESS EXCLUSIVE", { why: "CASCADE drops its foreign key" });
      }
      break;
    }
    case "rename-table":
    case "rename-column":
    case "rename-constraint":
      locks.table(operation.table, "ACCESS EXCLUSIVE", { why: "renamed" });
      break;
    case "set-schema":
      locks.table(operation.relation, "ACCESS EXCLUSIVE", { why: "moved to another schema" });
      break;
    case "rename-index":
      locks.index(operation.index, byVersion("renameIndexShareUpdateExclusive", pgVersion, { before: "ACCESS EXCLUSIVE", from: "SHARE UPDATE EXCLUSIVE" }), { why: "renamed" });
      break;
    case "create-index": {
      const table = schema.table(operation.table);
      const mode: LockMode = operation.concurrent ? "SHARE UPDATE EXCLUSIVE" : "SHARE";
      // A partitioned table has no rows of its own: the build scans each partition.
      const partitioned = table?.kind === "partitioned table";
      locks.table(operation.table, mode, { scan: !partitioned, why: operation.concurrent ? "concurrent index build (two scans, no write block)" : "index build" });
      if (partitioned) for (const partition of table.partitions) locks.table(partition, mode, { scan: true, why: "index build on the partition" });
      if (operation.index) locks.index(operation.index, "ACCESS EXCLUSIVE", { novelty: "created by this statement" });
      break;
    }
    case "reindex":
      reindexEffect(operation, ctx, locks);
      break;
    case "truncate": {
      locks.table(operation.table, "ACCESS EXCLUSIVE", { rewrite: true, why: "TRUNCATE replaces the table's files" });
      const table = schema.table(operation.table);
      if (table && operation.cascade) for (const referencing of table.referencedBy) locks.table(referencing, "ACCESS EXCLUSIVE", { rewrite: true, why: "TRUNCATE CASCADE" });
      break;
    }
    case "update": {
      const table = schema.table(operation.table);
      locks.table(operation.table, "ROW EXCLUSIVE", rowSearch(table, operation.where, "updates"));
      if (table) {
        for (const c of table.constraints.values()) {
          if (c.references && c.references !== table && c.columns.some((col) => operation.columns.includes(col))) {
            locks.table(c.references, "ROW SHARE", { why: `foreign key ${c.name} checks the new values` });
          }
        }
      }
      readLocks(operation.reads, operation.table, locks);
      break;
    }
    case "delete": {
      const table = schema.table(operation.table);
      locks.table(operation.table, "ROW EXCLUSIVE", rowSearch(table, operation.where, "deletes"));
      if (table) {
        for (const referencing of table.referencedBy) {
          if (referencing === table) continue;
          const actions = [...referencing.constraints.values()].filter((c) => c.references === table);
          const changesRows = actions.some((c) => c.onDelete === "c" || c.onDelete === "n" || c.onDelete === "d");
          // Each deleted row looks its referencing rows up: through an index on the key columns, else by a full scan.
          const unindexed = actions.some((c) => !hasIndexLeadingWith(referencing, c.columns));
          locks.table(referencing, changesRows ? "ROW EXCLUSIVE" : "ROW SHARE", {
            scan: unindexed,
            why: `${changesRows ? "ON DELETE action changes its rows" : "foreign key checks for referencing rows"}${unindexed ? "; no index on the referencing columns: scanned for each deleted row" : ""}`,
          });
        }
      }
      readLocks(operation.reads, operation.table, locks);
      break;
    }
    case "insert": {
      locks.table(operation.table, "ROW EXCLUSIVE", { why: "inserts rows" });
      const table = schema.table(operation.table);
      if (table) {
        for (const c of table.constraints.values()) {
          if (c.references && c.references !== table) locks.table(c.references, "ROW SHARE", { why: `foreign key ${c.name} checks the new rows` });
        }
      }
      readLocks(operation.reads, operation.table, locks);
      break;
    }
    case "select":
      for (const read of operation.reads) locks.table(read, operation.locking ? "ROW SHARE" : "ACCESS SHARE", { scan: true, why: "read" });
      break;
    case "vacuum":
      if (!operation.table) break;
      if (operation.analyzeOnly) locks.table(operation.table, "SHARE UPDATE EXCLUSIVE", { why: "ANALYZE samples rows" });
      else if (operation.full) locks.table(operation.table, "ACCESS EXCLUSIVE", { rewrite: true, why: "VACUUM FULL rewrites the table" });
      else locks.table(operation.table, "SHARE UPDATE EXCLUSIVE", { scan: true, why: "VACUUM" });
      break;
    case "cluster": {
      if (!operation.table) break;
      locks.table(operation.table, "ACCESS EXCLUSIVE", { rewrite: true, why: "CLUSTER rewrites the table in index order" });
      const table = schema.table(operation.table);
      if (table) for (const index of table.indexes) locks.index(index, "ACCESS EXCLUSIVE", { rewrite: true, why: "rebuilt with the table" });
      break;
    }
    case "refresh-materialized-view": {
      const view = schema.table(operation.view);
      for (const read of view?.readsFrom ?? []) locks.table(read, "ACCESS SHARE", { scan: true, why: "read to refresh the view" });
      if (operation.concurrent) locks.table(operation.view, "EXCLUSIVE", { scan: true, why: "REFRESH ... CONCURRENTLY compares old and new rows" });
      else locks.table(operation.view, "ACCESS EXCLUSIVE", { rewrite: true, why: "REFRESH replaces the view's contents" });
      break;
    }
    case "attach-partition": {
      const parent = schema.table(operation.table);
      const partition = schema.table(operation.partition);
      locks.table(operation.table, byVersion("attachPartitionShareUpdateExclusive", pgVersion, { before: "ACCESS EXCLUSIVE", from: "SHARE UPDATE EXCLUSIVE" }), { why: "gains a partition" });
      const implied = partition && parent ? partitionConstraintImplied(partition, parent) : false;
      locks.table(operation.partition, "ACCESS EXCLUSIVE", { scan: !implied, why: implied ? "a validated CHECK on the partition key spares the scan" : "every row is checked against the partition bound" });
      const defaultPartition = operation.defaultPartition ? undefined : findDefaultPartition(parent);
      if (defaultPartition) locks.table(defaultPartition, "ACCESS EXCLUSIVE", { scan: true, why: "the default partition is checked for rows of the new bound" });
      break;
    }
    case "detach-partition": {
      const mode: LockMode = operation.concurrent || operation.finalize ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
      locks.table(operation.table, mode, { why: "loses a partition" });
      locks.table(operation.partition, mode, { why: "detached" });
      // The default partition's implicit constraint changes (CONCURRENTLY is refused when there is one).
      const defaultPartition = findDefaultPartition(schema.table(operation.table));
      if (defaultPartition && !sameRelation(defaultPartition, operation.partition)) locks.table(defaultPartition, "ACCESS EXCLUSIVE", { why: "the default partition's bound changes" });
      break;
    }
    case "lock-table":
      locks.table(operation.table, operation.mode, { why: "LOCK TABLE" });
      break;
    case "create-trigger":
    case "enable-disable-trigger":
      locks.table(operation.table, "SHARE ROW EXCLUSIVE", { why: "trigger change" });
      break;
    case "drop-trigger":
      locks.table(operation.table, "ACCESS EXCLUSIVE", { why: "trigger dropped" });
      break;
    case "comment":
      if (operation.relation) {
        if (operation.on === "INDEX") locks.index(operation.relation, "SHARE UPDATE EXCLUSIVE", { why: "COMMENT" });
        else locks.table(operation.relation, "SHARE UPDATE EXCLUSIVE", { why: "COMMENT" });
      }
      break;
    case "grant":
      locks.table(operation.relation, "ACCESS SHARE", { why: "GRANT" });
      break;
    case "alter-table-other": {
      const table = schema.table(operation.table);
      const persistenceUnchanged =
        table?.declared && ((operation.form === "SET LOGGED" && !table.unlogged) || (operation.form === "SET UNLOGGED" && table.unlogged));
      const fact = alterTableFact(operation.form, operation.options);
      locks.table(operation.table, fact.mode, { rewrite: fact.rewrite && !persistenceUnchanged, why: operation.what });
      break;
    }
    case "domain-constraint":
      // ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain (PGlite: SHARE on each table, a full scan)
      if (operation.action === "add" && !operation.notValid) {
        for (const table of schema.tablesUsingType(operation.domain)) locks.table(table, "SHARE", { scan: true, why: `checks its ${operation.domain.written} columns` });
      }
      break;
    case "drop-schema":
    case "rename-schema":
    case "drop-database":
    case "create-enum":
    case "add-enum-value":
    case "rename-enum-value":
    case "drop-type":
    case "set":
    case "transaction":
    case "no-table-lock":
    case "unknown":
      break;
  }
  return effect;
}

function addColumnEffect(tableRef: RelationName, column: ColumnSpec, locks: Locks, effect: OperationEffect): void {
  const defaultValue = column.default;
  const perRow = defaultValue !== null && (defaultValue.volatility === "volatile" || defaultValue.volatility === "unknown");
  const reasons: string[] = [];
  if (column.serial) reasons.push(`${column.type?.name ?? "serial"} fills every row from a sequence`);
  if (column.identity) reasons.push("an identity column fills every row from a sequence");
  if (column.generated === "stored") reasons.push("a stored generated column is computed for every row");
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
  const why = rewrite ? reasons.join("; ") : indexBuild ? "builds an index for the new column" : check ? "checks the new column's CHECK constraint" : `adds column ${column.name}`;
  locks.table(tableRef, "ACCESS EXCLUSIVE", { rewrite, scan, why });
  for (const c of constraints) {
    if (c.kind === "foreign-key" && c.references && !sameRelation(c.references, tableRef)) {
      locks.table(c.references, "SHARE ROW EXCLUSIVE", { scan: fkWithValues, why: "foreign key to it" });
    }
  }
  effect.requiredWithoutDefault = column.notNull && defaultValue === null && !column.serial && !column.identity && column.generated === null;
}

function addConstraintEffect(tableRef: RelationName, constraint: ConstraintSpec, ctx: EffectsContext, locks: Locks): void {
  const { schema } = ctx;
  switch (constraint.kind) {
    case "check":
    case "not-null":
      locks.table(tableRef, "ACCESS EXCLUSIVE", {
        scan: !constraint.notValid,
        why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row under the lock",
      });
      break;
    case "foreign-key":
      locks.table(tableRef, "SHARE ROW EXCLUSIVE", {
        scan: !constraint.notValid,
        why: constraint.notValid ? "NOT VALID: existing rows are not checked" : "validates every row",
      });
      if (constraint.references && !sameRelation(constraint.references, tableRef)) {
        locks.table(constraint.references, "SHARE ROW EXCLUSIVE", { scan: !constraint.notValid, why: "referenced by the new foreign key" });
      }
      break;
    case "unique":
    case "primary-key": {
      if (constraint.usingIndex) {
        const table = schema.table(tableRef);
        const nullable = constraint.kind === "primary-key" && !columnsProvablyNotNull(table, constraint.columns.length ? constraint.columns : (schema.index({ schema: tableRef.schema, name: constraint.usingIndex })?.columns ?? []));
        locks.table(tableRef, "ACCESS EXCLUSIVE", { scan: nullable, why: nullable ? "USING INDEX, but the key columns must be checked for NULLs" : "USING INDEX: no index build" });
      } else {
        locks.table(tableRef, "ACCESS EXCLUSIVE", { scan: true, why: "builds the index under the lock" });
      }
      break;
    }
    case "exclude":
      locks.table(tableRef, "ACCESS EXCLUSIVE", { scan: true, why: "builds the exclusion index under the lock" });
      break;
  }
}

function reindexEffect(operation: Extract<Operation, { op: "reindex" }>, ctx: EffectsContext, locks: Locks): void {
  if (!operation.relation) return;
  const tableMode: LockMode = operation.concurrent ? "SHARE UPDATE EXCLUSIVE" : "SHARE";
  const indexMode: LockMode = operation.concurrent ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
  if (operation.target === "index") {
    const index = ctx.schema.index(operation.relation);
    if (index?.table) locks.table(index.table, tableMode, { scan: true, why: "read to rebuild the index" });
    locks.index(operation.relation, indexMode, { rewrite: true, why: "rebuilt" });
  } else if (operation.target === "table") {
    const table = ctx.schema.table(operation.relation);
    locks.table(operation.relation, tableMode, { scan: true, why: table ? "read to rebuild its indexes" : "read to rebuild its indexes (each index locked too)" });
    if (table) for (const index of table.indexes) locks.index(index, indexMode, { rewrite: true, why: "rebuilt" });
  }
}

function readLocks(reads: RelationName[], target: RelationName, locks: Locks): void {
  for (const read of reads) if (!sameRelation(read, target)) locks.table(read, "ACCESS SHARE", { scan: true, why: "read" });
}

function sameRelation(a: Pick<RelationName, "schema" | "name">, b: Pick<RelationName, "schema" | "name">): boolean {
  return relationKey(a.schema, a.name) === relationKey(b.schema, b.name);
}

/**
 * How UPDATE or DELETE finds its rows: all of them without a WHERE; through an index when the
 * WHERE reads an index's leading column (as the planner does on a table of any size); else a scan.
 */
function rowSearch(table: Table | undefined, where: string[] | null, verb: string): LockOptions {
  if (where === null) return { scan: true, why: `${verb} every row` };
  const indexed = table !== undefined && [...table.indexes].some((index) => index.columns[0] !== undefined && where.includes(index.columns[0]));
  return indexed ? { why: `${verb} the rows an index finds` } : { scan: true, why: `${verb} the rows its WHERE finds, reading the whole table (no index on ${where.join(", ") || "it"})` };
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
  for (const o of operations) {
    switch (o.op) {
      case "create-index":
        if (o.concurrent) return "CREATE INDEX CONCURRENTLY";
        break;
      case "drop-index":
        if (o.concurrent) return "DROP INDEX CONCURRENTLY";
        break;
      case "reindex":
        if (o.concurrent) return "REINDEX CONCURRENTLY";
        if (o.target === "schema" || o.target === "database" || o.target === "system") return `REINDEX ${o.target.toUpperCase()}`;
        break;
      case "detach-partition":
        if (o.concurrent) return "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY";
        break;
      case "vacuum":
        if (!o.analyzeOnly) return "VACUUM";
        break;
      case "cluster":
        if (!o.table) return "CLUSTER without a table name";
        break;
      case "add-enum-value":
        if (!since("enumAddValueInTransaction", pgVersion)) return "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)";
        break;
      default:
        break;
    }
  }
  return null;
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
      seen.blocks = blockedBy(seen.mode);
      seen.rewrite ||= lock.rewrite;
      seen.scan ||= lock.scan;
      seen.novelty = seen.novelty ?? lock.novelty;
      seen.newInTransaction ||= lock.newInTransaction;
      for (const why of lock.why) if (!seen.why.includes(why)) seen.why.push(why);
    }
  }
  return [...merged.values()];
}
