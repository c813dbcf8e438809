import { PGlite } from "@electric-sql/pglite";
import { lockModeFromPgLocks, stronger, type LockMode } from "../../src/locks.js";

/** What PostgreSQL did while running one statement inside BEGIN: read back from its catalogs. */
export interface Observation {
  /** Strongest relation lock held by this session, per relation of the public schema. */
  locks: Map<string, { mode: LockMode; relkind: string }>;
  /** Relations whose relfilenode changed: a new file, every row rewritten. */
  rewritten: Set<string>;
  /** Tables read in full by sequential scans: seq_tup_read grew by at least their row count. */
  scanned: Set<string>;
}

const RELATIONS = `SELECT c.relname, c.relkind, c.relfilenode::text AS file FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'i', 'I', 'm')`;
const SEQ_READS = `SELECT relname, seq_tup_read::int AS read FROM pg_stat_xact_user_tables WHERE schemaname = 'public'`;
const LOCKS = `SELECT c.relname, c.relkind, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relnamespace = 'public'::regnamespace
    AND c.relkind IN ('r', 'p', 'i', 'I', 'm')`; // sequences a serial column creates are new: nobody waits on them

export class LockObserver {
  private constructor(private readonly db: PGlite, private readonly rowCounts: Map<string, number>) {}

  /** A fresh embedded PostgreSQL with `fixture` applied and committed. */
  static async create(fixture: string): Promise<LockObserver> {
    const db = await PGlite.create();
    await db.exec(fixture);
    await db.exec("ANALYZE");
    const counts = await db.query<{ relname: string; n: number }>(
      `SELECT relname, n_live_tup::int AS n FROM pg_stat_user_tables WHERE schemaname = 'public'`,
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
      const files = await this.relfilenodes();
      const reads = await this.seqReads();
      await this.db.exec(sql);
      const locks = new Map<string, { mode: LockMode; relkind: string }>();
      for (const row of (await this.db.query<{ relname: string; relkind: string; mode: string }>(LOCKS)).rows) {
        const mode = lockModeFromPgLocks(row.mode);
        if (!mode) throw new Error(`unknown lock mode ${row.mode}`);
        const before = locks.get(row.relname);
        locks.set(row.relname, { mode: before ? stronger(before.mode, mode) : mode, relkind: row.relkind });
      }
      const rewritten = new Set<string>();
      for (const [name, file] of await this.relfilenodes()) if (files.has(name) && files.get(name) !== file) rewritten.add(name);
      const scanned = new Set<string>();
      for (const [name, read] of await this.seqReads()) {
        const rows = this.rowCounts.get(name) ?? 0;
        if (rows > 0 && read - (reads.get(name) ?? 0) >= rows) scanned.add(name);
      }
      return { locks, rewritten, scanned };
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

  private async relfilenodes(): Promise<Map<string, string>> {
    const rows = (await this.db.query<{ relname: string; file: string }>(RELATIONS)).rows;
    return new Map(rows.map((r) => [r.relname, r.file]));
  }

  private async seqReads(): Promise<Map<string, number>> {
    const rows = (await this.db.query<{ relname: string; read: number }>(SEQ_READS)).rows;
    return new Map(rows.map((r) => [r.relname, r.read]));
  }
}
