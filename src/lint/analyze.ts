import { mergeLocks, operationEffect, transactionRequirement, type StatementEffects } from "../locks/effects.js";
import type { Finding, InternalError } from "./findings.js";

export type { InternalError };
import type { Operation } from "../sql/operations.js";
import { parseFile, type ParsedStatement } from "../sql/parse.js";
import { applyOperation } from "../schema/replay.js";
import { HeldLocks } from "../locks/held-locks.js";
import type { LockBudget, Rule } from "./rule.js";
import {
  commentSeen,
  internalError,
  lockEstimated,
  notAnalysed,
  reportUnused,
  runRules,
  unclosedTransaction,
  UnitEndChecks,
  type FindingAbout,
  type StatementState,
} from "./rule-runner.js";
import { Schema, type SchemaSnapshot } from "../schema/schema.js";
import { applyIgnores, parseIgnore, type Ignore } from "./suppressions.js";
import type { TableSizes } from "../cost/estimate.js";
import { scaleSeverity, WorkLedger } from "./work-ledger.js";
import { ScriptTracker, type RevisionRange, type StatementPlace, type TransactionCounter } from "../sql/script.js";
import { Session } from "../locks/session.js";
import type { SourceFile } from "../sql/source.js";
import { isUtcZone } from "../schema/type-change.js";
import { StatementPlaces, type StatementLocator } from "./statement-places.js";

/**
 * The pipeline: for each file, statement by statement, in one pass:
 * parse -> operations -> script place -> effects (with schema replay) -> rules -> findings.
 * The schema carries over from one file to the next (files are applied in the order given);
 * sessions and transactions do not.
 */

export interface AnalyzeOptions {
  pgVersion: number;
  rules: readonly Rule[];
  /** Table sizes (locklint stats): lock facts then carry hold-time estimates. */
  sizes?: TableSizes;
  /** --max-lock-ms and friends: how long a table may stay blocked for reads, for writes. */
  lockBudget?: LockBudget;
  /** --since / --revision: the whole input builds the schema; only these revisions are reported. */
  range?: RevisionRange;
  /** Each file runs inside one transaction its tool opens (Squawk's --assume-in-transaction). */
  assumeInTransaction?: boolean;
  /** Keep every statement with its effects (for `locklint locks`). */
  keepStatements?: boolean;
  /** With keepStatements, keep alembic's version-table statements too (trace runs them). */
  keepBookkeeping?: boolean;
  /** The migration files' places of the statements (`locklint alembic`, `--alembic-dir`): findings point there and messages cite them. */
  locate?: StatementLocator;
  /**
   * SQL that builds the schema the inputs start from (a server's schema read by --db-url, trace's
   * --setup): replayed before the first input, never linted, reported or counted. Its tables existed
   * before every revision of the inputs.
   */
  startingSchema?: readonly SourceFile[];
}

export interface AnalyzedStatement {
  statement: ParsedStatement;
  place: StatementPlace;
  effects: StatementEffects;
}

/** A statement whose operations include one locklint does not model (a DO block, a statement kind it does not know). */
export interface Unmodelled {
  file: string;
  line: number;
  column: number;
  /** What was not modelled, e.g. "DO block (its statements are not analysed)" ("; " between several). */
  what: string;
}

export interface Analysis {
  files: number;
  statements: number;
  findings: Finding[];
  /** Every internal error, reported statement or not (a wrong replay misleads the later ones). */
  internalErrors: InternalError[];
  /** The reported statements with an operation locklint does not model (--verbose, JSON). */
  unmodelled: Unmodelled[];
  /** Filled when keepStatements is set; alembic bookkeeping left out. */
  analyzed: AnalyzedStatement[];
  /** Every alembic revision id the input names. */
  revisions: Set<string>;
}

export function analyze(files: readonly SourceFile[], options: AnalyzeOptions): Analysis {
  const schema = new Schema();
  const counter: TransactionCounter = { next: 1 };
  const seen = new Map<string, Set<string>>();
  const analysis: Analysis = { files: files.length, statements: 0, findings: [], internalErrors: [], unmodelled: [], analyzed: [], revisions: new Set() };
  for (const file of options.startingSchema ?? []) replaySchema(file, schema, analysis.internalErrors);
  for (const [fileIndex, file] of files.entries()) {
    const parsed = parseFile(file);
    const tracker = new ScriptTracker(fileIndex, counter, options.range, options.assumeInTransaction);
    const session = new Session();
    let openedBy: StatementState | null = null;
    /** Ignore comments seen since the last statement: they apply to the next one. */
    let ignores: Ignore[] = [];
    const held = new HeldLocks(true);
    const heldInTransaction = new HeldLocks(false);
    const deferred = new UnitEndChecks();
    const ledger = options.sizes ? new WorkLedger() : null;
    const blockingStates = new Map<ParsedStatement, StatementState>();
    // ROLLBACK undoes a transaction's schema changes: keep a copy from its BEGIN, only in files that roll back at all
    const rollsBack = /\bROLLBACK\b/i.test(file.text);
    let beforeTransaction: SchemaSnapshot | null = null;
    const firstFinding = analysis.findings.length;
    const findingsAbout: FindingAbout[] = [];
    const places = new StatementPlaces(options.locate);
    const ruleStates: StatementState["ruleStates"] = new Map();
    for (const batch of parsed.batches()) {
      for (const item of batch) {
        if (item.kind === "comment") {
          tracker.onComment(item.comment.body, item.comment.position.line);
          const marker = tracker.currentRevision;
          if (marker?.line === item.comment.position.line) places.addBoundary(marker);
          if (tracker.reported) commentSeen(options, places, file.path, item.comment, tracker.currentRevision, analysis.findings, analysis.internalErrors);
          const ignore = parseIgnore(item.comment.body, item.comment.position);
          if (ignore) ignores.push(ignore);
          continue;
        }
        const statement = item.statement;
        const operations = statement.operations;
        analysis.statements++;
        const place = tracker.place(statement.index, operations);
        // located before the rules run, in file order: a message citing this statement later names the same place as its findings
        if (!place.bookkeeping) places.add({ file: file.path, sql: statement.sql, revision: place.revision, ...statement.startPos });
        // A statement on its own (no revision, no transaction) defers to the end of the file.
        deferred.enter(place.unit.label === "statement" ? null : place.unit.key);
        if (rollsBack && place.transaction !== null && place.transactionBefore === null) beforeTransaction = schema.snapshot();
        const utcSession = isUtcZone(session.get("timezone", place) ?? "");
        const { effects, failed } = evaluate(statement, operations, schema, { pgVersion: options.pgVersion, place, utcSession });
        if (failed !== null) analysis.internalErrors.push(internalErrorAt(statement, failed));
        const blocking = ledger?.record(statement, place, effects, options.sizes!) ?? false;
        const state: StatementState = {
          statement,
          effects,
          place,
          session,
          lines: parsed.lines,
          seen,
          held: held.before(place),
          heldInTransaction: heldInTransaction.before(place),
          schema,
          deferred,
          findingsAbout,
          internalErrors: analysis.internalErrors,
          places,
          ruleStates,
        };
        if (blocking && !place.bookkeeping && place.reported) blockingStates.set(statement, state);
        if (place.transaction !== null && place.transactionBefore === null) openedBy = state;
        if (options.keepStatements && place.reported && (!place.bookkeeping || options.keepBookkeeping)) analysis.analyzed.push({ statement, place, effects });
        if (!place.bookkeeping && place.reported) {
          const from = analysis.findings.length;
          if (effects.failure) notAnalysed(state, effects.failure, analysis.findings);
          if (failed !== null) internalError(state, failed, analysis.findings);
          const unmodelled = unmodelledIn(operations);
          if (unmodelled !== null)
            analysis.unmodelled.push({ file: file.path, line: statement.startPos.line, column: statement.startPos.column, what: unmodelled });
          runRules(options, state, analysis.findings);
          if (ignores.length) reportUnused(applyIgnores(analysis.findings, from, ignores), options, state, analysis.findings);
        }
        ignores = [];
        for (const o of operations) if (o.op === "set") session.set(o.name, o.value, o.local, place);
        held.after(statement, place, effects);
        heldInTransaction.after(statement, place, effects);
        const ending = operations.find((o) => o.op === "transaction" && (o.kind === "commit" || o.kind === "rollback"));
        if (ending?.op === "transaction" && beforeTransaction) {
          if (ending.kind === "rollback") schema.restore(beforeTransaction);
          beforeTransaction = null;
        }
      }
    }
    deferred.end();
    for (const id of tracker.seen) analysis.revisions.add(id);
    if (tracker.openTransaction !== null && openedBy?.place.reported) unclosedTransaction(options, openedBy, analysis.findings);
    if (ledger) {
      const fileFindings = analysis.findings.slice(firstFinding);
      for (const { finding, statement } of findingsAbout) ledger.estimateFindings([finding], () => statement);
      scaleSeverity(fileFindings, options.rules);
      for (const held of ledger.blockingLocks()) {
        const state = blockingStates.get(held.statement);
        if (state) lockEstimated(options, state, held.lock, () => ledger.responsible(held.statement), analysis.findings);
      }
    }
  }
  // Checks deferred to the end of a revision report late: put every finding back in file order (stable).
  const fileOrder = new Map(files.map((f, i) => [f.path, i]));
  analysis.findings.sort(
    (a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.statementLine - b.statementLine || a.statementColumn - b.statementColumn,
  );
  return analysis;
}

/** The statements of a starting schema applied to `schema`; what fails to apply is an internal error naming its line. */
function replaySchema(file: SourceFile, schema: Schema, internalErrors: InternalError[]): void {
  const origin = { unit: `starting schema ${file.path}`, transaction: null };
  for (const batch of parseFile(file).batches()) {
    for (const item of batch) {
      if (item.kind === "comment") continue;
      try {
        for (const operation of item.statement.operations) applyOperation(schema, operation, origin);
      } catch (error) {
        internalErrors.push(internalErrorAt(item.statement, `replaying it failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  }
}

interface EvaluateContext {
  pgVersion: number;
  place: StatementPlace;
  utcSession: boolean;
}

/** A statement's effects; `failed`: what threw while working them out (a locklint bug), else null. */
interface Evaluation {
  effects: StatementEffects;
  failed: string | null;
}

/**
 * Effects of each operation against the schema as it stands, replaying each before the next. An
 * exception there is a bug: the statement's locks are unknown, and the error is kept to be reported
 * as an internal error (not as a statement locklint cannot read: a bug must not look like a limit).
 */
function evaluate(statement: ParsedStatement, operations: readonly Operation[], schema: Schema, ctx: EvaluateContext): Evaluation {
  const effectsContext = {
    schema,
    pgVersion: ctx.pgVersion,
    unitKey: ctx.place.unit.key,
    unitLabel: ctx.place.unit.label,
    transaction: ctx.place.transaction,
    utcSession: ctx.utcSession,
  };
  const origin = { unit: ctx.place.unit.key, transaction: ctx.place.transaction };
  const reason = transactionRequirement(operations, ctx.pgVersion);
  const result: StatementEffects = {
    operations: [],
    locks: [],
    transactional: reason === null,
    nonTransactionalReason: reason,
    analysed: statement.syntaxError === null && operations.length > 0 && !operations.some((o) => o.op === "unknown"),
  };
  let failed: string | null = null;
  for (const operation of operations) {
    if (operation.op === "unknown" && operation.failure) result.failure ??= operation.failure;
    try {
      result.operations.push(operationEffect(operation, effectsContext));
      applyOperation(schema, operation, origin);
    } catch (error) {
      result.analysed = false;
      failed ??= `working out its ${operation.op} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  result.locks = mergeLocks(result.operations);
  return { effects: result, failed };
}

function internalErrorAt(statement: ParsedStatement, message: string): InternalError {
  return { file: statement.file.path, line: statement.startPos.line, column: statement.startPos.column, sql: statement.sql, message };
}

/** What locklint does not model of a statement: its unknown operations, each once ("; " between them); null when none. */
export function unmodelledIn(operations: readonly Operation[]): string | null {
  const what = new Set(operations.flatMap((o) => (o.op === "unknown" ? [o.what] : [])));
  return what.size > 0 ? [...what].join("; ") : null;
}
