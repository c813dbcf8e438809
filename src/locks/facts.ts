import type { AlterTableForm } from "../sql/operations.js";
import type { LockMode } from "./modes.js";
import { since, type Feature } from "./versions.js";

/**
 * The lock facts: for each statement form and each relation it touches (by the part the relation
 * plays), the lock mode PostgreSQL takes, whether the relation is rewritten and whether its rows
 * are read in full, with the PostgreSQL version where that changed (locks/versions.ts). effects.ts
 * picks the row a statement matches and reads its facts from here; what depends on the schema
 * (was the table created in this transaction, does a validated CHECK prove NOT NULL, does a type
 * change rewrite) stays there. docs/effects.md prints this table and test/effects-pglite.test.ts
 * fails when a row has no case that runs it against PostgreSQL.
 */

/** What one statement form does to one relation. */
export interface LockFact {
  mode: LockMode;
  /** Every row is copied into a new file (and every index rebuilt). */
  rewrite: boolean;
  /** Every row is read (validation, index build, copy). A rewrite reads every row too. */
  scan: boolean;
}

/** A fact that changed in a PostgreSQL release: `before` below the feature's first major, `from` at or after it. */
export interface VersionedFact {
  feature: Feature;
  before: LockFact;
  from: LockFact;
}

/** The part a relation plays in a statement. */
export const ROLES = [
  "table",
  "new table",
  "index",
  "new index",
  "view",
  "referenced table",
  "referencing table",
  "partition parent",
  "partition",
  "default partition",
  "inheritance parent",
  "inheritance child",
  "LIKE source",
  "read table",
  "column of the domain",
  "type",
  "owning table",
  "partition index",
  "sequence",
] as const;
export type Role = (typeof ROLES)[number];

export interface FactRow {
  /** The statement form, as a reviewer would write it. */
  statement: string;
  roles: Partial<Record<Role, LockFact | VersionedFact>>;
}

/** A rewrite reads every row unless it only replaces the files (TRUNCATE, WITH NO DATA): `scan: false` says so. */
const fact = (mode: LockMode, effects: { rewrite?: boolean; scan?: boolean } = {}): LockFact => ({
  mode,
  rewrite: Boolean(effects.rewrite),
  scan: effects.scan ?? Boolean(effects.rewrite),
});
const AE = (effects?: { rewrite?: boolean; scan?: boolean }) => fact("ACCESS EXCLUSIVE", effects);
const changedIn = (feature: Feature, before: LockFact, from: LockFact): VersionedFact => ({ feature, before, from });
const scan = { scan: true };
const rewrite = { rewrite: true };
/** New empty files: nothing is read (TRUNCATE, REFRESH ... WITH NO DATA). */
const emptied = { rewrite: true, scan: false };

/** Statement forms with an operation of their own (the ALTER TABLE forms without one are below). */
export const LOCK_FACTS = {
  "create-table": {
    statement: "CREATE TABLE",
    roles: {
      "new table": AE(),
      "partition parent": AE(),
      "default partition": AE(scan),
      "inheritance parent": fact("SHARE UPDATE EXCLUSIVE"),
      "LIKE source": fact("ACCESS SHARE"),
      "referenced table": fact("SHARE ROW EXCLUSIVE"),
    },
  },
  "create-view": { statement: "CREATE [OR REPLACE] VIEW", roles: { "read table": fact("ACCESS SHARE"), view: AE() } },
  "create-materialized-view": { statement: "CREATE MATERIALIZED VIEW", roles: { "read table": fact("ACCESS SHARE", scan), "new table": AE() } },
  "create-table-as": { statement: "CREATE TABLE ... AS", roles: { "read table": fact("ACCESS SHARE", scan), "new table": AE() } },
  "drop-table": {
    statement: "DROP TABLE / VIEW",
    roles: { table: AE(), "referenced table": AE(), "referencing table": AE(), "partition parent": AE(), partition: AE(), "default partition": AE() },
  },
  "drop-index": { statement: "DROP INDEX", roles: { table: AE(), index: AE() } },
  "drop-index-concurrently": { statement: "DROP INDEX CONCURRENTLY", roles: { table: fact("SHARE UPDATE EXCLUSIVE"), index: fact("SHARE UPDATE EXCLUSIVE") } },
  // on a partitioned table every ALTER TABLE form below that names a `partition` role recurses to the partitions, under the same mode
  "add-column": { statement: "ADD COLUMN", roles: { table: AE(), partition: AE(), "referenced table": fact("SHARE ROW EXCLUSIVE") } },
  "add-column-exists": { statement: "ADD COLUMN IF NOT EXISTS of a column that exists", roles: { table: AE() } },
  "add-column-filled": {
    statement: "ADD COLUMN filled per row (volatile default, serial, identity, stored generated)",
    roles: { table: AE(rewrite), partition: AE(rewrite) },
  },
  "add-column-checked": {
    statement: "ADD COLUMN with a constraint to check (UNIQUE, PRIMARY KEY, EXCLUDE, CHECK, REFERENCES with a default)",
    roles: { table: AE(scan), "referenced table": fact("SHARE ROW EXCLUSIVE", scan) },
  },
  // a foreign key the column takes part in is dropped (its triggers on the other table go), or rebuilt after a type change
  "drop-column": { statement: "DROP COLUMN", roles: { table: AE(), "referenced table": AE(), "referencing table": AE() } },
  "alter-column-type": {
    statement: "ALTER COLUMN TYPE (binary-compatible)",
    roles: { table: AE(), "referenced table": AE(), "referencing table": AE() },
  },
  "alter-column-type-collation": {
    statement: "ALTER COLUMN TYPE (binary-compatible) with a new collation or operator class (COLLATE, varchar -> citext): the column's indexes are rebuilt",
    roles: { table: AE(scan), index: AE(rewrite) },
  },
  "alter-column-type-rewrite": {
    statement: "ALTER COLUMN TYPE (rewriting)",
    roles: { table: AE(rewrite), index: AE(rewrite), "referenced table": AE(), "referencing table": AE() },
  },
  "alter-column-type-rewrite-revalidated": {
    statement: "ALTER COLUMN TYPE (rewriting) of a column with a validated foreign key: the key is checked again",
    roles: { "referenced table": AE(scan), "referencing table": AE(scan) },
  },
  "set-not-null": { statement: "ALTER COLUMN SET NOT NULL", roles: { table: AE(scan), partition: AE(scan) } },
  "set-not-null-proven": { statement: "ALTER COLUMN SET NOT NULL (already proven)", roles: { table: AE() } },
  "drop-not-null": { statement: "ALTER COLUMN DROP NOT NULL", roles: { table: AE() } },
  "set-default": { statement: "ALTER COLUMN SET DEFAULT", roles: { table: AE() } },
  "drop-default": { statement: "ALTER COLUMN DROP DEFAULT", roles: { table: AE() } },
  "add-check": { statement: "ADD CONSTRAINT CHECK / NOT NULL", roles: { table: AE(scan), partition: AE(scan) } },
  "add-check-not-valid": { statement: "ADD CONSTRAINT CHECK / NOT NULL ... NOT VALID", roles: { table: AE() } },
  "add-foreign-key": {
    statement: "ADD CONSTRAINT FOREIGN KEY",
    roles: { table: fact("SHARE ROW EXCLUSIVE", scan), "referenced table": fact("SHARE ROW EXCLUSIVE", scan) },
  },
  "add-foreign-key-not-valid": {
    statement: "ADD CONSTRAINT FOREIGN KEY ... NOT VALID",
    roles: { table: fact("SHARE ROW EXCLUSIVE"), "referenced table": fact("SHARE ROW EXCLUSIVE") },
  },
  "add-unique": { statement: "ADD CONSTRAINT UNIQUE / PRIMARY KEY", roles: { table: AE(scan) } },
  "add-unique-using-index": { statement: "ADD CONSTRAINT UNIQUE / PRIMARY KEY USING INDEX", roles: { table: AE() } },
  "add-primary-key-using-index-nullable": { statement: "ADD CONSTRAINT PRIMARY KEY USING INDEX (columns not yet NOT NULL)", roles: { table: AE(scan) } },
  "add-exclusion": { statement: "ADD CONSTRAINT EXCLUDE", roles: { table: AE(scan) } },
  "validate-constraint": {
    statement: "VALIDATE CONSTRAINT",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), "referenced table": fact("ROW SHARE", scan) },
  },
  "validate-constraint-valid": { statement: "VALIDATE CONSTRAINT of a constraint already valid", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "drop-constraint": { statement: "DROP CONSTRAINT", roles: { table: AE(), "referenced table": AE(), "referencing table": AE() } },
  rename: { statement: "RENAME (table, column, constraint)", roles: { table: AE() } },
  "set-schema": { statement: "SET SCHEMA", roles: { table: AE() } },
  "rename-index": {
    statement: "ALTER INDEX ... RENAME",
    roles: { index: changedIn("renameIndexShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")) },
  },
  "create-index": { statement: "CREATE INDEX", roles: { table: fact("SHARE", scan), partition: fact("SHARE", scan), "new index": AE() } },
  "create-index-only": { statement: "CREATE INDEX ON ONLY a partitioned table", roles: { table: fact("SHARE"), "new index": AE() } },
  "create-index-exists": { statement: "CREATE INDEX IF NOT EXISTS of an index that exists", roles: { table: fact("SHARE") } },
  "create-index-concurrently-exists": {
    statement: "CREATE INDEX CONCURRENTLY IF NOT EXISTS of an index that exists",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE") },
  },
  "attach-index": {
    statement: "ALTER INDEX ... ATTACH PARTITION",
    roles: {
      index: changedIn("attachIndexShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")),
      "partition index": AE(),
      table: fact("ACCESS SHARE"),
      partition: fact("ACCESS SHARE"),
    },
  },
  "create-index-concurrently": {
    statement: "CREATE INDEX CONCURRENTLY",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), partition: fact("SHARE UPDATE EXCLUSIVE", scan), "new index": AE() },
  },
  // the index's ACCESS EXCLUSIVE stops the table's reads too: the planner opens every index of a table it plans a query on
  reindex: { statement: "REINDEX", roles: { table: fact("SHARE", scan), index: AE(rewrite) } },
  "reindex-concurrently": {
    statement: "REINDEX CONCURRENTLY",
    roles: { table: fact("SHARE UPDATE EXCLUSIVE", scan), index: fact("SHARE UPDATE EXCLUSIVE", rewrite) },
  },
  truncate: { statement: "TRUNCATE", roles: { table: AE(emptied), "referencing table": AE(emptied) } },
  update: {
    statement: "UPDATE",
    roles: { table: fact("ROW EXCLUSIVE", scan), "referenced table": fact("ROW SHARE"), "read table": fact("ACCESS SHARE", scan) },
  },
  delete: { statement: "DELETE", roles: { table: fact("ROW EXCLUSIVE", scan), "read table": fact("ACCESS SHARE", scan) } },
  "delete-referencing-action": {
    statement: "DELETE: a referencing table's ON DELETE CASCADE / SET NULL / SET DEFAULT",
    roles: { "referencing table": fact("ROW EXCLUSIVE") },
  },
  "delete-referencing-check": {
    statement: "DELETE, UPDATE of a referenced key: a referencing table's foreign-key check",
    roles: { "referencing table": fact("ROW SHARE") },
  },
  insert: { statement: "INSERT", roles: { table: fact("ROW EXCLUSIVE"), "referenced table": fact("ROW SHARE"), "read table": fact("ACCESS SHARE", scan) } },
  select: { statement: "SELECT", roles: { "read table": fact("ACCESS SHARE", scan) } },
  "select-for-update": { statement: "SELECT ... FOR UPDATE / SHARE", roles: { "read table": fact("ROW SHARE", scan) } },
  analyze: { statement: "ANALYZE", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  // VACUUM reads the pages that need it (the visibility map skips the rest): not a scan of every row
  vacuum: { statement: "VACUUM", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "vacuum-full": { statement: "VACUUM FULL", roles: { table: AE(rewrite) } },
  cluster: { statement: "CLUSTER", roles: { table: AE(rewrite), index: AE(rewrite) } },
  "refresh-materialized-view": { statement: "REFRESH MATERIALIZED VIEW", roles: { "read table": fact("ACCESS SHARE", scan), view: AE(rewrite) } },
  "refresh-materialized-view-no-data": { statement: "REFRESH MATERIALIZED VIEW ... WITH NO DATA", roles: { view: AE(emptied) } },
  "refresh-materialized-view-concurrently": {
    statement: "REFRESH MATERIALIZED VIEW CONCURRENTLY",
    roles: { "read table": fact("ACCESS SHARE", scan), view: fact("EXCLUSIVE", scan) },
  },
  "attach-partition": {
    statement: "ATTACH PARTITION",
    roles: {
      "partition parent": changedIn("attachPartitionShareUpdateExclusive", AE(), fact("SHARE UPDATE EXCLUSIVE")),
      partition: AE(scan),
      "default partition": AE(scan),
    },
  },
  "detach-partition": {
    statement: "DETACH PARTITION",
    roles: {
      "partition parent": AE(),
      partition: changedIn("detachPartitionAccessExclusive", fact("SHARE UPDATE EXCLUSIVE"), AE()),
      "default partition": AE(),
    },
  },
  "detach-partition-concurrently": {
    statement: "DETACH PARTITION CONCURRENTLY / FINALIZE",
    roles: { "partition parent": fact("SHARE UPDATE EXCLUSIVE"), partition: fact("SHARE UPDATE EXCLUSIVE"), "default partition": AE() },
  },
  "create-trigger": { statement: "CREATE TRIGGER, ENABLE/DISABLE TRIGGER", roles: { table: fact("SHARE ROW EXCLUSIVE") } },
  "drop-trigger": { statement: "DROP TRIGGER", roles: { table: AE() } },
  comment: { statement: "COMMENT ON", roles: { table: fact("SHARE UPDATE EXCLUSIVE"), index: fact("SHARE UPDATE EXCLUSIVE") } },
  // an object lock on the type (pg_locks: locktype 'object')
  "comment-on-object": {
    statement: "COMMENT ON CONSTRAINT / TRIGGER / POLICY ... ON table, COMMENT ON TYPE / DOMAIN",
    roles: { table: fact("ACCESS SHARE"), type: fact("SHARE UPDATE EXCLUSIVE") },
  },
  // before PostgreSQL 18 GRANT / REVOKE lock no relation (effects asks versions.ts: grantLocksTable)
  grant: { statement: "GRANT / REVOKE (from PostgreSQL 18)", roles: { table: fact("ACCESS SHARE") } },
  "table-object": { statement: "CREATE / ALTER / DROP POLICY, CREATE / DROP RULE", roles: { table: AE() } },
  "inherit-parent": { statement: "ALTER TABLE ... INHERIT", roles: { "inheritance parent": fact("SHARE UPDATE EXCLUSIVE") } },
  // measured on PostgreSQL 11-17 and PGlite 18.6: only ACCESS SHARE on the parent
  "no-inherit-parent": { statement: "ALTER TABLE ... NO INHERIT", roles: { "inheritance parent": fact("ACCESS SHARE") } },
  // before PostgreSQL 18 the children are not locked (effects asks versions.ts: noInheritCheckLocksChildren)
  "add-check-no-inherit": {
    statement: "ADD CONSTRAINT CHECK ... NO INHERIT, on the inheritance children (from PostgreSQL 18; the parent is as for ADD CONSTRAINT CHECK)",
    roles: { "inheritance child": AE() },
  },
  "alter-index-storage": {
    statement: "ALTER INDEX ... SET/RESET (fillfactor, deduplicate_items, ...), ALTER COLUMN n SET STATISTICS",
    roles: { index: fact("SHARE UPDATE EXCLUSIVE") },
  },
  // an object lock on the type (pg_locks: locktype 'object', classid pg_type), not a relation lock: only DDL on the type waits
  "alter-enum-value": { statement: "ALTER TYPE ... ADD VALUE / RENAME VALUE", roles: { type: fact("EXCLUSIVE") } },
  // SHARE ROW EXCLUSIVE on the sequence: nextval() (ROW EXCLUSIVE), the INSERTs that draw from it, wait
  "alter-sequence": { statement: "ALTER SEQUENCE", roles: { sequence: fact("SHARE ROW EXCLUSIVE") } },
  // the owning table: one whose column default draws from the sequence (DROP SEQUENCE ... CASCADE drops the default)
  "sequence-ddl": { statement: "ALTER SEQUENCE ... RENAME / OWNER TO, DROP SEQUENCE [CASCADE]", roles: { sequence: AE(), "owning table": AE() } },
  "create-statistics": { statement: "CREATE / DROP STATISTICS", roles: { table: fact("SHARE UPDATE EXCLUSIVE") } },
  "alter-sequence-owned-by": { statement: "ALTER SEQUENCE ... OWNED BY table.column", roles: { "owning table": fact("ACCESS SHARE") } },
  // the type's lock is an object lock (pg_locks: locktype 'object'); CASCADE drops the columns of the type, under ACCESS EXCLUSIVE on their tables
  "drop-type": { statement: "DROP TYPE / DOMAIN [CASCADE]", roles: { type: AE(), "column of the domain": AE() } },
  "add-domain-constraint": { statement: "ALTER DOMAIN ... ADD CONSTRAINT", roles: { "column of the domain": fact("SHARE", scan) } },
} satisfies Record<string, FactRow>;

export type FactId = keyof typeof LOCK_FACTS;

/**
 * Rows whose `table` fact recurses to a partitioned table's partitions (and theirs): each partition
 * takes the same mode, rewrite and scan (it holds the rows), the partitioned table itself has no
 * rows to read or rewrite. Measured on PGlite 18.6 and PostgreSQL 11-17 (src/docs/effects-cases.ts).
 * Rows with a `partition` role of their own say so there instead.
 */
export const RECURSES_TO_PARTITIONS: ReadonlySet<FactId> = new Set<FactId>([
  "alter-column-type",
  "alter-column-type-rewrite",
  "drop-column",
  "set-default",
  "add-check-not-valid",
  "validate-constraint",
  "add-foreign-key",
  "add-foreign-key-not-valid",
  "create-trigger",
  "truncate",
  "update",
  "delete",
  "add-unique",
  "analyze",
  "vacuum",
]);
/**
 * Rows whose `table` fact reaches a table's inheritance children (INHERITS), and theirs, unless
 * ONLY: each child takes the same mode, rewrite and scan as the parent (it holds rows of its own).
 * Measured on PGlite 18.6 and PostgreSQL 15 (src/docs/effects-cases.ts, test/truth).
 */
export const RECURSES_TO_INHERITORS: ReadonlySet<FactId> = new Set<FactId>([
  "add-column",
  "add-column-filled",
  "drop-column",
  "alter-column-type",
  "alter-column-type-rewrite",
  "set-not-null",
  "add-check",
  "truncate",
]);
/** The roles a row has facts for: asking another is a compile error. */
export type RoleOf<F extends FactId> = keyof (typeof LOCK_FACTS)[F]["roles"] & Role;

const shareUpdateExclusive = fact("SHARE UPDATE EXCLUSIVE");

/**
 * The ALTER TABLE forms that have no operation of their own (AlterTableGetLockLevel in
 * PostgreSQL's tablecmds.c), on the table they name. A form missing here does not compile.
 */
export const ALTER_TABLE_FACTS: Record<AlterTableForm, LockFact> = {
  "ADD CONSTRAINT": AE(),
  "SET LOGGED": AE(rewrite),
  "SET UNLOGGED": AE(rewrite),
  // the files are copied block by block (PostgreSQL 15.18: new relfilenode, no rows read)
  "SET TABLESPACE": AE({ rewrite: true, scan: false }),
  "SET ACCESS METHOD": AE(rewrite),
  "ALTER COLUMN SET EXPRESSION": AE(rewrite),
  "SET (storage parameters)": AE(),
  "RESET (storage parameters)": AE(),
  "ALTER COLUMN SET STATISTICS": shareUpdateExclusive,
  "ALTER COLUMN SET/RESET (attribute options)": shareUpdateExclusive,
  "ALTER COLUMN SET STORAGE": AE(),
  "CLUSTER ON": shareUpdateExclusive,
  "SET WITHOUT CLUSTER": shareUpdateExclusive,
  "ALTER CONSTRAINT": AE(),
  "OWNER TO": AE(),
  "ALTER COLUMN ADD GENERATED AS IDENTITY": AE(),
  "ALTER COLUMN SET (identity options)": AE(),
  "ALTER COLUMN DROP IDENTITY": AE(),
  "ALTER COLUMN DROP EXPRESSION": AE(),
  "ALTER COLUMN SET COMPRESSION": AE(),
  "REPLICA IDENTITY": AE(),
  "ROW LEVEL SECURITY": AE(),
  "ENABLE/DISABLE RULE": AE(),
  INHERIT: AE(),
  "NO INHERIT": AE(),
  "ALTER INDEX": AE(),
  "ALTER TRIGGER RENAME": AE(),
  // every other form: PostgreSQL's conservative default for ALTER TABLE
  other: AE(),
};

/** SET/RESET of only these storage parameters (what autovacuum, the planner or later inserts do) takes SHARE UPDATE EXCLUSIVE. */
export const LIGHT_STORAGE_PARAMETERS: FactRow = {
  statement: "SET/RESET (fillfactor, autovacuum_*, toast_tuple_target, parallel_workers, ...)",
  roles: { table: shareUpdateExclusive },
};
const LIGHT_RELOPTIONS =
  /^(fillfactor|deduplicate_items|autovacuum_.*|toast\.autovacuum_.*|toast_tuple_target|parallel_workers|vacuum_index_cleanup|vacuum_truncate|toast\.vacuum_.*|log_autovacuum_min_duration|n_distinct|n_distinct_inherited)$/;

/** SET EXPRESSION of a VIRTUAL generated column (PostgreSQL 18) changes only the catalog: nothing is stored to recompute. */
export const VIRTUAL_SET_EXPRESSION: FactRow = { statement: "ALTER COLUMN SET EXPRESSION of a VIRTUAL generated column", roles: { table: AE() } };

/** What an ALTER TABLE form's row depends on beyond the form. */
export interface AlterTableDetail {
  /** The storage parameters SET or RESET names. */
  options: readonly string[];
  /** The column is a VIRTUAL generated column (as the script declared it). */
  virtualColumn: boolean;
}

/** The row of an ALTER TABLE form, by its id in `factRows()`. */
function alterTableRow(form: AlterTableForm, detail: AlterTableDetail): [id: string, row: LockFact] {
  const storage = form === "SET (storage parameters)" || form === "RESET (storage parameters)";
  if (storage && detail.options.length > 0 && detail.options.every((name) => LIGHT_RELOPTIONS.test(name))) {
    return ["alter-table: light storage parameters", shareUpdateExclusive];
  }
  if (form === "ALTER COLUMN SET EXPRESSION" && detail.virtualColumn) return ["alter-table: SET EXPRESSION of a virtual column", AE()];
  return [`alter-table: ${form}`, ALTER_TABLE_FACTS[form]];
}

/** The row id of an ALTER TABLE form in `factRows()`. */
export function alterTableRowId(form: AlterTableForm, detail: AlterTableDetail): string {
  return alterTableRow(form, detail)[0];
}

/** The fact of one ALTER TABLE form on its table. */
export function alterTableFact(form: AlterTableForm, detail: AlterTableDetail): LockFact {
  return alterTableRow(form, detail)[1];
}

/** The fact of `role` in row `id` for PostgreSQL `pgVersion`. */
export function lockFact<F extends FactId>(id: F, role: RoleOf<F>, pgVersion: number): LockFact {
  const roles: FactRow["roles"] = LOCK_FACTS[id].roles;
  const found = roles[role];
  if (!found) throw new Error(`lock facts: ${id} has no fact for the ${role}`);
  return resolve(found, pgVersion);
}

/** A fact as it stands in `pgVersion`. */
function resolve(found: LockFact | VersionedFact, pgVersion: number): LockFact {
  return "feature" in found ? (since(found.feature, pgVersion) ? found.from : found.before) : found;
}

let rows: Map<string, FactRow> | undefined;

/** Every row of the table, by id: the statement forms, then the ALTER TABLE forms (`alter-table: <form>`). */
export function factRows(): ReadonlyMap<string, FactRow> {
  if (!rows) {
    rows = new Map<string, FactRow>(Object.entries(LOCK_FACTS));
    for (const [form, tableFact] of Object.entries(ALTER_TABLE_FACTS))
      rows.set(`alter-table: ${form}`, { statement: `ALTER TABLE ... ${form}`, roles: { table: tableFact } });
    rows.set("alter-table: light storage parameters", LIGHT_STORAGE_PARAMETERS);
    rows.set("alter-table: SET EXPRESSION of a virtual column", VIRTUAL_SET_EXPRESSION);
  }
  return rows;
}
