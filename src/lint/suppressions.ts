import type { Finding } from "./findings.js";
import type { Position } from "../sql/position.js";

/**
 * `-- locklint-ignore` (every rule) and `-- locklint-ignore: rule-a, rule-b` before a statement
 * silence its findings; `-- squawk-ignore rule-a, rule-b` comments are honoured too, for teams
 * moving from Squawk. alembic prints op.execute() text verbatim, so a comment there reaches the SQL.
 */

export interface Ignore {
  /** null: every rule. */
  rules: string[] | null;
  position: Position;
  text: string;
  /** The comment's body as written, after the dashes. */
  raw: string;
}

const LOCKLINT = /^\s*locklint-ignore\b(?:\s*:\s*(.*))?\s*$/i;
const SQUAWK = /^\s*squawk-ignore\b(?:[\s:]+(.*))?\s*$/i;

/** The ignore a comment asks for, or null for any other comment. */
export function parseIgnore(body: string, position: Position): Ignore | null {
  const match = LOCKLINT.exec(body) ?? SQUAWK.exec(body);
  if (!match) return null;
  const list = (match[1] ?? "").split(/[\s,]+/).filter(Boolean);
  return { rules: list.length ? list : null, position, text: body.trim(), raw: body };
}

/** Removes the findings the ignores cover; returns the ignores that covered nothing. */
export function applyIgnores(findings: Finding[], from: number, ignores: readonly Ignore[]): Ignore[] {
  const used = new Set<Ignore>();
  for (let i = findings.length - 1; i >= from; i--) {
    const ignore = ignores.find((g) => g.rules === null || g.rules.includes(findings[i]!.rule));
    if (!ignore) continue;
    used.add(ignore);
    findings.splice(i, 1);
  }
  return ignores.filter((g) => !used.has(g));
}
