import { connect, DEFAULT_TIMEOUTS, scrub, showDuration, timeoutMessage, type SessionTimeouts } from "../common/connection.js";
import { UsageError } from "../common/errors.js";

/** The database trace runs on: the embedded PostgreSQL, or a server given by URL. */
export interface TraceDatabase {
  /** A server, whose work trace must never commit (everything runs in one transaction that is rolled back). */
  readonly server: boolean;
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/** A timeout, or the embedded database gone: trace stops there (one line, exit 2) instead of going on. */
export class TraceStopped extends UsageError {}

/**
 * The embedded PostgreSQL runs in a worker thread: PGlite runs a statement synchronously and
 * ignores statement_timeout, so a statement that never ends (pg_sleep, an endless loop) can only
 * be stopped by terminating its thread.
 */
export async function embeddedDatabase(timeouts: SessionTimeouts = DEFAULT_TIMEOUTS): Promise<TraceDatabase> {
  // loaded here: worker_threads costs every run's start-up, and only trace needs it
  const { Worker } = await import("node:worker_threads");
  const pglite = resolvePGlite();
  const extensions = EMBEDDED_EXTENSIONS.map((name) => [name, import.meta.resolve(`@electric-sql/pglite/contrib/${name}`)]);
  const worker = new Worker(EMBEDDED_WORKER, { eval: true, workerData: { pglite, extensions } });
  worker.unref(); // a stuck statement must not keep locklint alive once it has reported
  let next = 0;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (m: { id: number; rows?: unknown[]; error?: string }) => {
    const waiting = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) waiting?.reject(new Error(m.error));
    else waiting?.resolve(m.rows ?? []);
  });
  // the thread died (PGlite aborted: out of memory): what is waiting fails, and so does what comes after
  let gone: TraceStopped | null = null;
  const stop = (error: TraceStopped) => {
    gone ??= error;
    failAll(gone);
  };
  worker.on("error", (error) => stop(new TraceStopped(`the embedded PostgreSQL failed: ${error.message}`)));
  worker.on("exit", () => stop(new TraceStopped("the embedded PostgreSQL stopped")));
  const overdue = `the statement ran longer than ${showDuration(timeouts.statementMs)} (--statement-timeout changes it); the embedded database was stopped`;
  const call = (sql: string, params?: unknown[], limitMs = timeouts.statementMs, late = overdue): Promise<unknown[]> =>
    new Promise((resolve, reject) => {
      if (gone) return reject(gone);
      const id = next++;
      const timer = setTimeout(() => {
        stop(new TraceStopped(late));
        void worker.terminate();
      }, limitMs);
      pending.set(id, {
        resolve: (rows) => (clearTimeout(timer), resolve(rows)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      worker.postMessage({ id, sql, params });
    });
  // started: PGlite.create() ran
  await call("", undefined, START_MS, `the embedded PostgreSQL did not start within ${showDuration(START_MS)}`).catch(async (error: Error) => {
    await worker.terminate();
    throw error instanceof UsageError ? error : new UsageError(`the embedded PostgreSQL did not start: ${error.message}`);
  });
  return {
    server: false,
    exec: async (sql) => {
      await call(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await call(sql, params ?? [])) as T[] }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** How long the embedded database may take to start (about 2 s; a slow CI machine may take ten times that). */
const START_MS = 120_000;

/**
 * Extensions migrations create (CREATE EXTENSION "uuid-ossp", pg_trgm, citext, ...), from PGlite's contrib:
 * each is loaded only when a statement creates it. Others fail in trace as PostgreSQL fails without them.
 */
const EMBEDDED_EXTENSIONS = ["citext", "pg_trgm", "uuid_ossp", "pgcrypto", "hstore", "btree_gin", "btree_gist", "ltree", "unaccent", "fuzzystrmatch"];

/** The worker: PGlite with the contrib extensions, and per message one exec (no params) or query; "" only answers once started. */
const EMBEDDED_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const started = Promise.all([
  import(workerData.pglite),
  ...workerData.extensions.map(([name, url]) => import(url).then((module) => [name, module[name]])),
]).then(([{ PGlite }, ...extensions]) => PGlite.create({ extensions: Object.fromEntries(extensions) }));
parentPort.on("message", async ({ id, sql, params }) => {
  try {
    const db = await started;
    const rows = sql === "" ? [] : params ? (await db.query(sql, params)).rows : (await db.exec(sql), []);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** The version package.json pins; an install of another version may not start. */
export const PGLITE_PACKAGE = "@electric-sql/pglite@0.5.14";

/** PGlite is an optional peer of the npm package (27 MB that only trace needs): where it is, or how to add it. */
function resolvePGlite(): string {
  try {
    // resolved from here (the bundle's folder in an install) and loaded by the worker, not at start-up
    return import.meta.resolve("@electric-sql/pglite");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(error).includes("@electric-sql/pglite");
    if (!missing) throw error;
    throw new UsageError(
      `trace needs the embedded PostgreSQL (PGlite), which this install of locklint does not include: npm install ${PGLITE_PACKAGE} beside it (the Python package ships it), or trace on a server with --db-url`,
    );
  }
}

/** A session on the server, with lock and statement timeouts; a timeout is a TraceStopped, no error shows the password. */
export async function serverDatabase(url: string, timeouts: SessionTimeouts = DEFAULT_TIMEOUTS): Promise<TraceDatabase> {
  const client = await connect(url, "locklint trace", timeouts);
  const clean = (error: unknown) => {
    const timeout = timeoutMessage(error, timeouts);
    return timeout ? new TraceStopped(timeout) : new Error(scrub(error instanceof Error ? error.message : String(error), url));
  };
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
