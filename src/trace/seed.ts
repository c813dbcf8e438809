import type { TraceDatabase } from "./database.js";

/**
 * --seed-rows: fills every empty user table with N rows so that scans and rewrites take time and
 * show in the statistics. Values follow each column's type; foreign-key triggers are skipped
 * (session_replication_role = replica) since the values do not match. Returns the tables it could
 * not fill, with why. On a server only the tables trace created are seeded (`existing` lists the
 * server's own): rows would roll back, but a table's statistics (ANALYZE) and identity sequences
 * would not.
 */
export async function seedTables(db: TraceDatabase, rows: number, existing?: ReadonlySet<string>): Promise<string[]> {
  const tables = await userTables(db);
  const skipped: string[] = [];
  // On a server everything runs in trace's one transaction: an error must not abort it, so each step has a savepoint.
  const guarded = async (sql: string): Promise<string | null> => {
    if (db.server) await db.exec("SAVEPOINT locklint_seed");
    try {
      await db.exec(sql);
      if (db.server) await db.exec("RELEASE SAVEPOINT locklint_seed");
      return null;
    } catch (error) {
      if (db.server) await db.exec("ROLLBACK TO SAVEPOINT locklint_seed");
      return error instanceof Error ? error.message : String(error);
    }
  };
  const replica = await guarded("SET LOCAL session_replication_role = replica");
  if (replica && db.server) return [`no table seeded: foreign keys cannot be bypassed (${replica})`];
  if (!db.server) await db.exec("SET session_replication_role = replica");
  try {
    for (const table of tables) {
      const empty = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table.name} LIMIT 1) x`)).rows[0]!.n === 0;
      if (!empty) continue;
      if (existing?.has(table.name)) {
        skipped.push(`${table.name}: a table of the server (its statistics and sequences would outlive the rollback)`);
        continue;
      }
      const columns = (
        await db.query<{ name: string; type: string; notnull: boolean; hasdefault: boolean; typtype: string; identity: string; generated: string }>(
          `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
                  a.atthasdef AS hasdefault, t.typtype::text AS typtype, a.attidentity::text AS identity, a.attgenerated::text AS generated
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
          [table.oid],
        )
      ).rows;
      const chosen: { name: string; value: string }[] = [];
      let unfillable: string | null = null;
      for (const c of columns) {
        if (c.generated || c.identity === "a" || (c.hasdefault && !c.notnull)) continue;
        const value = valueFor(c.type, c.typtype);
        if (value) chosen.push({ name: c.name, value });
        else if (c.notnull && !c.hasdefault) unfillable = `${c.name} ${c.type}`;
      }
      if (unfillable) {
        skipped.push(`${table.name}: no value for NOT NULL column ${unfillable}`);
        continue;
      }
      const failed = await guarded(
        chosen.length
          ? `INSERT INTO ${table.name} (${chosen.map((c) => c.name).join(", ")}) SELECT ${chosen.map((c) => c.value).join(", ")} FROM generate_series(1, ${rows}) g`
          : `INSERT INTO ${table.name} SELECT FROM generate_series(1, ${rows}) g`,
      );
      if (failed) skipped.push(`${table.name}: ${failed}`);
    }
  } finally {
    if (!db.server) await db.exec("RESET session_replication_role");
    else await db.exec("SET LOCAL session_replication_role = origin");
  }
  await analyzeTables(db, existing);
  return skipped;
}

/**
 * ANALYZE, so that each table's row estimate (pg_class.reltuples) counts the rows the setup, the
 * seeding or earlier revisions put in: a full scan shows as reads of at least that many rows, and
 * a table never analysed (reltuples -1 from PostgreSQL 14, 0 before) would show none. On a server,
 * ANALYZE writes pg_class in place: only the tables created in trace's transaction (not in
 * `existing`), which vanish with it; the server's own tables have their statistics already.
 */
export async function analyzeTables(db: TraceDatabase, existing?: ReadonlySet<string>): Promise<void> {
  if (!db.server) {
    await db.exec("ANALYZE");
    return;
  }
  const created = (await userTables(db)).map((t) => t.name).filter((name) => !existing?.has(name));
  if (created.length) await db.exec(`ANALYZE ${created.join(", ")}`);
}

/** The tables of the user schemas (not alembic's version table), names quoted for SQL. */
async function userTables(db: TraceDatabase): Promise<{ oid: number; name: string }[]> {
  return (
    await db.query<{ oid: number; name: string }>(
      `SELECT c.oid::int AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' AND c.relname <> 'alembic_version'`,
    )
  ).rows;
}

function valueFor(type: string, typtype: string): string | null {
  const base = type.replace(/\[\]$/, "");
  if (type.endsWith("[]")) return "'{}'";
  if (typtype === "e") return `(enum_range(NULL::${base}))[1]`;
  if (/^(smallint)$/.test(base)) return "(g % 32000)::smallint";
  if (/^(integer|bigint|numeric.*|real|double precision)$/.test(base)) return `g::${base}`;
  const varchar = /^character varying\((\d+)\)$/.exec(base) ?? /^character\((\d+)\)$/.exec(base);
  if (varchar) return `left('v' || g, ${varchar[1]})`;
  if (/^(text|character varying|citext)$/.test(base)) return "'value ' || g";
  if (base === "boolean") return "(g % 2 = 0)";
  if (/^(timestamp|date|time)/.test(base)) return `now()::${base}`;
  if (base === "uuid") return "md5(g::text)::uuid";
  if (base === "json" || base === "jsonb") return `'{}'::${base}`;
  if (base === "bytea") return "''::bytea";
  if (base === "interval") return "interval '1 day'";
  if (base === "inet") return "'127.0.0.1'::inet";
  return null;
}
