import type { Finding, LockFact, MigrationLocation } from "../findings.js";
import { describeHold } from "../estimate.js";
import type { Revision } from "../script.js";

/** Plain-language pieces shared by the text reporters. */

export function describeLock(lock: LockFact): string {
  const parts = [`${lock.mode} on ${lock.relation}`];
  parts.push(lock.blocks.length ? `blocks ${lock.blocks.join(", ")}` : "blocks nothing but ACCESS EXCLUSIVE");
  if (lock.rewrite) parts.push(`rewrites the ${lock.kind === "index" ? "index" : "table"}`);
  else if (lock.scan) parts.push("scans the table");
  if (lock.new) parts.push(`harmless: ${lock.new}`);
  // without statistics, "scans" / "rewrites" above already say the time grows with the table
  else if (!("qualitative" in lock.estimate)) parts.push(describeHold(lock.estimate));
  return parts.join(" - ");
}

export function describeRevision(revision: Revision | null): string | null {
  if (!revision) return null;
  const from = revision.from ?? "base";
  const to = revision.id ?? "base";
  if (revision.direction === "downgrade") return `${to} (downgrade from ${from})`;
  if (revision.direction === "stamp") return `${to} (stamp from ${from})`;
  return `${to} (upgrade from ${from})`;
}

/** The lock a one-line report shows: the first on a relation that existed before (new ones block nobody). */
export function firstExistingLock(f: Finding): LockFact | undefined {
  return f.locks.find((l) => !l.new);
}

/** `migrations/versions/0002_x.py:17 (op.create_index)` */
export function describeMigration(m: MigrationLocation): string {
  return `${m.file}:${m.line}${m.call ? ` (${m.call})` : ""}`;
}

/** One line of SQL for a table cell: whitespace collapsed, cut to width with an ellipsis. */
export function oneLine(sql: string, width: number): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length <= width ? flat : `${chars.slice(0, width - 1).join("")}…`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
