import type { Finding, LockFact, MigrationLocation } from "../lint/findings.js";
import { describeHold } from "../cost/estimate.js";
import type { Revision } from "../sql/script.js";

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

/**
 * Characters a terminal or a review page acts on instead of showing: C0 and C1 controls (ESC starts
 * colour and cursor sequences) and the bidirectional overrides that reorder what is read (Trojan
 * Source). Tab and line breaks are kept: the reporters lay lines out themselves.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const HIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every hidden character written as an escape (`\x1b`, `\u202e`): an identifier shows as it is. */
export function visible(text: string): string {
  HIDDEN.lastIndex = 0;
  if (!HIDDEN.test(text)) return text;
  return text.replace(HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * Report data (findings: plain objects and arrays) with every string made visible(): the same
 * objects when nothing is hidden in them (the usual case costs no copy), copies where something is.
 */
export function visibleData<T>(value: T): T {
  if (typeof value === "string") return visible(value) as T;
  if (value === null || typeof value !== "object") return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    const shown = visibleData(fields[key]);
    if (shown === fields[key]) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...fields };
    (copy as Record<string, unknown>)[key] = shown;
  }
  return (copy ?? value) as T;
}

/** Free text for a terminal or a page: hidden characters and lone carriage returns both written as escapes. */
export function visibleText(text: string): string {
  return visibleReturns(visible(text));
}

/** A lone carriage return, which sends the terminal back over the line it ends: shown as `\r`. */
export function visibleReturns(text: string): string {
  return text.replace(/\r(?!\n)/g, "\\r");
}
