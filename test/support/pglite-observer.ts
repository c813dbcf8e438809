import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import type { LockMode } from "../../src/locks/modes.js";
import { heldLocks, relationFiles, sequentialReads } from "../../src/trace/catalog.js";

/** What PostgreSQL did while running one statement inside BEGIN: read back from its catalogs. */
export interface Observation {
  /** Strongest relation lock held by this session, per table and index of the user schemas. */
  locks: Map<string, { mode: LockMode; index: boolean }>;
  /** Relations whose relfilenode changed: a new file, every row rewritten. */
  rewritten: Set<string>;
  /** Tables read in full by sequential scans: seq_tup_read grew by at least their row count. */
  scanned: Set<string>;
  /**
   * Locks on types of the user schema beyond ACCESS SHARE, as "name: MODE", sorted. They are object locks
   * (pg_locks: locktype 'object', classid pg_type). ACCESS SHARE is left out: PostgreSQL 18 takes it on each
   * type a new column or table depends on (a dependency lock, no DDL of a migration waits for it).
   */
  typeLocks: string[];
}

/** One database session: PGlite, or a client of a real server (test/integration/versions-servers.test.ts). */
export interface SqlSession {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/** Reads the catalogs with the queries trace uses (src/trace/catalog.ts); the comparison here is the test's own. */
export class LockObserver {
  private constructor(
    private readonly db: SqlSession,
    private readonly rowCounts: Map<string, number>,
  ) {}

  /** A fresh embedded PostgreSQL with `fixture` applied and committed. */
  static async create(fixture: string): Promise<LockObserver> {
    return LockObserver.over(await freshPGlite(), fixture);
  }

  /** `fixture` applied and committed in `db`, then analysed: row counts come from ANALYZE (the statistics views of servers before 15 lag behind). */
  static async over(db: SqlSession, fixture: string): Promise<LockObserver> {
    await db.exec(fixture);
    await db.exec("ANALYZE");
    const counts = await db.query<{ relname: string; n: number }>(
      `SELECT c.relname, GREATEST(c.reltuples, 0)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')`,
    );
    return new LockObserver(db, new Map(counts.rows.map((r) => [r.relname, r.n])));
  }

  async serverVersion(): Promise<string> {
    return (await this.db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  }

  /** Runs `prep` then `sql` inside BEGIN, observes, and rolls back: the fixture is left as it was. */
  async observe(sql: string, prep = ""): Promise<Observation> {
    await this.db.exec("BEGIN");
    try {
      if (prep) await this.db.exec(prep);
      const files = await relationFiles(this.db);
      const reads = await sequentialReads(this.db);
      await this.db.exec(sql);
      const locks = await heldLocks(this.db);
      const typeLocks = await this.typeLocks();
      const rewritten = new Set<string>();
      for (const [name, file] of await relationFiles(this.db)) if (files.has(name) && files.get(name) !== file) rewritten.add(name);
      const scanned = new Set<string>();
      for (const [name, now] of await sequentialReads(this.db)) {
        const rows = this.rowCounts.get(name) ?? 0;
        if (rows > 0 && now.read - (reads.get(name)?.read ?? 0) >= rows) scanned.add(name);
      }
      return { locks, rewritten, scanned, typeLocks };
    } finally {
      await this.db.exec("ROLLBACK");
    }
  }

  private async typeLocks(): Promise<string[]> {
    const rows = await this.db.query<{ name: string; mode: string }>(
      `SELECT t.typname AS name, l.mode FROM pg_locks l JOIN pg_type t ON l.classid = 'pg_type'::regclass AND t.oid = l.objid
       JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE l.pid = pg_backend_pid() AND l.locktype = 'object' AND n.nspname = 'public' AND l.mode <> 'AccessShareLock'`,
    );
    // AccessExclusiveLock -> ACCESS EXCLUSIVE
    const modeName = (mode: string) =>
      mode
        .replace(/Lock$/, "")
        .replace(/([a-z])([A-Z])/g, "$1 $2")
        .toUpperCase();
    return rows.rows.map((r) => `${r.name}: ${modeName(r.mode)}`).sort();
  }

  /** The modes pg_locks shows this session holding on one relation of any kind (a sequence too) after `sql` inside BEGIN, rolled back. */
  async modesOn(relation: string, sql: string): Promise<string[]> {
    await this.db.exec("BEGIN");
    try {
      await this.db.exec(sql);
      const held = await this.db.query<{ mode: string }>(
        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname = $1",
        [relation],
      );
      return held.rows.map((r) => r.mode);
    } finally {
      await this.db.exec("ROLLBACK");
    }
  }

  /** The error PostgreSQL raises for `sql` inside BEGIN, or null when it runs. */
  async errorInTransaction(sql: string): Promise<string | null> {
    await this.db.exec("BEGIN");
    try {
      await this.db.exec(sql);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await this.db.exec("ROLLBACK");
    }
  }

  /** The most volatile class among a built-in function's overloads, or null when there is none. */
  async mostVolatile(name: string): Promise<"volatile" | "stable" | "immutable" | null> {
    const rows = (await this.db.query<{ v: string }>("SELECT DISTINCT provolatile AS v FROM pg_proc WHERE proname = $1", [name])).rows.map((r) => r.v);
    if (rows.includes("v")) return "volatile";
    if (rows.includes("s")) return "stable";
    return rows.includes("i") ? "immutable" : null;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

const CACHE = fileURLToPath(new URL("../../.cache", import.meta.url));

/**
 * A new, empty PGlite. Its initdb is 3 of the 4 s PGlite takes to start, most of the fast suite's
 * critical path: the first run dumps the fresh cluster into .cache/ (per PGlite version), later
 * runs load it (about 1.5 s). A dump that does not load is made again.
 */
export async function freshPGlite(options: PGliteOptions = {}): Promise<PGlite> {
  const { version } = JSON.parse(readFileSync(join(CACHE, "..", "node_modules", "@electric-sql", "pglite", "package.json"), "utf8")) as { version: string };
  const dump = join(CACHE, `pglite-${version}-cluster.tar`);
  if (existsSync(dump)) {
    try {
      return await PGlite.create({ ...options, loadDataDir: new Blob([readFileSync(dump)]) });
    } catch {
      // made again below
    }
  }
  const db = await PGlite.create(options);
  const cluster = await db.dumpDataDir("none");
  mkdirSync(CACHE, { recursive: true });
  // written whole, then renamed: a run that stops half-way leaves no broken dump
  const partial = `${dump}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await cluster.arrayBuffer()));
  renameSync(partial, dump);
  return db;
}
