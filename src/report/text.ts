import type { Unmodelled } from "../lint/analyze.js";
import type { Finding } from "../lint/findings.js";
import type { Colors } from "./colors.js";
import { describeLock, describeRevision, visibleData, visibleReturns } from "./describe.js";
import { plural } from "../common/text.js";
import { joined, joinLines, type Report } from "./stream.js";

export interface Summary {
  files: number;
  statements: number;
  errors: number;
  warnings: number;
}

export function summarize(findings: readonly Finding[], files: number, statements: number): Summary {
  return {
    files,
    statements,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
  };
}

/** The default report as one string (trace embeds it in its own). */
export function formatText(findings: readonly Finding[], summary: Summary, c: Colors): string {
  return joined(textReport(findings, summary, c));
}

/**
 * The default report: each finding with its statement, lock facts, revision and advice; with
 * --verbose, a line for each statement locklint does not model; then a summary.
 */
export function* textReport(findings: readonly Finding[], summary: Summary, c: Colors, unmodelled: readonly Unmodelled[] = []): Report {
  // identifiers and SQL reach the terminal as text: no escape sequence or bidi override of theirs acts on it
  yield* joinLines(textLines(findings, summary, c, unmodelled), visibleReturns);
  yield "\n";
}

/** --verbose: one line for each statement locklint does not model, where it is and what it is. */
export function* unmodelledLines(unmodelled: readonly Unmodelled[], c: Colors): Generator<string> {
  for (const u of unmodelled) {
    const shown = visibleData(u);
    yield `${c.bold(`${shown.file}:${shown.line}:${shown.column}`)}  ${c.dim("not modelled:")} ${shown.what}`;
  }
}

/** unmodelledLines as a report of its own, after another (locklint locks --verbose). */
export function* unmodelledReport(unmodelled: readonly Unmodelled[], c: Colors): Report {
  if (unmodelled.length === 0) return;
  yield* joinLines(["", ...unmodelledLines(unmodelled, c)], visibleReturns);
  yield "\n";
}

function* textLines(findings: readonly Finding[], summary: Summary, c: Colors, unmodelled: readonly Unmodelled[]): Generator<string> {
  for (const found of findings) {
    const f = visibleData(found);
    const severity = f.severity === "error" ? c.red(c.bold("error")) : c.yellow(c.bold("warning"));
    // the migration file leads when it is known: it is what the user edits
    const place = f.migration ? `${f.migration.file}:${f.migration.line}:${f.migration.column}` : `${f.file}:${f.line}:${f.column}`;
    yield `${c.bold(place)}  ${severity}  ${c.cyan(f.rule)}`;
    yield `  ${f.message}`;
    if (f.migration) yield `  ${c.dim("sql:")} ${f.file}:${f.line}:${f.column}${f.migration.call ? ` (from ${f.migration.call})` : ""}`;
    yield* excerpt(f, c);
    for (const lock of f.locks) yield `  ${c.dim("lock:")} ${describeLock(lock)}`;
    const revision = describeRevision(f.revision);
    if (revision) yield `  ${c.dim("revision:")} ${revision}`;
    yield `  ${c.green("help:")} ${f.help.text}`;
    if (f.help.sql) yield* labelled("SQL:", f.help.sql, c);
    if (f.help.alembic) yield* labelled("alembic:", f.help.alembic, c);
    yield "";
  }
  if (unmodelled.length > 0) {
    yield* unmodelledLines(unmodelled, c);
    yield "";
  }
  const counts = `${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}`;
  const scope = `${plural(summary.statements, "statement")} in ${plural(summary.files, "file")}`;
  const verdict = summary.errors + summary.warnings === 0 ? c.green("no findings") : summary.errors > 0 ? c.red(counts) : c.yellow(counts);
  yield `${scope}: ${verdict}`;
}

function labelled(label: string, body: string, c: Colors): string[] {
  const pad = " ".repeat(label.length + 1);
  return body.split("\n").map((line, i) => `    ${i === 0 ? c.dim(label) + " " : pad}${line}`);
}

const MAX_WIDTH = 160;

/** The statement's first line and the finding's line, numbered, with a marker under the finding. */
function excerpt(f: Finding, c: Colors): string[] {
  const lines = f.sql.split(/\r\n|\n|\r/);
  const at = f.line - f.statementLine;
  const width = String(f.statementLine + lines.length).length;
  const gutter = (n: number | "") => c.dim(`${String(n).padStart(width)} | `);
  const text = (i: number) => {
    const prefix = i === 0 ? " ".repeat(Math.max(0, f.statementColumn - 1)) : "";
    return truncate(prefix + (lines[i] ?? ""));
  };
  const out: string[] = [];
  if (at > 0) out.push(`    ${gutter(f.statementLine)}${text(0)}`);
  if (at > 1) out.push(`    ${gutter("")}${c.dim("...")}`);
  const shown = text(Math.min(at, lines.length - 1));
  out.push(`    ${gutter(f.line)}${shown}`);
  const chars = Array.from(shown);
  const start = Math.min(f.column - 1, chars.length);
  let end = f.line === f.endLine ? Math.min(f.endColumn - 1, chars.length) : chars.length;
  while (end > start + 1 && /\s/.test(chars[end - 1]!)) end--;
  out.push(`    ${gutter("")}${" ".repeat(start)}${c.red("^".repeat(Math.max(1, end - start)))}`);
  if (at < lines.length - 1) out.push(`    ${gutter("")}${c.dim(`... ${plural(lines.length - 1 - at, "more line")}`)}`);
  return out;
}

function truncate(line: string): string {
  const chars = Array.from(line);
  return chars.length > MAX_WIDTH ? `${chars.slice(0, MAX_WIDTH - 1).join("")}…` : line;
}
