import type { LockMode } from "../../src/locks/modes.js";
import type { SqlSession } from "../support/pglite-observer.js";
import type { RunningServer } from "../support/servers.js";
import { attempt, extensionFor, relations, resolve, seqReads, sessionLocks, type PgError, type RelInfo } from "./catalog.js";
import type { History, Stmt } from "./corpus.js";
import { seed, type SeedFlavor } from "./seed.js";

/**
 * Replays a history on a real server. The history runs once, statement by statement and committed
 * (the database every later revision is deployed on). Before a revision with a sampled finding, the
 * database is copied (CREATE DATABASE ... TEMPLATE); in the copy, a few rows are seeded into the
 * tables the finding is about, the revision runs as the file runs it (inside its BEGIN) up to the
 * statement before the flagged one, and the flagged statement runs inside BEGIN between two reads of
 * the session's locks, the relation files, the scan counters, and probes from a second session.
 */

export type Attempt = SeedFlavor | "empty";

/** What the replay does for one sampled finding: where the copy starts, what to resolve, seed, probe. */
export interface Plan {
  startIndex: number;
  flaggedIndex: number;
  /** Relation names the finding's claim is about (resolved to oids before the flagged statement). */
  claimed: string[];
  /** Seedings to try in turn until the revision and the flagged statement run without error. */
  attempts: Attempt[];
  /** The flagged statement's error is the observation (adding-required-field): stop after the first attempt. */
  acceptError?: boolean;
  /** Run the flagged statement outside a transaction, then once more (prefer-robust-stmts). */
  rerun?: boolean;
  /** Reads in the copy before its transaction starts (committed state, after seeding). */
  atStart?: (db: SqlSession) => Promise<Record<string, unknown>>;
  /** A table whose rows the flagged statement should leave locked: a second session counts the rows it cannot lock (SKIP LOCKED). */
  rowProbe?: string;
  /** Whether to try the next seeding although this one ran cleanly. */
  retry?: (o: Observation) => boolean;
  /** Extra reads in the flagged statement's session after it ran (inside a savepoint, rolled back). */
  after?: (db: SqlSession) => Promise<Record<string, unknown>>;
  /** Reads on the replayed database once the flagged statement's revision is committed. */
  afterRevision?: (db: SqlSession) => Promise<Record<string, unknown>>;
}

export interface Probe {
  /** null: not probed or not visible to other sessions (created in the open transaction). */
  read: boolean | null;
  write: boolean | null;
}

export interface Observation {
  attempt: Attempt;
  seeded: Record<string, number>;
  priorFailures: { line: number; error: string }[];
  /** Whether the flagged statement ran inside a transaction block (the file's, or one opened to observe it). */
  inTransaction: boolean;
  fileTransaction: boolean;
  error: PgError | null;
  rowCount: number | null;
  rerunError?: PgError | null;
  lockTimeout: string;
  /** Relations committed before the copy's transaction started (the revision's start). */
  existed: Map<number, RelInfo>;
  /** Rows of each table at the revision's start (after seeding). */
  rows: Map<number, number>;
  /** claimed name -> oid, resolved just before the flagged statement. */
  resolved: Map<string, number | null>;
  /** claimed name -> oid at the revision's start (committed). */
  resolvedAtStart: Map<string, number | null>;
  names: Map<number, RelInfo>;
  locksBefore: Map<number, LockMode>;
  locksAfter: Map<number, LockMode>;
  rewritten: Set<number>;
  scanned: Set<number>;
  probesBefore: Map<number, Probe>;
  probesAfter: Map<number, Probe>;
  extra: Record<string, unknown>;
  start: Record<string, unknown>;
  /** rowProbe: rows of the table a second session could not lock after the flagged statement (null: not measured). */
  lockedRows: number | null;
}

export interface Replayed {
  attempts: Observation[];
  /** The first attempt without errors before or at the flagged statement, else the last. */
  final: Observation | null;
  failure?: string;
  afterRevision?: Record<string, unknown>;
}

const SETTING = /^\s*(SET\s|SELECT\s+set_config\s*\()/i;
const PROBE_LIMIT = 12;
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class HistoryReplay {
  private main!: SqlSession;
  private probeSession: SqlSession | null = null;
  readonly mainFailures = new Map<number, string>();
  private copies = 0;

  constructor(
    private readonly server: RunningServer,
    private readonly history: History,
    private readonly database: string,
  ) {}

  /** Runs the whole history, observing each plan where it starts. */
  async run(plans: readonly Plan[]): Promise<Replayed[]> {
    const results: Replayed[] = plans.map(() => ({ attempts: [], final: null }));
    await this.server.session.exec(`DROP DATABASE IF EXISTS ${quoteIdent(this.database)} WITH (FORCE)`);
    await this.server.session.exec(`CREATE DATABASE ${quoteIdent(this.database)}`);
    this.main = await this.server.connect(this.database);
    const statements = this.history.statements;
    const revisionEnd = new Map<number, number>();
    for (const s of statements) revisionEnd.set(s.revisionLine, s.index);
    try {
      for (const s of statements) {
        for (const [i, plan] of plans.entries()) if (plan.startIndex === s.index) results[i] = await this.observePlan(plan);
        if (s.control === null) {
          const error = await this.execute(this.main, s.sql, false);
          if (error) this.mainFailures.set(s.index, error.message);
        }
        if (revisionEnd.get(s.revisionLine) === s.index) {
          for (const [i, plan] of plans.entries()) {
            if (!plan.afterRevision || statements[plan.flaggedIndex]!.revisionLine !== s.revisionLine) continue;
            try {
              results[i]!.afterRevision = await plan.afterRevision(this.main);
            } catch (error) {
              results[i]!.afterRevision = { error: String(error) };
            }
          }
        }
      }
    } finally {
      await this.main.close().catch(() => undefined);
      await this.server.session.exec(`DROP DATABASE IF EXISTS ${quoteIdent(this.database)} WITH (FORCE)`).catch(() => undefined);
    }
    return results;
  }

  /** Runs a statement, installing an extension the embedded build has when the statement needs it; in a transaction, inside a savepoint. */
  private async execute(db: SqlSession, sql: string, inTransaction: boolean): Promise<PgError | null> {
    for (let tries = 0; tries < 3; tries++) {
      if (inTransaction) await db.exec("SAVEPOINT replay");
      const { error } = await attempt(db, sql);
      if (inTransaction) await db.exec(error ? "ROLLBACK TO SAVEPOINT replay" : "RELEASE SAVEPOINT replay");
      if (!error) return null;
      const extension = extensionFor(error.message);
      if (!extension) return error;
      const installed = await attempt(db, `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)}`);
      if (installed.error) return error;
    }
    return { code: null, message: "gave up" };
  }

  private async observePlan(plan: Plan): Promise<Replayed> {
    const replayed: Replayed = { attempts: [], final: null };
    for (const flavor of plan.attempts) {
      let observation: Observation;
      try {
        observation = await this.observe(plan, flavor);
      } catch (error) {
        replayed.failure = String(error);
        continue;
      }
      replayed.attempts.push(observation);
      const clean = observation.priorFailures.length === 0 && observation.error === null;
      if ((clean && !plan.retry?.(observation)) || plan.acceptError) {
        replayed.final = observation;
        return replayed;
      }
    }
    // nothing clean: the first clean one (a retry found nothing more), else the last
    replayed.final = replayed.attempts.find((o) => o.priorFailures.length === 0 && o.error === null) ?? replayed.attempts[replayed.attempts.length - 1] ?? null;
    return replayed;
  }

  private async observe(plan: Plan, flavor: Attempt): Promise<Observation> {
    const copy = `${this.database}_copy${this.copies++}`;
    await this.main.close();
    try {
      await this.server.session.exec(`CREATE DATABASE ${quoteIdent(copy)} TEMPLATE ${quoteIdent(this.database)} STRATEGY FILE_COPY`);
    } finally {
      this.main = await this.server.connect(this.database);
    }
    const a = await this.server.connect(copy);
    const b = await this.server.connect(copy);
    this.probeSession = b;
    try {
      await b.exec("SET lock_timeout = '50ms'");
      return await this.observeIn(a, plan, flavor);
    } finally {
      this.probeSession = null;
      await a.close().catch(() => undefined);
      await b.close().catch(() => undefined);
      await this.server.session.exec(`DROP DATABASE IF EXISTS ${quoteIdent(copy)} WITH (FORCE)`);
    }
  }

  private async observeIn(a: SqlSession, plan: Plan, flavor: Attempt): Promise<Observation> {
    const statements = this.history.statements;
    const existed = await relations(a);
    const resolvedAtStart = new Map<string, number | null>();
    for (const name of plan.claimed) resolvedAtStart.set(name, await resolve(a, name));
    const seeded: Record<string, number> = {};
    if (flavor !== "empty") {
      const done = new Map<number, number>();
      for (const oid of resolvedAtStart.values()) if (oid !== null) await seed(a, existed.get(oid)?.table ?? oid, flavor, done);
      for (const [oid, n] of done) if (n > 0) seeded[existed.get(oid)?.name ?? String(oid)] = n;
    }
    const rows = await rowCounts(a);
    let start: Record<string, unknown> = {};
    if (plan.atStart) start = await plan.atStart(a).catch((error: unknown) => ({ error: String(error) }));
    const first = statements[plan.startIndex]!;
    let inTx = false;
    if (first.inTransaction && first.control !== "begin") {
      await a.exec("BEGIN");
      inTx = true;
    }
    // each revision is deployed on its own (locklint's deploy unit): of the settings made before it, only those of
    // the preamble before the first revision (env.py's, made at every run) are in force
    for (const s of statements.slice(0, plan.startIndex)) if (s.revisionLine === 0 && SETTING.test(s.sql)) await this.execute(a, s.sql, inTx);
    const priorFailures: { line: number; error: string }[] = [];
    for (const s of statements.slice(plan.startIndex, plan.flaggedIndex)) {
      inTx = await this.step(a, s, inTx, priorFailures);
    }
    const flagged = statements[plan.flaggedIndex]!;
    const fileTransaction = inTx;
    if (!inTx && !plan.rerun) {
      await a.exec("BEGIN");
      inTx = true;
    }
    const lockTimeout = (await a.query<{ v: string }>("SELECT current_setting('lock_timeout') AS v")).rows[0]!.v;
    const resolved = new Map<string, number | null>();
    for (const name of plan.claimed) resolved.set(name, await resolve(a, name));
    const relsBefore = await relations(a);
    const locksBefore = await sessionLocks(a);
    const readsBefore = await seqReads(a);
    const probeTargets = new Set<number>();
    const tableOf = (oid: number) => relsBefore.get(oid)?.table ?? existed.get(oid)?.table ?? oid;
    for (const oid of resolved.values()) if (oid !== null && existed.has(oid)) probeTargets.add(tableOf(oid));
    for (const oid of locksBefore.keys()) if (existed.has(oid)) probeTargets.add(tableOf(oid));
    const probesBefore = new Map<number, Probe>();
    for (const oid of [...probeTargets].slice(0, PROBE_LIMIT)) probesBefore.set(oid, await this.probe(oid));

    let result: { error: PgError | null; rowCount: number | null };
    let rerunError: PgError | null | undefined;
    if (plan.rerun && !inTx) {
      result = await attempt(a, flagged.sql);
      rerunError = (await attempt(a, flagged.sql)).error;
    } else {
      await a.exec("SAVEPOINT flagged");
      result = await attempt(a, flagged.sql);
      const extension = result.error ? extensionFor(result.error.message) : null;
      if (extension) {
        await a.exec("ROLLBACK TO SAVEPOINT flagged");
        await attempt(a, `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)}`);
        result = await attempt(a, flagged.sql);
      }
      await a.exec(result.error ? "ROLLBACK TO SAVEPOINT flagged" : "RELEASE SAVEPOINT flagged");
      if (result.error?.code === "25001") {
        // cannot run inside a transaction block: run it as the file does, outside one (no locks to read afterwards)
        await a.exec("ROLLBACK");
        inTx = false;
        result = await attempt(a, flagged.sql);
      }
    }
    const relsAfter = await relations(a);
    const locksAfter = inTx ? await sessionLocks(a) : new Map<number, LockMode>();
    const readsAfter = await seqReads(a);
    for (const oid of locksAfter.keys()) if (existed.has(oid)) probeTargets.add(tableOf(oid));
    const probesAfter = new Map<number, Probe>();
    for (const oid of [...probeTargets].slice(0, PROBE_LIMIT)) probesAfter.set(oid, await this.probe(oid));
    const rewritten = new Set<number>();
    for (const [oid, rel] of relsBefore) {
      const now = relsAfter.get(oid);
      if (now && now.file !== rel.file) rewritten.add(oid);
    }
    const scanned = new Set<number>();
    for (const [oid, now] of readsAfter) {
      const n = rows.get(oid) ?? 0;
      if (n > 0 && now - (readsBefore.get(oid) ?? 0) >= n) scanned.add(oid);
    }
    let lockedRows: number | null = null;
    const rowProbe = plan.rowProbe ? (resolved.get(plan.rowProbe) ?? (await resolve(a, plan.rowProbe))) : null;
    if (rowProbe !== null && !result.error) lockedRows = await this.lockedRows(rowProbe);
    let extra: Record<string, unknown> = {};
    if (plan.after) {
      if (inTx) await a.exec("SAVEPOINT extra");
      try {
        extra = await plan.after(a);
      } catch (error) {
        extra = { error: String(error) };
      }
      if (inTx) await a.exec("ROLLBACK TO SAVEPOINT extra");
    }
    if (inTx) await a.exec("ROLLBACK");
    const names = new Map<number, RelInfo>([...existed, ...relsBefore, ...relsAfter]);
    return {
      attempt: flavor,
      seeded,
      priorFailures,
      inTransaction: inTx,
      fileTransaction,
      error: result.error,
      rowCount: result.rowCount,
      ...(rerunError === undefined ? {} : { rerunError }),
      lockTimeout,
      existed,
      rows,
      resolved,
      resolvedAtStart,
      names,
      locksBefore,
      locksAfter,
      rewritten,
      scanned,
      probesBefore,
      probesAfter,
      extra,
      start,
      lockedRows,
    };
  }

  /** Rows of `table` a second session cannot lock right now (FOR UPDATE SKIP LOCKED skips them); null when it waits on the table itself. */
  private async lockedRows(oid: number): Promise<number | null> {
    const b = this.probeSession!;
    try {
      const table = (
        await b.query<{ name: string }>(
          `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
          [oid],
        )
      ).rows[0]?.name;
      if (!table) return null;
      const all = (await b.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n;
      const free = (await b.query<{ n: string }>(`SELECT count(*)::text AS n FROM (SELECT 1 FROM ${table} FOR UPDATE SKIP LOCKED) x`)).rows[0]!.n;
      return Number(all) - Number(free);
    } catch {
      return null;
    }
  }

  /** One statement of the revision before the flagged one, following the file's BEGIN / COMMIT. */
  private async step(a: SqlSession, s: Stmt, inTx: boolean, failures: { line: number; error: string }[]): Promise<boolean> {
    if (s.control === "begin") {
      if (!inTx) await a.exec("BEGIN");
      return true;
    }
    if (s.control === "commit" || s.control === "rollback") {
      if (inTx) await a.exec(s.control === "commit" ? "COMMIT" : "ROLLBACK");
      return false;
    }
    const error = await this.execute(a, s.sql, inTx);
    if (error) failures.push({ line: s.line, error: error.message });
    return inTx;
  }

  /** Whether a read and a write of the table from a second session wait (lock_timeout 50ms). */
  private async probe(oid: number): Promise<Probe> {
    const b = this.probeSession!;
    const row = (
      await b.query<{ name: string; kind: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
        [oid],
      )
    ).rows[0];
    if (!row) return { read: null, write: null };
    const waited = (error: PgError | null): boolean | null => (error === null ? false : error.code === "55P03" ? true : null);
    const read = waited((await attempt(b, `SELECT 1 FROM ${row.name} LIMIT 1`)).error);
    let write: boolean | null = null;
    if (row.kind === "r" || row.kind === "p") {
      write = waited((await attempt(b, `INSERT INTO ${row.name} SELECT * FROM ${row.name} WHERE false`)).error);
      if (write === null) {
        await b.exec("BEGIN");
        write = waited((await attempt(b, `LOCK TABLE ${row.name} IN ROW EXCLUSIVE MODE`)).error);
        await b.exec("ROLLBACK");
      }
    }
    return { read, write };
  }
}

/** Rows of every user table, committed (one query: query_to_xml runs each count). */
async function rowCounts(db: SqlSession): Promise<Map<number, number>> {
  const rows = (
    await db.query<{ oid: string; n: string }>(
      `SELECT c.oid::int8::text AS oid,
              (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text AS n
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND c.relispopulated AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    )
  ).rows;
  return new Map(rows.map((r) => [Number(r.oid), Number(r.n)]));
}
