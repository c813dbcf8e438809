import type { TraceDatabase } from "./database.js";

/**
 * The schema of a server as SQL the analyzer can replay (tables, column types, NOT NULL,
 * constraints with their validation state, indexes, enum types), so that predictions and rules
 * use the real schema instead of guessing: the real old type of a column, the real indexes.
 */
export async function schemaAsSql(db: Pick<TraceDatabase, "query">): Promise<string> {
  const user = "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";
  const name = "CASE WHEN n.nspname = 'public' THEN quote_ident(c.relname) ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END";
  const out: string[] = [];
  const enums = await db.query<{ name: string; labels: string[] }>(
    `SELECT CASE WHEN n.nspname = 'public' THEN quote_ident(t.typname) ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END AS name,
            array_agg(quote_literal(e.enumlabel) ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE ${user} GROUP BY n.nspname, t.typname`,
  );
  for (const e of enums.rows) out.push(`CREATE TYPE ${e.name} AS ENUM (${e.labels.join(", ")});`);
  const columns = await db.query<{ rel: string; kind: string; columns: string[] | null }>(
    `SELECT ${name} AS rel, c.relkind::text AS kind,
            array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ORDER BY a.attnum)
              FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped) AS columns
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relkind IN ('r', 'p') AND ${user} GROUP BY c.oid, n.nspname, c.relname, c.relkind`,
  );
  for (const t of columns.rows) out.push(`CREATE TABLE ${t.rel} (${(t.columns ?? []).join(", ")});`);
  const constraints = await db.query<{ rel: string; conname: string; def: string; validated: boolean }>(
    `SELECT ${name} AS rel, quote_ident(k.conname) AS conname, pg_get_constraintdef(k.oid) AS def, k.convalidated AS validated
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND k.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY k.contype = 'f', k.conname`,
  );
  for (const k of constraints.rows)
    out.push(`ALTER TABLE ${k.rel} ADD CONSTRAINT ${k.conname} ${k.def}${k.validated || / NOT VALID$/.test(k.def) ? "" : " NOT VALID"};`);
  const indexes = await db.query<{ def: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
  );
  for (const i of indexes.rows) out.push(`${i.def};`);
  return out.join("\n") + "\n";
}
