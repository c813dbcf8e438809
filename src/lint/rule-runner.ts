import type { StatementEffects } from "../locks/effects.js";
import { lockFact, type Finding, type InternalError, type LockFact } from "./findings.js";
import { charOffsetOfByte, type ParsedStatement } from "../sql/parse.js";
import type { LineIndex, Position } from "../sql/position.js";
import type { HeldLock, LockBudget, Report, Rule, RuleContext } from "./rule.js";
import { hasIndexLeadingWith, type Schema } from "../schema/schema.js";
import type { Revision, StatementPlace } from "../sql/script.js";
import type { Session } from "../locks/session.js";
import type { Ignore } from "./suppressions.js";
import type { StatementPlaces } from "./statement-places.js";

/**
 * Runs the rules: builds each statement's rule context, turns reports into findings, and calls
 * the hooks rules have for later moments (end of a revision, an unclosed transaction, estimates).
 */

export interface RuleOptions {
  pgVersion: number;
  rules: readonly Rule[];
  lockBudget?: LockBudget;
}

/** Checks that rules leave for the end of the deploy unit, when the unit's schema changes are all known. */
export class UnitEndChecks {
  private checks: (() => void)[] = [];
  private unit: string | null = null;

  /** Called with each statement's unit (null: the file itself): runs the checks of a unit that ended. */
  enter(unit: string | null): void {
    if (unit !== this.unit) this.end();
    this.unit = unit;
  }

  /** The unit ended (or the file did). */
  end(): void {
    const due = this.checks;
    this.checks = [];
    for (const check of due) check();
  }

  add(check: () => void): void {
    this.checks.push(check);
  }
}

/** A statement with everything its rule context is built from. */
export interface StatementState {
  statement: ParsedStatement;
  effects: StatementEffects;
  place: StatementPlace;
  session: Session;
  lines: LineIndex;
  seen: Map<string, Set<string>>;
  held: ReadonlyMap<string, HeldLock>;
  heldInTransaction: ReadonlyMap<string, HeldLock>;
  schema: Schema;
  deferred: UnitEndChecks;
  /** The file's findings so far, each with the statement it is about: estimates are made when the file's transactions are known. */
  findingsAbout: FindingAbout[];
  /** The run's internal errors: a rule that throws adds one. */
  internalErrors: InternalError[];
  /** Where the file's statements are (the .py call, else the SQL line): findings point there, messages cite it. */
  places: StatementPlaces;
  /** Each rule's unit state (RuleContext.unitState), by rule id: for the file's transaction and deploy unit in progress. */
  ruleStates: Map<string, { scope: string; value: unknown }>;
}

/** A finding and the statement it is about. */
export interface FindingAbout {
  finding: Finding;
  statement: ParsedStatement;
}

/** Runs every rule's check on one statement, adding their findings. */
export function runRules(options: RuleOptions, state: StatementState, findings: Finding[]): void {
  if (options.rules.length === 0) return;
  const { statement, effects, place, session, lines, seen } = state;
  let rule: Rule = options.rules[0]!;
  // One context per statement, shared by the rules in turn: `rule` is the one running.
  const ctx: RuleContext = {
    statement,
    effects,
    place,
    inTransactionBlock: place.transaction !== null,
    pgVersion: options.pgVersion,
    heldLocks: state.held,
    transactionLocks: state.heldInTransaction,
    afterUnit: (check) => {
      // The check runs after this loop has moved on: give it back its own rule for reporting.
      const owner = rule;
      state.deferred.add(() => {
        rule = owner;
        guarded(owner, state, findings, check);
      });
    },
    tableKnown: (relation) => state.schema.table(relation)?.declared === true,
    columnType: (relation, column) => state.schema.table(relation)?.columns.get(column)?.type ?? null,
    indexCovers: (relation, columns) => {
      const table = state.schema.table(relation);
      if (!table) return null;
      return hasIndexLeadingWith(table, columns) ? true : table.declared ? false : null;
    },
    setting: (name) => session.get(name, place),
    firstTime: (key) => {
      let keys = seen.get(rule.id);
      if (!keys) seen.set(rule.id, (keys = new Set()));
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    },
    where: (line) => state.places.describe(line),
    unitState: <T>(create: () => T): T => {
      // the scope of heldLocks: outside a transaction, nothing carries over from one statement to the next
      const scope = place.transaction === null ? `s${statement.index}` : `${place.transaction}/${place.unit.key}`;
      const kept = state.ruleStates.get(rule.id);
      if (kept && kept.scope === scope) return kept.value as T;
      const value = create();
      state.ruleStates.set(rule.id, { scope, value });
      return value;
    },
    report: (report) => findings.push(toFinding(rule, report, state, lines)),
  };
  for (rule of options.rules) {
    const running = rule;
    guarded(running, state, findings, () => running.check?.(ctx));
  }
}

/**
 * Runs one hook of a rule about a statement. A throw is a bug in the rule: its finding says so at
 * the statement, the run exits 2 (internalErrors), and the other rules still run.
 */
function guarded(rule: Rule, state: StatementState, findings: Finding[], hook: () => void): void {
  try {
    hook();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `rule ${rule.id} failed on this statement (${reason}); this is a locklint bug, please report it`;
    const help = { text: "The other rules still ran. Run with the rule disabled until it is fixed." };
    findings.push(toFinding(rule, { message, help, severity: "warning" }, state, state.lines));
    const { statement } = state;
    state.internalErrors.push({
      file: statement.file.path,
      line: statement.startPos.line,
      column: statement.startPos.column,
      sql: statement.sql,
      message: `rule ${rule.id} failed: ${reason}`,
    });
  }
}

/**
 * A statement locklint models but could not work out (an error in reading it, its effects or the
 * schema replay): its locks are unknown, so no rule could judge it. Always reported, whatever rules
 * are selected, so that the gate never passes it silently. Not a rule of the catalog: it cannot be
 * turned off, and it names locklint's own failure.
 */
export function notAnalysed(state: StatementState, reason: string, findings: Finding[]): void {
  const message = `locklint could not analyse this statement (${reason}): the locks it takes are unknown and no rule checked it; this is a locklint limit or bug, please report it`;
  const help = { text: "Check this statement's locks by hand before deploying; the other statements were analysed." };
  findings.push(toFinding(NOT_ANALYSED, { message, help, locks: [] }, state, state.lines));
}

const NOT_ANALYSED = { id: "not-analysed", severity: "error" } as const;

/**
 * A statement locklint failed on: working out its effects or replaying it on the schema threw. Not
 * a limit but a bug: said as such, always reported (whatever rules are selected), and the run exits
 * 2 (Analysis.internalErrors); the other statements are still analysed and reported.
 */
export function internalError(state: StatementState, reason: string, findings: Finding[]): void {
  const message = `internal error: locklint failed on this statement (${reason}): the locks it takes are unknown; this is a locklint bug, please report it`;
  const help = { text: "Check this statement's locks by hand before deploying; the other statements were analysed." };
  findings.push(toFinding(INTERNAL_ERROR, { message, help, locks: [] }, state, state.lines));
}

const INTERNAL_ERROR = { id: "internal-error", severity: "error" } as const;

function toFinding(rule: Pick<Rule, "id" | "severity">, report: Report, state: StatementState, lines: LineIndex): Finding {
  const { statement, effects, place } = state;
  const start = report.at === undefined ? statement.startPos : lines.position(statement.start + charOffsetOfByte(statement.sql, report.at));
  const finding: Finding = {
    rule: rule.id,
    severity: report.severity ?? rule.severity,
    message: report.message,
    help: report.help,
    file: statement.file.path,
    line: start.line,
    column: start.column,
    endLine: statement.endPos.line,
    endColumn: statement.endPos.column,
    revision: place.revision,
    sql: statement.sql,
    statementLine: statement.startPos.line,
    statementColumn: statement.startPos.column,
    locks: (report.locks ?? effects.locks).map(lockFact),
  };
  const migration = report.migration ? state.places.shown(report.migration) : state.places.of(statement.startPos.line, statement.startPos.column);
  if (migration) finding.migration = migration;
  state.findingsAbout.push({ finding, statement });
  return finding;
}

/** A lock that blocks reads or writes, first taken in its transaction, with its hold-time estimate. */
export function lockEstimated(
  options: RuleOptions,
  state: StatementState,
  lock: LockFact,
  responsible: () => { line: number; work: string }[],
  findings: Finding[],
): void {
  for (const rule of options.rules) {
    guarded(rule, state, findings, () =>
      rule.onLockEstimate?.({
        lock,
        budget: options.lockBudget ?? {},
        place: state.place,
        responsible,
        where: (line) => state.places.describe(line),
        report: (report) => findings.push(toFinding(rule, report, state, state.lines)),
      }),
    );
  }
}

/** A file ended inside a transaction: the rules that care report at its BEGIN. */
export function unclosedTransaction(options: RuleOptions, begin: StatementState, findings: Finding[]): void {
  for (const rule of options.rules) {
    guarded(rule, begin, findings, () =>
      rule.onUnclosedTransaction?.({ begin: begin.statement, report: (report) => findings.push(toFinding(rule, report, begin, begin.lines)) }),
    );
  }
}

/** A comment of the script: the rules that read comments report at it (a rule that throws there: as in guarded, at the comment). */
export function commentSeen(
  options: RuleOptions,
  places: StatementPlaces,
  file: string,
  comment: { body: string; position: Position },
  revision: Revision | null,
  findings: Finding[],
  internalErrors: InternalError[],
): void {
  for (const rule of options.rules) {
    try {
      rule.onComment?.({ body: comment.body, revision, report: (report) => findings.push(commentFinding(rule, report, places, file, comment, revision)) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `rule ${rule.id} failed on this comment (${reason}); this is a locklint bug, please report it`;
      findings.push(
        commentFinding(
          rule,
          { message, help: { text: "The other rules still ran. Run with the rule disabled until it is fixed." }, severity: "warning" },
          places,
          file,
          comment,
          revision,
        ),
      );
      const { line, column } = comment.position;
      internalErrors.push({ file, line, column, sql: `--${comment.body}`, message: `rule ${rule.id} failed: ${reason}` });
    }
  }
}

/** A finding about a comment: it points at the comment and shows it. */
function commentFinding(
  rule: Rule,
  report: Report,
  places: StatementPlaces,
  file: string,
  comment: { body: string; position: Position },
  revision: Revision | null,
): Finding {
  const { line, column } = comment.position;
  const sql = `--${comment.body}`;
  const migration = report.migration ? places.shown(report.migration) : places.locate({ file, sql, revision });
  return {
    rule: rule.id,
    severity: report.severity ?? rule.severity,
    message: report.message,
    help: report.help,
    file,
    line,
    column,
    endLine: line,
    endColumn: column + Array.from(sql).length - 1, // inclusive, as for statements
    revision,
    sql,
    statementLine: line,
    statementColumn: column,
    locks: [],
    ...(migration ? { migration } : {}),
  };
}

/** Ignore comments that silenced nothing: reported at the comment by the rule unused-ignore, when it runs. */
export function reportUnused(unused: readonly Ignore[], options: RuleOptions, state: StatementState, findings: Finding[]): void {
  const rule = options.rules.find((r) => r.id === "unused-ignore");
  if (!rule) return;
  for (const ignore of unused) {
    const report = {
      message: `"${ignore.text}" silences nothing in the statement after it`,
      help: { text: "Remove the comment, or fix the rule ids it names." },
    };
    findings.push(commentFinding(rule, report, state.places, state.statement.file.path, { body: ignore.raw, position: ignore.position }, state.place.revision));
  }
}
