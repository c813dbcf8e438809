import { lockModeFromPgLocks, stronger, type LockMode } from "../../src/locks/modes.js";
import type { SqlSession } from "../support/pglite-observer.js";

/** What a replay reads from PostgreSQL's catalogs, keyed by relation oid (names change: renames, drops). */

export interface PgError {
  code: string | null;
  message: string;
}

export function pgError(error: unknown): PgError {
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e.code === "string" ? e.code : null, message: typeof e.message === "string" ? e.message : String(error) };
}

/** Runs `sql`; the error instead of a throw. */
export async function attempt(db: SqlSession, sql: string): Promise<{ error: PgError | null; rowCount: number | null }> {
  try {
    const result = (await db.exec(sql)) as { rowCount?: number | null } | { rowCount?: number | null }[];
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { error: null, rowCount: last?.rowCount ?? null };
  } catch (error) {
    return { error: pgError(error), rowCount: null };
  }
}

export interface RelInfo {
  oid: number;
  /** Schema-qualified outside public, as locklint names relations. */
  name: string;
  /** pg_class.relkind: r table, p partitioned, i index, m materialized view, v view, S sequence... */
  kind: string;
  file: string;
  /** For an index: its table's oid. */
  table: number | null;
}

const USER_RELATIONS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export async function relations(db: SqlSession): Promise<Map<number, RelInfo>> {
  const rows = (
    await db.query<{ oid: string; name: string; kind: string; file: string; tbl: string | null }>(
      `SELECT c.oid::int8::text AS oid, CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
              c.relkind::text AS kind, c.relfilenode::text AS file, i.indrelid::int8::text AS tbl
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
       WHERE ${USER_RELATIONS}`,
    )
  ).rows;
  return new Map(
    rows.map((r) => [Number(r.oid), { oid: Number(r.oid), name: r.name, kind: r.kind, file: r.file, table: r.tbl === null ? null : Number(r.tbl) }]),
  );
}

/** The strongest granted relation lock of this session, per user relation oid. */
export async function sessionLocks(db: SqlSession): Promise<Map<number, LockMode>> {
  const rows = (
    await db.query<{ oid: string; mode: string }>(
      `SELECT l.relation::int8::text AS oid, l.mode FROM pg_locks l
       WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.relation >= 16384`,
    )
  ).rows;
  const held = new Map<number, LockMode>();
  for (const row of rows) {
    const mode = lockModeFromPgLocks(row.mode);
    if (!mode) continue;
    const oid = Number(row.oid);
    const before = held.get(oid);
    held.set(oid, before ? stronger(before, mode) : mode);
  }
  return held;
}

/** Rows returned by sequential scans in this transaction, per table oid. */
export async function seqReads(db: SqlSession): Promise<Map<number, number>> {
  const rows = (await db.query<{ oid: string; n: string }>(`SELECT relid::int8::text AS oid, seq_tup_read::text AS n FROM pg_stat_xact_user_tables`)).rows;
  return new Map(rows.map((r) => [Number(r.oid), Number(r.n)]));
}

/** The oid a name resolves to now (null when no such relation). */
export async function resolve(db: SqlSession, name: string): Promise<number | null> {
  try {
    const row = (await db.query<{ oid: string | null }>(`SELECT to_regclass($1)::oid::int8::text AS oid`, [name])).rows[0];
    return row?.oid ? Number(row.oid) : null;
  } catch {
    return null;
  }
}

/** Extensions the embedded build has, installed on demand when a statement needs one (citext, pg_trgm, ...). */
export function extensionFor(message: string): string | null {
  const rules: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
    [/type "(citext|hstore|ltree|cube|seg|isbn|issn|ean13|lo)" does not exist/, (m) => m[1]!],
    [/function uuid_generate_v\w+/, "uuid-ossp"],
    [/operator class "g(in|ist)_trgm_ops"/, "pg_trgm"],
    [/function (similarity|word_similarity|show_trgm)\(/, "pg_trgm"],
    [/function unaccent\(/, "unaccent"],
    [/function (crypt|gen_salt|digest|hmac|pgp_\w+)\(/, "pgcrypto"],
    [/no default operator class for access method "gin"/, "btree_gin"],
    [/no default operator class for access method "gist"/, "btree_gist"],
    [/function (levenshtein|soundex|metaphone|dmetaphone)\(/, "fuzzystrmatch"],
  ];
  for (const [pattern, ext] of rules) {
    const m = pattern.exec(message);
    if (m) return typeof ext === "string" ? ext : ext(m);
  }
  return null;
}
