/** The eight table lock modes as SQL spells them (`LOCK TABLE t IN SHARE MODE`), weakest first. */
export const LOCK_MODES = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** LOCK TABLE's numeric mode in the parse tree (1..8) to its name. */
export function lockModeFromLevel(level: number): LockMode {
  return LOCK_MODES[Math.min(Math.max(level, 1), 8) - 1]!;
}
