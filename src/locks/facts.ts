import type { AlterTableForm } from "../sql/operations.js";
import type { LockMode } from "./modes.js";

/** What one statement form does to the table it names. */
export interface TableFact {
  mode: LockMode;
  /** Every row is copied into a new file (and every index rebuilt). */
  rewrite: boolean;
}

const exclusive = (rewrite = false): TableFact => ({ mode: "ACCESS EXCLUSIVE", rewrite });
const shareUpdateExclusive: TableFact = { mode: "SHARE UPDATE EXCLUSIVE", rewrite: false };

/**
 * The ALTER TABLE forms that have no operation of their own (AlterTableGetLockLevel in
 * PostgreSQL's tablecmds.c). A form missing here does not compile.
 */
export const ALTER_TABLE_FACTS: Record<AlterTableForm, TableFact> = {
  "ADD CONSTRAINT": exclusive(),
  "SET LOGGED": exclusive(true),
  "SET UNLOGGED": exclusive(true),
  "SET TABLESPACE": exclusive(true),
  "SET ACCESS METHOD": exclusive(true),
  "ALTER COLUMN SET EXPRESSION": exclusive(true),
  "SET (storage parameters)": exclusive(),
  "RESET (storage parameters)": exclusive(),
  "ALTER COLUMN SET STATISTICS": shareUpdateExclusive,
  "ALTER COLUMN SET/RESET (attribute options)": shareUpdateExclusive,
  "ALTER COLUMN SET STORAGE": exclusive(),
  "CLUSTER ON": shareUpdateExclusive,
  "SET WITHOUT CLUSTER": shareUpdateExclusive,
  "ALTER CONSTRAINT": exclusive(),
  "OWNER TO": exclusive(),
  "ALTER COLUMN ADD GENERATED AS IDENTITY": exclusive(),
  "ALTER COLUMN SET (identity options)": exclusive(),
  "ALTER COLUMN DROP IDENTITY": exclusive(),
  "ALTER COLUMN DROP EXPRESSION": exclusive(),
  "ALTER COLUMN SET COMPRESSION": exclusive(),
  "REPLICA IDENTITY": exclusive(),
  "ROW LEVEL SECURITY": exclusive(),
  "ENABLE/DISABLE RULE": exclusive(),
  INHERIT: exclusive(),
  "NO INHERIT": exclusive(),
  "ALTER INDEX": exclusive(),
  "ALTER TRIGGER RENAME": exclusive(),
  // every other form: PostgreSQL's conservative default for ALTER TABLE
  other: exclusive(),
};

/** Storage parameters that only change what autovacuum, the planner or later inserts do: SET/RESET of these alone takes SHARE UPDATE EXCLUSIVE. */
const LIGHT_RELOPTIONS = /^(fillfactor|autovacuum_.*|toast\.autovacuum_.*|toast_tuple_target|parallel_workers|vacuum_index_cleanup|vacuum_truncate|toast\.vacuum_.*|log_autovacuum_min_duration|n_distinct|n_distinct_inherited)$/;

/** The fact of one ALTER TABLE form, given the storage parameters it sets or resets. */
export function alterTableFact(form: AlterTableForm, options: readonly string[]): TableFact {
  const storage = form === "SET (storage parameters)" || form === "RESET (storage parameters)";
  if (storage && options.length > 0 && options.every((name) => LIGHT_RELOPTIONS.test(name))) return shareUpdateExclusive;
  return ALTER_TABLE_FACTS[form];
}
