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
  // loaded here, not at start-up: only trace needs a database (lint starts faster without them)
  const { PGlite } = await import("@electric-sql/pglite");
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
