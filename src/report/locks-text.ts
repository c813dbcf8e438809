import type { AnalyzedStatement } from "../lint/analyze.js";
import type { Colors } from "./colors.js";
import { describeHold, type HoldEstimate } from "../cost/estimate.js";
import { holdEstimates } from "../cost/hold.js";
import { objectLocksOf, type RelationLock } from "../locks/effects.js";
import { oneLine, visible, visibleReturns } from "./describe.js";
import { plural } from "../common/text.js";
import { joinLines, mapped, type Report } from "./stream.js";
import type { TimelineLock, TimelinePoint, TransactionTimeline } from "../lint/timeline.js";

const HEADERS = ["LINE", "REVISION", "TX", "STATEMENT", "RELATION", "LOCK", "BLOCKS", "WORK"];
const ESTIMATE_HEADER = "ESTIMATE";

/** With table sizes (--stats), how long each statement's locks are held: the same estimate lint reports (null without sizes). */
export function lockHolds(statements: readonly AnalyzedStatement[]): Map<AnalyzedStatement, Map<RelationLock, HoldEstimate> | null> {
  const holds = holdEstimates(
    statements.map(({ place, effects }) => ({
      transaction: place.transaction,
      controlsTransaction: effects.operations.some((e) => e.operation.op === "transaction"),
      locks: effects.locks,
    })),
  );
  return new Map(statements.map((s, i) => [s, holds[i]!]));
}
const SQL_WIDTH = 52;

/** `locklint locks`: one row per relation a statement locks, grouped by file. */
export function* formatLocksText(statements: readonly AnalyzedStatement[], timelines: readonly TransactionTimeline[], c: Colors): Report {
  // identifiers and SQL reach the terminal as text: no escape sequence or bidi override of theirs acts on it
  yield* joinLines(locksLines(statements, timelines, c), visibleReturns);
  yield "\n";
}

function* locksLines(statements: readonly AnalyzedStatement[], timelines: readonly TransactionTimeline[], c: Colors): Generator<string> {
  const byFile = new Map<string, AnalyzedStatement[]>();
  for (const s of statements) {
    const list = byFile.get(s.statement.file.path) ?? [];
    list.push(s);
    byFile.set(s.statement.file.path, list);
  }
  const holds = lockHolds(statements);
  const estimated = [...holds.values()].some((h) => h !== null);
  for (const [file, list] of byFile) {
    const rows: string[][] = [];
    for (const analysed of list) {
      const { statement, place, effects } = analysed;
      const first = [
        String(statement.startPos.line),
        place.revision?.id ? place.revision.id + (place.revision.direction === "downgrade" ? " (down)" : "") : "-",
        place.transaction === null ? "-" : String(place.transaction),
        oneLine(statement.sql, SQL_WIDTH),
      ];
      const blank = ["", "", "", ""];
      if (statement.syntaxError) {
        rows.push([...first, "-", "syntax error", "-", "-", ...(estimated ? ["-"] : [])]);
        continue;
      }
      // relations, then other objects (an enum type's lock)
      const shown = [...effects.locks, ...objectLocksOf(effects)];
      if (shown.length === 0) {
        const note = !effects.analysed ? "not analysed" : !effects.transactional ? "no transaction block" : "-";
        rows.push([...first, "-", "-", "-", note, ...(estimated ? ["-"] : [])]);
        continue;
      }
      shown.forEach((lock, i) => {
        const work = [
          lock.rewrite ? "rewrite" : lock.scan ? "scan" : "",
          lock.novelty ? "new" : "",
          i === 0 && !effects.transactional ? "no transaction block" : "",
        ]
          .filter(Boolean)
          .join(", ");
        const hold = holds.get(analysed)?.get(lock);
        const estimate = estimated ? [hold ? describeHold(hold).replace(/^held /, "") : "-"] : [];
        // an object that is not a relation says what it is
        const relation = lock.kind === "type" ? `type ${lock.relation}` : lock.relation;
        rows.push([...(i === 0 ? first : blank), relation, lock.mode, lock.blocks.join(", ") || "-", work || "-", ...estimate]);
      });
    }
    yield c.bold(visible(file));
    yield* formatTable(estimated ? [...HEADERS, ESTIMATE_HEADER] : [...HEADERS], rows, c);
    yield "";
    yield* formatTimelines(
      timelines.filter((t) => t.file === file && t.locks.length > 0),
      c,
    );
  }
  yield `${statements.length} statement${statements.length === 1 ? "" : "s"} (alembic version-table bookkeeping omitted)`;
}

const TIMELINE_HEADERS = ["RELATION", "LOCK", "BLOCKS", "TAKEN", "RELEASED", "HELD WHILE"];
const ESTIMATED_HEADERS = ["RELATION", "LOCK", "BLOCKS", "TAKEN", "RELEASED", "ESTIMATE", "HELD WHILE"];

/** Per transaction, each lock on a relation that existed before it: held from where to where, over what. */
function* formatTimelines(timelines: readonly TransactionTimeline[], c: Colors): Generator<string> {
  for (const t of timelines) {
    const span = `lines ${t.begin.line}-${t.end ? t.end.line : t.assumed ? "end of file (committed there: --assume-in-transaction)" : "end of file (never committed)"}`;
    const revisions =
      t.revisions.length === 0
        ? ""
        : t.revisions.length === 1
          ? `, revision ${t.revisions[0]}`
          : `, ${t.revisions.length} revisions (${t.revisions[0]} to ${t.revisions[t.revisions.length - 1]}) in one transaction`;
    yield c.bold(visible(`Transaction ${t.id}, ${span}${revisions}: locks held until it ends`));
    const estimated = t.locks.some((l) => l.estimate);
    const rows = t.locks.map((l) => [
      l.relation,
      l.mode,
      l.blocks.join(", ") || "-",
      taken(l),
      l.released ? `line ${l.released.line}` : t.assumed ? "end of file" : "never",
      ...(estimated ? [l.estimate ? describeHold(l.estimate).replace(/^held /, "") : "-"] : []),
      heldWhile(l),
    ]);
    for (const line of formatTable(estimated ? ESTIMATED_HEADERS : TIMELINE_HEADERS, rows, c)) yield `  ${line}`;
    yield "";
  }
}

function point(p: TimelinePoint): string {
  return `line ${p.line}${p.revision ? ` (${p.revision})` : ""}`;
}

function taken(lock: TimelineLock): string {
  return lock.strongestAt ? `${point(lock.acquired)} ${lock.acquiredMode}, ${lock.mode} from ${point(lock.strongestAt)}` : point(lock.acquired);
}

function heldWhile(lock: TimelineLock): string {
  if (lock.heldDuring === 0) return "-";
  const slow = lock.slowWhileHeld.map((s) => `line ${s.line} ${s.work === "rewrite" ? "rewrites" : "scans"} ${s.relation}`);
  const more = lock.slowCount > slow.length ? `, ${lock.slowCount - slow.length} more` : "";
  return `${plural(lock.heldDuring, "statement")}${slow.length ? `: ${slow.join(", ")}${more}` : ""}`;
}

/** A text table: columns padded to their widest cell, every cell made visible; headers dimmed. */
export function* formatTable(headers: string[], rawRows: string[][], c: Colors): Generator<string> {
  const rows = rawRows.map((r) => r.map(visible));
  const widths = headers.map((h, i) => rows.reduce((widest, r) => Math.max(widest, Array.from(r[i] ?? "").length), h.length));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(widths[i]! - Array.from(cell).length)))
      .join("  ")
      .trimEnd();
  yield c.dim(render(headers));
  // row by row: the lines of a table are written as they are laid out
  yield* mapped(rows, render);
}
