import { readFile } from "node:fs/promises";
import { UsageError } from "../common/errors.js";
import { connect, DEFAULT_TIMEOUTS, redactUrl, scrub, timeoutMessage, type SessionTimeouts } from "../common/connection.js";

/**
 * `locklint stats`: table sizes from a real database, for lock-time estimates. Reads catalogs and
 * statistics only, inside a READ ONLY transaction that is rolled back. The password of the URL
 * never reaches output, errors or the file.
 */

export interface IndexStats {
  name: string;
  bytes: number;
}

export interface TableStats {
  schema: string;
  name: string;
  kind: "table" | "partitioned table" | "materialized view";
  /** pg_class.reltuples: the planner's estimate (-1 when never analysed, before 14: 0). */
  reltuples: number;
  /** pg_stat_user_tables.n_live_tup; null when the statistics collector has nothing. */
  liveTuples: number | null;
  heapBytes: number;
  toastBytes: number;
  totalBytes: number;
  indexes: IndexStats[];
}

export interface StatsFile {
  format: "locklint-stats";
  version: 1;
  collectedAt: string;
  server: { version: string; versionNum: number };
  /** The database, as a URL without its password. */
  source: string;
  tables: TableStats[];
}

const TABLES = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.reltuples::float8 AS reltuples,
       s.n_live_tup::float8 AS live, pg_relation_size(c.oid)::float8 AS heap,
       COALESCE(pg_total_relation_size(c.reltoastrelid), 0)::float8 AS toast,
       pg_total_relation_size(c.oid)::float8 AS total, c.oid::int8::text AS oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname`;

const INDEXES = `
SELECT i.indrelid::int8::text AS table_oid, ic.relname AS name, pg_relation_size(ic.oid)::float8 AS bytes
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY ic.relname`;

const KINDS: Record<string, TableStats["kind"]> = { r: "table", p: "partitioned table", m: "materialized view" };

/** Shown and written without passwords: src/common/connection.ts, the one place that knows connection strings. */
export { redactUrl, scrub } from "../common/connection.js";

export async function collectStats(url: string, timeouts: SessionTimeouts = DEFAULT_TIMEOUTS, now: () => Date = () => new Date()): Promise<StatsFile> {
  // lock_timeout: reading a table's size waits for its lock, which a running migration may hold
  const client = await connect(url, "locklint stats", timeouts);
  const where = redactUrl(url);
  try {
    await client.query("BEGIN READ ONLY");
    const version = (await client.query<{ v: string; n: string }>("SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n"))
      .rows[0]!;
    const tables = (
      await client.query<{
        schema: string;
        name: string;
        kind: string;
        reltuples: number;
        live: number | null;
        heap: number;
        toast: number;
        total: number;
        oid: string;
      }>(TABLES)
    ).rows;
    const indexes = (await client.query<{ table_oid: string; name: string; bytes: number }>(INDEXES)).rows;
    await client.query("ROLLBACK");
    const byTable = new Map<string, IndexStats[]>();
    for (const i of indexes) byTable.set(i.table_oid, [...(byTable.get(i.table_oid) ?? []), { name: i.name, bytes: i.bytes }]);
    return {
      format: "locklint-stats",
      version: 1,
      collectedAt: now().toISOString(),
      server: { version: version.v, versionNum: Number(version.n) },
      source: where,
      tables: tables.map((t) => ({
        schema: t.schema,
        name: t.name,
        kind: KINDS[t.kind] ?? "table",
        reltuples: t.reltuples,
        liveTuples: t.live,
        heapBytes: t.heap,
        toastBytes: t.toast,
        totalBytes: t.total,
        indexes: byTable.get(t.oid) ?? [],
      })),
    };
  } catch (error) {
    const reason = timeoutMessage(error, timeouts) ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(scrub(`reading statistics from ${where} failed: ${reason}`, url));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A stats file written by `locklint stats`; a clear error naming the file when it is not one. */
export async function readStatsFile(path: string): Promise<StatsFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: cannot read the stats file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let data: Partial<StatsFile>;
  try {
    data = JSON.parse(text) as Partial<StatsFile>;
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${error instanceof Error ? error.message : String(error)}); write it with locklint stats`);
  }
  if (data?.format !== "locklint-stats" || data.version !== 1 || !Array.isArray(data.tables)) {
    throw new UsageError(`${path}: not a locklint stats file (version 1); write it with locklint stats`);
  }
  for (const [i, table] of data.tables.entries()) {
    const problem = tableProblem(table);
    if (problem) throw new UsageError(`${path}: tables[${i}]${problem}; write it with locklint stats`);
  }
  return data as StatsFile;
}

const isCount = (value: unknown) => typeof value === "number" && Number.isFinite(value);

/**
 * What is wrong with one entry of a stats file's tables, as the rest of a JSON path and what was
 * expected (`.heapBytes: expected a number`); null when it is a table as `locklint stats` writes it.
 * The estimates read every field: a file edited by hand must fail here, naming the place.
 */
function tableProblem(table: unknown): string | null {
  if (typeof table !== "object" || table === null || Array.isArray(table)) return ": expected an object (schema, name, kind, sizes, indexes)";
  const t = table as Record<string, unknown>;
  for (const key of ["schema", "name"]) if (typeof t[key] !== "string") return `.${key}: expected a string`;
  if (!(Object.values(KINDS) as unknown[]).includes(t.kind))
    return `.kind: expected ${Object.values(KINDS)
      .map((k) => `"${k}"`)
      .join(", ")}`;
  for (const key of ["reltuples", "heapBytes", "toastBytes", "totalBytes"]) if (!isCount(t[key])) return `.${key}: expected a number`;
  if (t.liveTuples !== null && !isCount(t.liveTuples)) return ".liveTuples: expected a number or null";
  if (!Array.isArray(t.indexes)) return ".indexes: expected a list";
  const index = t.indexes.findIndex(
    (i: unknown) => typeof i !== "object" || i === null || typeof (i as IndexStats).name !== "string" || !isCount((i as IndexStats).bytes),
  );
  return index < 0 ? null : `.indexes[${index}]: expected an object with a name (string) and bytes (number)`;
}
