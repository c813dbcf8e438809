import type { AnalyzedStatement } from "../analyze.js";
import type { RelationLock } from "../effects.js";
import { stronger, type LockMode } from "../locks.js";
import { heldLocks, relationFiles, sequentialReads } from "./catalog.js";
import { embeddedDatabase, serverDatabase, type TraceDatabase } from "./database.js";
import { seedTables } from "./seed.js";
import { redactUrl } from "../stats.js";
import { UsageError } from "../errors.js";

/**
 * `locklint trace`: runs a script statement by statement in an embedded PostgreSQL (PGlite), in
 * the script's own transactions, and records what each statement really did: the locks its
 * session gained, the relations rewritten (new relfilenode), the tables read in full (sequential
 * reads at least the table's rows), and the time. Statements outside a transaction run inside one
 * of trace's own so that their locks can be seen; statements PostgreSQL refuses in a transaction
 * block run bare (their locks cannot be observed). A failing statement is rolled back to a
 * savepoint and the trace goes on.
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
  /** On a server, commit and run the statements that cannot run in a transaction block. */
  allowCommit?: boolean;
}

export interface TraceResult {
  /** "embedded PostgreSQL", or the server's URL without its password. */
  where: string;
  statements: TracedStatement[];
  coldStartMs: number;
  seedSkipped: string[];
}

const SAVEPOINT = "locklint_trace";
const NOTHING: ObservedFacts = { ms: 0, error: null, locks: [], held: [], rewritten: [], scanned: [], withRows: [] };

export async function trace(statements: readonly AnalyzedStatement[], options: TraceOptions = {}): Promise<TraceResult> {
  const start = performance.now();
  const db = options.dbUrl ? await serverDatabase(options.dbUrl) : await embeddedDatabase();
  const coldStartMs = performance.now() - start;
  // On a server nothing is committed: one outer transaction, the script's transactions become savepoints.
  const control = db.server ? SERVER_CONTROL : EMBEDDED_CONTROL;
  try {
    if (db.server) await db.exec("BEGIN");
    if (options.setupSql) {
      const failed = await run(db, options.setupSql);
      if (failed) throw new UsageError(`the --setup SQL failed: ${failed}`);
    }
    const reportFrom = firstReported(statements, options.since);
    let seedSkipped: string[] = [];
    let inScriptTransaction = false;
    const traced: TracedStatement[] = [];
    for (const [index, analyzed] of statements.entries()) {
      if (index === reportFrom && options.seedRows) {
        // seeding commits on its own (and its ANALYZE must not leave locks behind): the script's transaction resumes after it
        if (inScriptTransaction && !db.server) await db.exec("COMMIT");
        seedSkipped = await seedTables(db, options.seedRows);
        if (inScriptTransaction && !db.server) await db.exec("BEGIN");
      }
      const kind = transactionControl(analyzed);
      if (kind) {
        const error = await run(db, control[kind] ?? analyzed.statement.sql);
        if (!error) inScriptTransaction = kind === "begin";
        if (index >= reportFrom) traced.push({ analyzed, observed: { ...NOTHING, error }, differences: [] });
        continue;
      }
      const observed =
        db.server && !analyzed.effects.transactional ? await runOutsideTransaction(db, analyzed, options.allowCommit === true) : await observe(db, analyzed, inScriptTransaction || db.server);
      traced.push(index >= reportFrom ? { analyzed, observed, differences: compare(analyzed, observed) } : { analyzed, observed: null, differences: [] });
    }
    if (inScriptTransaction || db.server) await db.exec("ROLLBACK");
    if (options.seedRows && reportFrom >= statements.length) seedSkipped = await seedTables(db, options.seedRows);
    return { where: options.dbUrl ? redactUrl(options.dbUrl) : "embedded PostgreSQL", statements: traced, coldStartMs, seedSkipped };
  } finally {
    await db.close();
  }
}

function firstReported(statements: readonly AnalyzedStatement[], since: string | undefined): number {
  if (!since) return 0;
  const last = statements.findLastIndex((s) => s.place.revision?.id === since);
  if (last < 0) return statements.length;
  const next = statements.findIndex((s, i) => i > last && s.place.revision?.id !== since);
  return next < 0 ? statements.length : next;
}

type Control = "begin" | "commit" | "rollback";

/** What runs for the script's own transaction statements: as written in the embedded database, savepoints on a server. */
const EMBEDDED_CONTROL: Partial<Record<Control, string>> = {};
const SERVER_CONTROL: Record<Control, string> = {
  begin: "SAVEPOINT locklint_script",
  commit: "RELEASE SAVEPOINT locklint_script",
  rollback: "ROLLBACK TO SAVEPOINT locklint_script; RELEASE SAVEPOINT locklint_script",
};

function transactionControl(analyzed: AnalyzedStatement): Control | null {
  for (const { operation } of analyzed.effects.operations) {
    if (operation.op !== "transaction" || operation.chain) continue;
    if (operation.kind === "begin" || operation.kind === "commit" || operation.kind === "rollback") return operation.kind;
  }
  return null;
}

/** On a server, a statement refused in a transaction block: refused, or with --allow-commit committed around. */
async function runOutsideTransaction(db: TraceDatabase, analyzed: AnalyzedStatement, allowCommit: boolean): Promise<ObservedFacts> {
  if (!allowCommit) {
    return { ...NOTHING, locks: null, error: `not run: ${analyzed.effects.nonTransactionalReason ?? "it"} cannot run inside a transaction block, and trace rolls everything back on a server (--allow-commit commits the work so far and runs it)` };
  }
  await db.exec("COMMIT");
  const t = performance.now();
  const error = await run(db, analyzed.statement.sql);
  const ms = performance.now() - t;
  await db.exec("BEGIN");
  return { ...NOTHING, ms, error, locks: null };
}

async function run(db: TraceDatabase, sql: string): Promise<string | null> {
  try {
    await db.exec(sql);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function observe(db: TraceDatabase, analyzed: AnalyzedStatement, inScriptTransaction: boolean): Promise<ObservedFacts> {
  const sql = analyzed.statement.sql;
  if (!analyzed.effects.transactional && !inScriptTransaction) {
    // PostgreSQL refuses it in a transaction block: run it bare; its locks are gone when it returns
    const t = performance.now();
    const error = await run(db, sql);
    return { ...NOTHING, ms: performance.now() - t, error, locks: null };
  }
  await db.exec(inScriptTransaction ? `SAVEPOINT ${SAVEPOINT}` : "BEGIN");
  const files = await relationFiles(db);
  const reads = await sequentialReads(db);
  const before = await heldLocks(db);
  const t = performance.now();
  const error = await run(db, sql);
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
  // pg_class knows a renamed relation by its new name
  const renamed = new Map<string, string>();
  for (const { operation } of analyzed.effects.operations) {
    if (operation.op === "rename-table") renamed.set(operation.newName, bare(operation.table.written));
    if (operation.op === "rename-index") renamed.set(operation.newName, bare(operation.index.written));
  }
  const held = new Map(observed.held.map((h) => [renamed.get(h.relation) ?? h.relation, h]));
  const rowSearch = analyzed.effects.operations.some((e) => e.operation.op === "update" || e.operation.op === "delete");
  for (const [relation, lock] of predicted) {
    if (lock.novelty === "created by this statement" || lock.kind === "index") continue;
    const now = held.get(relation);
    // a relation the statement dropped has no catalog row left to show its lock
    if (now) {
      const expected = now.before ? stronger(now.before, lock.mode) : lock.mode;
      if (now.mode !== expected) differences.push(`${relation}: predicted ${lock.mode}, observed ${now.mode}${now.before ? ` (held ${now.before} before)` : ""}`);
    }
    if (lock.rewrite !== observed.rewritten.includes(relation) && !renamed.has(relation)) differences.push(`${relation}: predicted ${lock.rewrite ? "a rewrite" : "no rewrite"}, observed ${lock.rewrite ? "none" : "one"}`);
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
