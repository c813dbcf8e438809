import { unmodelledIn } from "../lint/analyze.js";
import type { Operation } from "../sql/operations.js";
import type { Finding } from "../lint/findings.js";
import type { Colors } from "../report/colors.js";
import { jsonFinding } from "../report/json.js";
import { formatText, summarize } from "../report/text.js";
import { oneLine, visibleText } from "../report/describe.js";
import { plural } from "../common/text.js";
import { formatTable } from "../report/locks-text.js";
import { bare, type ObservedFacts, type TracedStatement, type TraceResult } from "./trace.js";

/** `locklint trace` reports: per statement the predicted and the observed locks, and every disagreement. */

export function formatTraceText(result: TraceResult, findings: readonly Finding[], c: Colors): string {
  const out: string[] = [];
  const rows: string[][] = [];
  for (const { analyzed, observed } of result.statements) {
    if (!observed) continue;
    const { statement, place, effects } = analyzed;
    const predicted = effects.locks.filter((l) => l.kind !== "index").map((l) => `${l.relation} ${l.mode}${l.rewrite ? " rewrite" : l.scan ? " scan" : ""}`);
    const seen = observed.error
      ? [`error: ${observed.error}`]
      : observed.locks === null
        ? ["(outside a transaction: not observable)"]
        : observedLines(analyzed, observed);
    const lines = Math.max(predicted.length, seen.length, 1);
    for (let i = 0; i < lines; i++) {
      rows.push(
        i === 0
          ? [
              String(statement.startPos.line),
              place.revision?.id ?? "-",
              oneLine(statement.sql, 44),
              predicted[i] ?? "-",
              seen[i] ?? "",
              `${observed.ms.toFixed(1)} ms`,
            ]
          : ["", "", "", predicted[i] ?? "", seen[i] ?? "", ""],
      );
    }
  }
  const headers = ["LINE", "REVISION", "STATEMENT", "PREDICTED", "OBSERVED", "TIME"];
  // a loop, not push(...lines): a spread passes each line as an argument, and 100k statements overflow the stack
  for (const line of formatTable(headers, rows, c)) out.push(line);
  out.push("");
  const differences = result.statements.filter((s) => s.differences.length > 0);
  const errors = result.statements.filter((s) => s.observed?.error);
  for (const s of differences) {
    out.push(
      `${c.yellow("differs")}  ${visibleText(s.analyzed.statement.file.path)}:${s.analyzed.statement.startPos.line}  ${visibleText(oneLine(s.analyzed.statement.sql, 60))}`,
    );
    for (const d of s.differences) out.push(`  ${visibleText(d)}`);
  }
  // PostgreSQL's message quotes the statement: escapes and bidi characters in it are shown, not acted on
  for (const s of errors)
    out.push(`${c.red("failed")}  ${visibleText(s.analyzed.statement.file.path)}:${s.analyzed.statement.startPos.line}  ${visibleText(s.observed!.error!)}`);
  for (const skipped of result.seedSkipped) out.push(`${c.dim("not seeded")}  ${visibleText(skipped)}`);
  for (const left of result.notRolledBack) out.push(`${c.yellow("not rolled back")}  ${visibleText(left)}`);
  if (findings.length > 0) {
    out.push("", c.bold(`Findings (the rules, on ${result.where === "embedded PostgreSQL" ? "the script's schema" : "the server's real schema"}):`), "");
    out.push(formatText(findings, summarize(findings, 1, result.statements.length), c).trimEnd(), "");
  }
  const traced = result.statements.filter((s) => s.observed).length;
  const embedded = result.where === "embedded PostgreSQL";
  // on a server: rolled back, except what is listed (never "everything" when something was committed)
  const rollback = embedded
    ? ""
    : result.notRolledBack.length
      ? `, rolled back except ${plural(result.notRolledBack.length, "thing")} listed above`
      : ", everything rolled back";
  out.push(
    `${plural(traced, "statement")} traced on ${result.where} (${embedded ? "cold start" : "connected in"} ${Math.round(result.coldStartMs)} ms${rollback}): ${differences.length ? plural(differences.length, "disagreement") : "predictions agree"}, ${errors.length ? plural(errors.length, "failure") : "no failures"}`,
  );
  return out.join("\n") + "\n";
}

/** Locks the statement gained, and the predicted relations' locks it found already held, with rewrites and scans. */
function observedLines(analyzed: TracedStatement["analyzed"], observed: ObservedFacts): string[] {
  const predicted = new Set(analyzed.effects.locks.map((l) => bare(l.relation)));
  const gained = new Set(observed.locks?.map((l) => l.relation));
  return observed.held
    .filter((h) => gained.has(h.relation) || predicted.has(h.relation))
    .map((h) => {
      const work = observed.rewritten.includes(h.relation) ? " rewrite" : observed.scanned.includes(h.relation) ? " scan" : "";
      return `${h.relation} ${h.mode}${gained.has(h.relation) ? "" : " (held)"}${work}`;
    });
}

/** `unmodelled` on a statement whose locks locklint does not model (its observed locks are then "not predicted"). */
function unmodelledField(operations: readonly Operation[]): { unmodelled?: string } {
  const what = unmodelledIn(operations);
  return what === null ? {} : { unmodelled: what };
}

export function formatTraceJson(result: TraceResult, findings: readonly Finding[]): string {
  const statements = result.statements
    .filter((s) => s.observed)
    .map(({ analyzed: { statement, place, effects }, observed, differences }) => ({
      file: statement.file.path,
      line: statement.startPos.line,
      column: statement.startPos.column,
      revision: place.revision?.id ?? null,
      transaction: place.transaction,
      sql: statement.sql,
      predicted: effects.locks.map((l) => ({ relation: l.relation, kind: l.kind, mode: l.mode, rewrite: l.rewrite, scan: l.scan, new: l.novelty })),
      ...unmodelledField(statement.operations),
      observed: {
        ms: Math.round(observed!.ms * 1000) / 1000,
        error: observed!.error,
        locks: observed!.locks,
        rewritten: observed!.rewritten,
        scanned: observed!.scanned,
      },
      differences,
    }));
  const summary = {
    statements: statements.length,
    disagreements: statements.filter((s) => s.differences.length > 0).length,
    failures: statements.filter((s) => s.observed.error).length,
    where: result.where,
    coldStartMs: Math.round(result.coldStartMs),
    notSeeded: result.seedSkipped,
    notRolledBack: result.notRolledBack,
  };
  return JSON.stringify({ statements, findings: findings.map(jsonFinding), summary }, null, 2) + "\n";
}
