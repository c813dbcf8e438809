/**
 * PostgreSQL's table-level lock modes and their conflict matrix, as the documentation spells them
 * (https://www.postgresql.org/docs/current/explicit-locking.html, Table 13.2).
 */
import { LOCK_MODES, type LockMode } from "../sql/lock-mode-names.js";

export { LOCK_MODES, lockModeFromLevel, type LockMode } from "../sql/lock-mode-names.js";

/** What other sessions are kept waiting by a lock. */
export type Blocked = "reads" | "writes" | "ddl";

const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  "ACCESS SHARE": ["ACCESS EXCLUSIVE"],
  "ROW SHARE": ["EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ROW EXCLUSIVE": ["SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE UPDATE EXCLUSIVE": ["SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  SHARE: ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "SHARE ROW EXCLUSIVE": ["ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  EXCLUSIVE: ["ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"],
  "ACCESS EXCLUSIVE": LOCK_MODES,
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/**
 * The traffic a lock stops: `reads` = SELECT (ACCESS SHARE), `writes` = INSERT/UPDATE/DELETE
 * (ROW EXCLUSIVE), `ddl` = schema changes and maintenance that take SHARE UPDATE EXCLUSIVE or SHARE
 * (VACUUM, ANALYZE, CREATE INDEX [CONCURRENTLY], VALIDATE CONSTRAINT). Every mode also blocks the
 * ACCESS EXCLUSIVE of most ALTER TABLE forms; that is not listed, or every lock would say `ddl`.
 */
export function blockedBy(mode: LockMode): Blocked[] {
  const blocked: Blocked[] = [];
  if (conflicts(mode, "ACCESS SHARE")) blocked.push("reads");
  if (conflicts(mode, "ROW EXCLUSIVE")) blocked.push("writes");
  if (conflicts(mode, "SHARE UPDATE EXCLUSIVE") || conflicts(mode, "SHARE")) blocked.push("ddl");
  return blocked;
}

const BLOCKED_ORDER: readonly Blocked[] = ["reads", "writes", "ddl"];

/** Everything any of the lists stops, in the usual order (reads, writes, ddl). */
export function unionBlocked(...lists: readonly (readonly Blocked[])[]): Blocked[] {
  return BLOCKED_ORDER.filter((x) => lists.some((list) => list.includes(x)));
}

/** The stronger of two modes by PostgreSQL's numbering (1 = ACCESS SHARE ... 8 = ACCESS EXCLUSIVE). */
export function stronger(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** pg_locks spells modes as `AccessExclusiveLock`; the docs spell them `ACCESS EXCLUSIVE`. */
export function lockModeFromPgLocks(mode: string): LockMode | undefined {
  const spaced = mode
    .replace(/Lock$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(spaced) ? (spaced as LockMode) : undefined;
}

export function blocksReadsOrWrites(mode: LockMode): boolean {
  return conflicts(mode, "ACCESS SHARE") || conflicts(mode, "ROW EXCLUSIVE");
}
