import type { SqlSession } from "../support/pglite-observer.js";
import { attempt } from "./catalog.js";

/**
 * A few committed rows in the tables a finding is about, so that scans, rewrites and "fails if the
 * table has rows" are observable. "nulls": nullable columns left NULL (what most statements accept:
 * foreign keys, CHECKs, unique constraints); "full": every column gets a value (SET NOT NULL needs it).
 */
export type SeedFlavor = "nulls" | "full";

export const SEED_ROWS = 3;

interface Column {
  name: string;
  type: string;
  notnull: boolean;
  skip: boolean;
  typtype: string;
  category: string;
  typid: string;
  basetype: string;
}

interface ForeignKey {
  columns: string[];
  parent: string;
  parentColumns: string[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function columns(db: SqlSession, oid: number): Promise<Column[]> {
  return (
    await db.query<Column>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
              (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS skip,
              t.typtype::text AS typtype, t.typcategory::text AS category, a.atttypid::int8::text AS typid,
              format_type(t.typbasetype, t.typtypmod) AS basetype
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [oid],
    )
  ).rows;
}

async function foreignKeys(db: SqlSession, oid: number): Promise<(ForeignKey & { parentOid: number })[]> {
  const rows = (
    await db.query<{ columns: string[]; parent: string; parent_oid: string; parent_columns: string[] }>(
      `SELECT ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
              c.confrelid::regclass::text AS parent, c.confrelid::int8::text AS parent_oid,
              ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS parent_columns
       FROM pg_constraint c WHERE c.conrelid = $1 AND c.contype = 'f'`,
      [oid],
    )
  ).rows;
  return rows.map((r) => ({ columns: r.columns, parent: r.parent, parentOid: Number(r.parent_oid), parentColumns: r.parent_columns }));
}

function valueOf(c: { type: string; typtype: string; category: string; typid: string; basetype: string }, i: number): string | null {
  if (c.typtype === "d") return `(${valueOf({ ...c, type: c.basetype, typtype: "b", category: categoryOf(c.basetype) }, i) ?? "NULL"})::${c.type}`;
  if (c.typtype === "e") return `(SELECT enumlabel FROM pg_enum WHERE enumtypid = ${c.typid} ORDER BY enumsortorder LIMIT 1)::${c.type}`;
  switch (c.category) {
    case "A":
      return `'{}'::${c.type}`;
    case "N":
      return `${i}::${c.type}`;
    case "S":
      return `'${i}'::${c.type}`;
    case "B":
      return "true";
    case "D":
      return `(now() + interval '${i} days')::${c.type}`;
    case "T":
      return `interval '${i} seconds'`;
    case "I":
      return `'10.0.0.${i}'::${c.type}`;
    case "V":
      return `B'1'::${c.type}`;
    default:
      break;
  }
  if (c.type === "uuid") return "gen_random_uuid()";
  if (c.type === "json" || c.type === "jsonb") return `'{}'::${c.type}`;
  if (c.type === "bytea") return `'\\x0${i}'::bytea`;
  if (c.type === "tsvector") return `''::tsvector`;
  return `'${i}'::${c.type}`;
}

function categoryOf(type: string): string {
  if (/^(smallint|integer|bigint|numeric|real|double)/.test(type)) return "N";
  if (/^(text|character|name|citext)/.test(type)) return "S";
  if (/^(timestamp|date|time)/.test(type)) return "D";
  if (type === "boolean") return "B";
  return "U";
}

/** Seeds `oid` (and, first, the parents its NOT NULL foreign keys need): rows inserted per table name. */
export async function seed(db: SqlSession, oid: number, flavor: SeedFlavor, done = new Map<number, number>(), depth = 0): Promise<Map<number, number>> {
  if (done.has(oid) || depth > 3) return done;
  done.set(oid, 0);
  const kind = (await db.query<{ k: string; name: string }>(`SELECT relkind::text AS k, oid::regclass::text AS name FROM pg_class WHERE oid = $1`, [oid]))
    .rows[0];
  if (!kind || (kind.k !== "r" && kind.k !== "p")) return done;
  const cols = await columns(db, oid);
  const fks = await foreignKeys(db, oid);
  const byColumn = new Map<string, { fk: (typeof fks)[number]; at: number }>();
  for (const fk of fks) fk.columns.forEach((c, at) => byColumn.set(c, { fk, at }));
  for (const fk of fks) {
    const needed = flavor === "full" || fk.columns.some((c) => cols.find((x) => x.name === c)?.notnull);
    if (needed && fk.parentOid !== oid) await seed(db, fk.parentOid, flavor, done, depth + 1);
  }
  let inserted = 0;
  for (let i = 1; i <= SEED_ROWS; i++) {
    const names: string[] = [];
    const values: string[] = [];
    for (const c of cols) {
      if (c.skip) continue;
      const ref = byColumn.get(c.name);
      if (ref) {
        if (!c.notnull && (flavor === "nulls" || ref.fk.parentOid === oid)) continue;
        const { fk, at } = ref;
        values.push(
          `(SELECT ${q(fk.parentColumns[at]!)} FROM ${fk.parent} ORDER BY ctid OFFSET ${i - 1} % GREATEST(1, (SELECT count(*) FROM ${fk.parent})) LIMIT 1)`,
        );
        names.push(q(c.name));
        continue;
      }
      if (!c.notnull && flavor === "nulls") continue;
      const value = valueOf(c, i);
      if (value === null) continue;
      names.push(q(c.name));
      values.push(value);
    }
    const sql = names.length ? `INSERT INTO ${kind.name} (${names.join(", ")}) VALUES (${values.join(", ")})` : `INSERT INTO ${kind.name} DEFAULT VALUES`;
    const { error } = await attempt(db, sql);
    if (!error) inserted++;
  }
  done.set(oid, inserted);
  return done;
}
