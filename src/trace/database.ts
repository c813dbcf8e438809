import { UsageError } from "../errors.js";
import { redactUrl, scrub } from "../stats.js";

/** The database trace runs on: the embedded PostgreSQL, or a server given by URL. */
export interface TraceDatabase {
  /** A server, whose work trace must never commit (everything runs in one transaction that is rolled back). */
  readonly server: boolean;
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

export async function embeddedDatabase(): Promise<TraceDatabase> {
  const { PGlite } = await loadPGlite();
  const db = await PGlite.create();
  return {
    server: false,
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: (sql, params) => db.query(sql, params),
    close: () => db.close(),
  };
}

/** The version package.json pins; an install of another version may not start. */
export const PGLITE_PACKAGE = "@electric-sql/pglite@0.5.14";

/** PGlite is an optional peer of the npm package (27 MB that only trace needs): say how to add it. */
async function loadPGlite(): Promise<typeof import("@electric-sql/pglite")> {
  try {
    // loaded here, not at start-up: only trace needs a database (lint starts faster without it)
    return await import("@electric-sql/pglite");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(error).includes("@electric-sql/pglite");
    if (!missing) throw error;
    throw new UsageError(`trace needs the embedded PostgreSQL (PGlite), which this install of locklint does not include: npm install ${PGLITE_PACKAGE} beside it (the Python package ships it), or trace on a server with --db-url`);
  }
}

export async function serverDatabase(url: string): Promise<TraceDatabase> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, application_name: "locklint trace", connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new UsageError(scrub(`cannot connect to ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`, url));
  }
  const clean = (error: unknown) => new Error(scrub(error instanceof Error ? error.message : String(error), url));
  return {
    server: true,
    exec: async (sql) => {
      await client.query(sql).catch((e: unknown) => {
        throw clean(e);
      });
    },
    query: async <T>(sql: string, params?: unknown[]) => {
      const result = await client.query(sql, params).catch((e: unknown) => {
        throw clean(e);
      });
      return { rows: result.rows as T[] };
    },
    close: () => client.end(),
  };
}
