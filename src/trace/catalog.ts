import { lockModeFromPgLocks, stronger, type LockMode } from "../locks/modes.js";
import type { TraceDatabase } from "./database.js";

/** What trace reads back from PostgreSQL's catalogs around each statement, in the tracing session. */

type Queryable = Pick<TraceDatabase, "query">;

/** Relations of user schemas: name (schema-qualified outside public) -> relfilenode. */
export async function relationFiles(db: Queryable): Promise<Map<string, string>> {
  const rows = (
    await db.query<{ name: string; file: string }>(
      `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, c.relfilenode::text AS file
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
    )
  ).rows;
  return new Map(rows.map((r) => [r.name, r.file]));
}

/** Rows read by sequential scans in this transaction, per table, and each table's row estimate. */
export async function sequentialReads(db: Queryable): Promise<Map<string, { read: number; rows: number }>> {
  const rows = (
    await db.query<{ name: string; read: number; rows: number }>(
      `SELECT CASE WHEN s.schemaname = 'public' THEN s.relname ELSE s.schemaname || '.' || s.relname END AS name,
              s.seq_tup_read::float8 AS read, GREATEST(c.reltuples, 0)::float8 AS rows
       FROM pg_stat_xact_user_tables s JOIN pg_class c ON c.oid = s.relid`,
    )
  ).rows;
  return new Map(rows.map((r) => [r.name, { read: r.read, rows: r.rows }]));
}

/** The strongest relation lock this session holds, per table and index of the user schemas. */
export async function heldLocks(db: Queryable): Promise<Map<string, { mode: LockMode; index: boolean }>> {
  const rows = (
    await db.query<{ name: string; mode: string; kind: string }>(
      `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, l.mode, c.relkind::text AS kind
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'i', 'I', 'm')
         AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
    )
  ).rows;
  const held = new Map<string, { mode: LockMode; index: boolean }>();
  for (const row of rows) {
    const mode = lockModeFromPgLocks(row.mode);
    if (!mode) continue;
    const before = held.get(row.name);
    held.set(row.name, { mode: before ? stronger(before.mode, mode) : mode, index: row.kind === "i" || row.kind === "I" });
  }
  return held;
}
