import { readFileSync, readdirSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { analyze } from "../../src/lint/analyze.js";
import type { Finding } from "../../src/lint/findings.js";
import { defaultRules } from "../../src/cli/rule-selection.js";
import { loadParser } from "../../src/sql/parse.js";
import { decodeSource } from "../../src/sql/source.js";

/** The corpus of real alembic histories (read only, beside the repository). */
export const CORPUS_DIR = "/work/shared/corpus/alembic";

/** PostgreSQL major the findings are computed for and replayed on. */
export const PG_MAJOR = 15;

export function corpusFiles(dir = CORPUS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => join(dir, f));
}

/** One statement of a history, as the replay runs it. */
export interface Stmt {
  index: number;
  sql: string;
  line: number;
  /** Line of the `-- Running upgrade` marker of its revision; 0 before the first one. */
  revisionLine: number;
  /** The revision id (`B` of `A -> B`), null before the first marker. */
  revisionId: string | null;
  control: "begin" | "commit" | "rollback" | null;
  /** Whether a transaction block is open when the statement starts (BEGIN ... COMMIT of the file). */
  inTransaction: boolean;
}

export interface History {
  file: string;
  name: string;
  statements: Stmt[];
  findings: Finding[];
}

/** Runs locklint on one history (default rules, --pg-version 15), in-process, keeping every statement. */
export async function lintHistory(path: string): Promise<History> {
  await loadParser();
  const name = basename(path);
  const source = decodeSource(name, new Uint8Array(readFileSync(path)));
  const analysis = analyze([source], { pgVersion: PG_MAJOR, rules: defaultRules(), keepStatements: true, keepBookkeeping: true });
  let open = false;
  const statements: Stmt[] = analysis.analyzed.map((a, index) => {
    const control = a.statement.operations.find((o) => o.op === "transaction");
    const kind = control?.op === "transaction" ? control.kind : null;
    const stmt: Stmt = {
      index,
      sql: a.statement.sql,
      line: a.statement.startPos.line,
      revisionLine: a.place.revision?.line ?? 0,
      revisionId: a.place.revision?.id ?? null,
      control: kind === "begin" || kind === "commit" || kind === "rollback" ? kind : null,
      inTransaction: open,
    };
    if (stmt.control === "begin") open = true;
    else if (stmt.control === "commit" || stmt.control === "rollback") open = false;
    return stmt;
  });
  return { file: path, name, statements, findings: analysis.findings };
}

/** The statement a finding stands at. */
export function statementOf(history: History, finding: Finding): Stmt | undefined {
  return history.statements.find((s) => s.line === finding.statementLine);
}
