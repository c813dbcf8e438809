import type { AnalyzedStatement } from "../lint/analyze.js";
import type { RelationLock } from "../locks/effects.js";
import { stronger, type LockMode } from "../locks/modes.js";
import { heldLocks, relationFiles, sequentialReads } from "./catalog.js";
import { embeddedDatabase, serverDatabase, TraceStopped, type TraceDatabase } from "./database.js";
import { guardOf, guardsOf, type StatementGuard, type TransactionStep } from "./guard.js";
import { analyzeTables, seedTables } from "./seed.js";
import { DEFAULT_TIMEOUTS, redactUrl, timeoutSettings, type SessionTimeouts } from "../common/connection.js";
import { UsageError } from "../common/errors.js";
import { oneLine } from "../report/describe.js";

/**
 * `locklint trace`: runs a script statement by statement in an embedded PostgreSQL (PGlite), in
 * the script's own transactions, and records what each statement really did: the locks its
 * session gained, the relations rewritten (new relfilenode), the tables read in full (sequential
 * reads at least the table's rows), and the time. Statements outside a transaction run inside one
 * of trace's own so that their locks can be seen; statements PostgreSQL refuses in a transaction
 * block run bare (their locks cannot be observed). A failing statement is rolled back to a
 * savepoint and the trace goes on.
 *
 * On a server (--db-url) everything runs in one transaction of trace's, rolled back at the end:
 * the script's transactions become savepoints of it, and every statement is checked first
 * (src/trace/guard.ts) so that none can end or escape it; after each, trace checks that its
 * transaction is still the one it opened. What a rollback cannot undo is refused, or with
 * --allow-commit run and listed (TraceResult.notRolledBack). A lock or statement timeout, or
 * the embedded database's statement timeout, stops the trace with one line (TraceStopped).
 */

export interface ObservedFacts {
  ms: number;
  /** PostgreSQL's error, when the statement failed. */
  error: string | null;
  /** Locks gained or strengthened by the statement; null when they cannot be observed. */
  locks: { relation: string; mode: LockMode }[] | null;
  /** Every table lock held after it, with the mode held before it (null: none): what the comparison reads. */
  held: { relation: string; mode: LockMode; before: LockMode | null }[];
  rewritten: string[];
  scanned: string[];
  /** Tables with rows, where a full scan would show. */
  withRows: string[];
}

export interface TracedStatement {
  analyzed: AnalyzedStatement;
  /** null: run as setup (before --since), not reported. */
  observed: ObservedFacts | null;
  /** Where prediction and observation disagree, one line each. */
  differences: string[];
}

export interface TraceOptions {
  setupSql?: string;
  seedRows?: number;
  /** Report only statements of revisions after this one (the earlier ones build the schema). */
  since?: string;
  /** Trace on this server instead of the embedded PostgreSQL: everything runs in one transaction, rolled back. */
  dbUrl?: string;
  /** On a server, commit and run the statements that cannot run in a transaction block, and run work a rollback does not undo. */
  allowCommit?: boolean;
  /** Lock and statement timeouts (the embedded database has only the statement timeout). */
  timeouts?: SessionTimeouts;
}

export interface TraceResult {
  /** "embedded PostgreSQL", or the server's URL without its password. */
  where: string;
  statements: TracedStatement[];
  coldStartMs: number;
  seedSkipped: string[];
  /** On a server, what the final rollback did not undo (committed with --allow-commit, sequences advanced), one line each. */
  notRolledBack: string[];
}

const SAVEPOINT = "locklint_trace";
const SCRIPT = "locklint_script";
const NOTHING: ObservedFacts = { ms: 0, error: null, locks: [], held: [], rewritten: [], scanned: [], withRows: [] };

/** Where a trace is: its database, the script's transaction, and (on a server) what is not rolled back. */
interface Run {
  db: TraceDatabase;
  timeouts: SessionTimeouts;
  allowCommit: boolean;
  inScriptTransaction: boolean;
  /** The script's own savepoints inside its transaction, on a server (checked before they run). */
  savepoints: string[];
  notRolledBack: string[];
  /** On a server, trace's transaction (txid_current()): a statement must not have ended it. */
  transactionId: string | null;
}

export async function trace(statements: readonly AnalyzedStatement[], options: TraceOptions = {}): Promise<TraceResult> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const start = performance.now();
  const db = options.dbUrl ? await serverDatabase(options.dbUrl, timeouts) : await embeddedDatabase(timeouts);
  const coldStartMs = performance.now() - start;
  const run: Run = {
    db,
    timeouts,
    allowCommit: options.allowCommit === true,
    inScriptTransaction: false,
    savepoints: [],
    notRolledBack: [],
    transactionId: null,
  };
  try {
    // On a server nothing is committed: one outer transaction, the script's transactions become savepoints.
    if (db.server) await beginServerTransaction(run);
    const existing = db.server ? await userRelations(db) : undefined;
    if (options.setupSql) await stopping(run, "in --setup", () => runSetup(run, options.setupSql!));
    const reportFrom = firstReported(statements, options.since);
    let seedSkipped: string[] = [];
    /** Before the first reported statement: rows seeded if asked, and every table's row count known (ANALYZE), so that its full scans show. */
    const prepareReported = async () => {
      // embedded, seeding and ANALYZE commit on their own (their locks must not stay held): the script's transaction resumes after them
      if (run.inScriptTransaction && !db.server) await db.exec("COMMIT");
      const rows = options.seedRows;
      if (rows) seedSkipped = await stopping(run, "while seeding", () => seedTables(db, rows, existing?.tables));
      else await stopping(run, "while analysing the tables", () => analyzeTables(db, existing?.tables));
      if (run.inScriptTransaction && !db.server) await db.exec("BEGIN");
    };
    const traced: TracedStatement[] = [];
    for (const [index, analyzed] of statements.entries()) {
      if (index === reportFrom) await prepareReported();
      const where = `at ${analyzed.statement.file.path}:${analyzed.statement.startPos.line}`;
      const observed = await stopping(run, where, () => step(run, analyzed));
      if (db.server) await checkTransaction(run, where);
      const reported = index >= reportFrom;
      traced.push({ analyzed, observed: reported ? observed : null, differences: reported ? compare(analyzed, observed) : [] });
    }
    // nothing reported (--since the last revision): seeded all the same, to say which tables could not be
    if (options.seedRows && reportFrom >= statements.length) await prepareReported();
    if (existing) await stopping(run, "at the end", () => advancedSequences(run, existing.sequences));
    if (run.inScriptTransaction || db.server) await db.exec("ROLLBACK");
    return {
      where: options.dbUrl ? redactUrl(options.dbUrl) : "embedded PostgreSQL",
      statements: traced,
      coldStartMs,
      seedSkipped,
      notRolledBack: run.notRolledBack,
    };
  } finally {
    await db.close();
  }
}

/** Runs a step of the trace; a timeout (or the embedded database gone) stops it with one line saying where, and what was not rolled back. */
async function stopping<T>(run: Run, where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TraceStopped)) throw error;
    throw new UsageError(`trace stopped ${where}: ${error.message}${afterStop(run)}`);
  }
}

/** What a stopped trace left on the server: nothing, or what it committed or could not roll back. */
function afterStop(run: Run): string {
  if (!run.db.server) return "";
  return run.notRolledBack.length ? `; not rolled back: ${run.notRolledBack.join("; ")}` : "; nothing was committed";
}

async function beginServerTransaction(run: Run): Promise<void> {
  await run.db.exec("BEGIN");
  // parallel workers read part of the table in their own sessions, whose scan counters this session
  // never sees: a parallel index build would look like no full scan (PGlite has no workers)
  await run.db.exec("SET LOCAL max_parallel_maintenance_workers = 0; SET LOCAL max_parallel_workers_per_gather = 0");
  run.transactionId = (await run.db.query<{ id: string }>("SELECT txid_current()::text AS id")).rows[0]!.id;
}

/** After each statement on a server: the transaction is still trace's own, or the trace stops. */
async function checkTransaction(run: Run, where: string): Promise<void> {
  const now = (await run.db.query<{ id: string }>("SELECT txid_current()::text AS id")).rows[0]!.id;
  if (now === run.transactionId) return;
  const listed = run.notRolledBack.length ? `; not rolled back besides: ${run.notRolledBack.join("; ")}` : "";
  throw new UsageError(`trace stopped ${where}: the statement ended the transaction trace opened, so the work before it may be committed${listed}`);
}

/** --setup runs as one text; on a server it must neither end trace's transaction nor do what a rollback does not undo. */
async function runSetup(run: Run, sql: string): Promise<void> {
  const guards = guardsOf(sql);
  if (!guards && run.db.server)
    throw new UsageError("the --setup SQL cannot run: locklint cannot parse it, so it cannot check that it keeps trace's transaction");
  for (const guard of guards ?? []) {
    const problem =
      guard.refused && (run.db.server || !guard.refused.serverOnly)
        ? guard.refused.reason
        : run.db.server
          ? guard.transaction
            ? "it controls the transaction, which trace owns on a server"
            : guard.notRolledBack
          : null;
    if (problem) throw new UsageError(`the --setup SQL cannot run: ${problem}`);
  }
  const failed = await runCaught(run.db, sql);
  if (failed) throw new UsageError(`the --setup SQL failed: ${failed}`);
}

/** One statement of the script: refused, a step of the script's transaction, run outside a transaction, or observed. */
async function step(run: Run, analyzed: AnalyzedStatement): Promise<ObservedFacts> {
  const sql = analyzed.statement.sql;
  const guard = guardOf(sql);
  const refusal = refusalOf(run, guard);
  if (refusal) return { ...NOTHING, locks: null, error: `not run: ${refusal}` };
  if (guard.transaction)
    return {
      ...NOTHING,
      error: run.db.server ? await serverTransactionStep(run, guard.transaction) : await embeddedTransactionStep(run, guard.transaction, sql),
    };
  if (run.db.server && !analyzed.effects.transactional && !run.inScriptTransaction) return runOutsideTransaction(run, analyzed);
  if (run.db.server && guard.notRolledBack) run.notRolledBack.push(`${placeOf(analyzed)}: ${guard.notRolledBack}`);
  const observed = await observe(run.db, analyzed, run.inScriptTransaction || run.db.server);
  // the script's own timeouts must not lift trace's: a later statement would wait without limit
  if (run.db.server && guard.changesTimeouts) await run.db.exec(timeoutSettings(run.timeouts));
  return observed;
}

/** Why a statement is not run: refused everywhere or on a server, or (on a server, without --allow-commit) not undone by a rollback. */
function refusalOf(run: Run, guard: StatementGuard): string | null {
  if (guard.refused && (run.db.server || !guard.refused.serverOnly)) return guard.refused.reason;
  if (run.db.server && guard.notRolledBack && !run.allowCommit)
    return `${guard.notRolledBack}, and trace rolls everything back on a server (--allow-commit runs it and lists it)`;
  return null;
}

/** Always quoted: a savepoint may be named like a keyword. */
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

const placeOf = (analyzed: AnalyzedStatement) => `${analyzed.statement.file.path}:${analyzed.statement.startPos.line}`;

const NOT_PREPARED = "not run: PREPARE TRANSACTION would hand trace's transaction to the server, beyond its rollback";

/** PostgreSQL's names of the steps it refuses outside a transaction block. */
const STEP_NAMES: Record<"commit-and-chain" | "rollback-and-chain" | "savepoint" | "release" | "rollback-to", string> = {
  "commit-and-chain": "COMMIT AND CHAIN",
  "rollback-and-chain": "ROLLBACK AND CHAIN",
  savepoint: "SAVEPOINT",
  release: "RELEASE SAVEPOINT",
  "rollback-to": "ROLLBACK TO SAVEPOINT",
};

/** In the embedded database the script's transaction statements run as written. */
async function embeddedTransactionStep(run: Run, step: TransactionStep, sql: string): Promise<string | null> {
  const error = await runCaught(run.db, sql);
  if (error) return error;
  if (step.step === "begin") run.inScriptTransaction = true;
  if (step.step === "commit" || step.step === "rollback" || step.step === "prepare") run.inScriptTransaction = false;
  return null;
}

/**
 * On a server the script's transaction is a savepoint of trace's: BEGIN, COMMIT and ROLLBACK (AND
 * CHAIN) become savepoint commands; the script's own savepoints run as written inside it, checked
 * first so that an error cannot abort trace's transaction. What PostgreSQL would only warn about
 * (BEGIN twice, COMMIT with no transaction) does nothing, as there.
 */
async function serverTransactionStep(run: Run, step: TransactionStep): Promise<string | null> {
  const db = run.db;
  if (!run.inScriptTransaction) {
    if (step.step === "begin") {
      await db.exec(`SAVEPOINT ${SCRIPT}`);
      run.inScriptTransaction = true;
      run.savepoints = [];
      return null;
    }
    if (step.step === "commit" || step.step === "rollback") return null;
    if (step.step === "prepare") return NOT_PREPARED;
    return `${STEP_NAMES[step.step]} can only be used in transaction blocks`;
  }
  switch (step.step) {
    case "begin":
      return null;
    case "commit":
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}`);
      run.inScriptTransaction = false;
      return null;
    case "prepare": // not run; the script's transaction ends here all the same, as if committed
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}`);
      run.inScriptTransaction = false;
      return `${NOT_PREPARED} (the script's transaction ends here as if committed)`;
    case "rollback":
      await db.exec(`ROLLBACK TO SAVEPOINT ${SCRIPT}; RELEASE SAVEPOINT ${SCRIPT}`);
      run.inScriptTransaction = false;
      return null;
    case "commit-and-chain":
      await db.exec(`RELEASE SAVEPOINT ${SCRIPT}; SAVEPOINT ${SCRIPT}`);
      run.savepoints = [];
      return null;
    case "rollback-and-chain":
      await db.exec(`ROLLBACK TO SAVEPOINT ${SCRIPT}`);
      run.savepoints = [];
      return null;
    case "savepoint":
      await db.exec(`SAVEPOINT ${quoted(step.name)}`);
      run.savepoints.push(step.name);
      return null;
    case "release":
    case "rollback-to": {
      const at = run.savepoints.lastIndexOf(step.name);
      if (at < 0) return `savepoint "${step.name}" does not exist`;
      await db.exec(`${step.step === "release" ? "RELEASE" : "ROLLBACK TO"} SAVEPOINT ${quoted(step.name)}`);
      run.savepoints.length = step.step === "release" ? at : at + 1;
      return null;
    }
  }
}

/** On a server, a statement refused in a transaction block: refused, or with --allow-commit committed around. */
async function runOutsideTransaction(run: Run, analyzed: AnalyzedStatement): Promise<ObservedFacts> {
  if (!run.allowCommit) {
    return {
      ...NOTHING,
      locks: null,
      error: `not run: ${analyzed.effects.nonTransactionalReason ?? "it"} cannot run inside a transaction block, and trace rolls everything back on a server (--allow-commit commits the work so far and runs it)`,
    };
  }
  await run.db.exec("COMMIT");
  run.notRolledBack.push(`${placeOf(analyzed)}: committed all the work before it, then ran ${oneLine(analyzed.statement.sql, 60)} outside a transaction`);
  const t = performance.now();
  const error = await runCaught(run.db, analyzed.statement.sql);
  const ms = performance.now() - t;
  await beginServerTransaction(run);
  return { ...NOTHING, ms, error, locks: null };
}

/** Relations of the server before trace changes anything: its tables are not seeded, its sequences are checked at the end. */
async function userRelations(db: TraceDatabase): Promise<{ tables: Set<string>; sequences: { oid: string; name: string }[] }> {
  const rows = (
    await db.query<{ oid: string; name: string; kind: string }>(
      `SELECT c.oid::int8::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'S') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
    )
  ).rows;
  return { tables: new Set(rows.filter((r) => r.kind !== "S").map((r) => r.name)), sequences: rows.filter((r) => r.kind === "S") };
}

/** Sequences of the server this session advanced (an INSERT's default): a rollback never undoes that. */
async function advancedSequences(run: Run, sequences: { oid: string; name: string }[]): Promise<void> {
  for (const sequence of sequences) {
    // currval fails unless this session called nextval on it; the savepoint keeps the failure from aborting the transaction
    await run.db.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const value = (await run.db.query<{ v: string }>("SELECT currval($1::oid::regclass)::text AS v", [sequence.oid])).rows[0]!.v;
      run.notRolledBack.push(`sequence ${sequence.name} advanced to ${value} (sequences are never rolled back)`);
      await run.db.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    } catch (error) {
      if (error instanceof TraceStopped) throw error;
      await run.db.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    }
  }
}

function firstReported(statements: readonly AnalyzedStatement[], since: string | undefined): number {
  if (!since) return 0;
  const last = statements.findLastIndex((s) => s.place.revision?.id === since);
  if (last < 0) return statements.length;
  const next = statements.findIndex((s, i) => i > last && s.place.revision?.id !== since);
  return next < 0 ? statements.length : next;
}

/** PostgreSQL's error, or null; a timeout is not the statement's failure but the end of the trace. */
async function runCaught(db: TraceDatabase, sql: string): Promise<string | null> {
  try {
    await db.exec(sql);
    return null;
  } catch (error) {
    if (error instanceof TraceStopped) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

async function observe(db: TraceDatabase, analyzed: AnalyzedStatement, inScriptTransaction: boolean): Promise<ObservedFacts> {
  const sql = analyzed.statement.sql;
  if (!analyzed.effects.transactional && !inScriptTransaction) {
    // PostgreSQL refuses it in a transaction block: run it bare; its locks are gone when it returns
    const t = performance.now();
    const error = await runCaught(db, sql);
    return { ...NOTHING, ms: performance.now() - t, error, locks: null };
  }
  await db.exec(inScriptTransaction ? `SAVEPOINT ${SAVEPOINT}` : "BEGIN");
  const files = await relationFiles(db);
  const reads = await sequentialReads(db);
  const before = await heldLocks(db);
  const t = performance.now();
  const error = await runCaught(db, sql);
  const ms = performance.now() - t;
  if (error) {
    await db.exec(inScriptTransaction ? `ROLLBACK TO SAVEPOINT ${SAVEPOINT}` : "ROLLBACK");
    return { ...NOTHING, ms, error, locks: null };
  }
  const locks: ObservedFacts["locks"] & object = [];
  const held: ObservedFacts["held"] = [];
  for (const [relation, now] of await heldLocks(db)) {
    if (now.index) continue; // an index is locked along with its table; predictions list the ones that matter
    const previous = before.get(relation)?.mode ?? null;
    held.push({ relation, mode: now.mode, before: previous });
    if (!previous || stronger(previous, now.mode) !== previous) locks.push({ relation, mode: now.mode });
  }
  const rewritten = [...(await relationFiles(db))].filter(([name, file]) => files.has(name) && files.get(name) !== file).map(([name]) => name);
  const readsAfter = [...(await sequentialReads(db))].filter(([, now]) => now.rows > 0);
  const scanned = readsAfter.filter(([name, now]) => now.read - (reads.get(name)?.read ?? 0) >= now.rows).map(([name]) => name);
  await db.exec(inScriptTransaction ? `RELEASE SAVEPOINT ${SAVEPOINT}` : "COMMIT");
  return { ms, error: null, locks, held, rewritten, scanned, withRows: readsAfter.map(([name]) => name) };
}

/** A relation as written (`public.orders`, `"Orders"`) as the catalog queries name it. */
export const bare = (relation: string) => relation.replace(/^public\./, "").replace(/"/g, "");

/** Prediction against observation: table lock modes, rewrites, full scans (of tables with rows). */
export function compare(analyzed: AnalyzedStatement, observed: ObservedFacts): string[] {
  if (observed.error || observed.locks === null) return [];
  const differences: string[] = [];
  const predicted = new Map<string, RelationLock>(analyzed.effects.locks.map((l) => [bare(l.relation), l]));
  // pg_class knows a renamed or moved relation by its new name
  const renamed = new Map<string, string>();
  for (const { operation } of analyzed.effects.operations) {
    if (operation.op === "rename-table") renamed.set(operation.newName, bare(operation.table.written));
    if (operation.op === "rename-index") renamed.set(operation.newName, bare(operation.index.written));
    if (operation.op === "set-schema") renamed.set(bare(`${operation.newSchema}.${operation.relation.name}`), bare(operation.relation.written));
  }
  const held = new Map(observed.held.map((h) => [renamed.get(h.relation) ?? h.relation, h]));
  const rowSearch = analyzed.effects.operations.some((e) => e.operation.op === "update" || e.operation.op === "delete");
  for (const [relation, lock] of predicted) {
    if (lock.novelty === "created by this statement" || lock.kind === "index") continue;
    const now = held.get(relation);
    // a relation the statement dropped has no catalog row left to show its lock
    if (now) {
      const expected = now.before ? stronger(now.before, lock.mode) : lock.mode;
      if (now.mode !== expected)
        differences.push(`${relation}: predicted ${lock.mode}, observed ${now.mode}${now.before ? ` (held ${now.before} before)` : ""}`);
    }
    if (lock.rewrite !== observed.rewritten.includes(relation) && !renamed.has(relation))
      differences.push(`${relation}: predicted ${lock.rewrite ? "a rewrite" : "no rewrite"}, observed ${lock.rewrite ? "none" : "one"}`);
    // how UPDATE and DELETE find rows is the planner's choice, which depends on the table's size: not compared
    if (!rowSearch && observed.withRows.includes(relation) && !lock.rewrite && lock.scan !== observed.scanned.includes(relation)) {
      differences.push(`${relation}: predicted ${lock.scan ? "a full scan" : "no full scan"}, observed ${lock.scan ? "none" : "one"}`);
    }
  }
  for (const { relation, mode } of observed.locks) {
    if (!predicted.has(renamed.get(relation) ?? relation)) differences.push(`${relation}: observed ${mode}, not predicted`);
  }
  return differences;
}
