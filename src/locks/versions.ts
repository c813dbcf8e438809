/**
 * Every PostgreSQL version boundary locklint knows, in one place: the first major release with
 * each behaviour. The lock-facts table (facts.ts), effects, type changes and the rules ask
 * `since(feature, pgVersion)` instead of comparing version numbers themselves; docs/versions.md
 * lists the same boundaries; test/versions.test.ts checks each on both sides in-process, and
 * test/integration/versions-servers.test.ts against real servers of those versions when installed.
 */

/** The oldest and newest majors `--pg-version` accepts. */
export const OLDEST_PG_VERSION = 11;
export const NEWEST_PG_VERSION = 18;

export const FEATURES = {
  /** ADD COLUMN ... DEFAULT <non-volatile> stores the value in the catalog: no rewrite. Older majors are refused, so this is always true. */
  fastColumnDefault: 11,
  /** SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) proves it. */
  setNotNullCheckProof: 12,
  /** ALTER TYPE ... ADD VALUE may run inside a transaction block. */
  enumAddValueInTransaction: 12,
  /** REINDEX ... CONCURRENTLY exists. */
  reindexConcurrently: 12,
  /** ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE (was ACCESS EXCLUSIVE). */
  renameIndexShareUpdateExclusive: 12,
  /** ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent (was ACCESS EXCLUSIVE). */
  attachPartitionShareUpdateExclusive: 12,
  /** ALTER INDEX ... ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the partitioned index (was ACCESS EXCLUSIVE). */
  attachIndexShareUpdateExclusive: 12,
  /** timestamp <-> timestamptz keeps the stored values (no rewrite) when the session time zone is UTC. */
  timestampTzUtcWithoutRewrite: 12,
  /** DETACH PARTITION ... CONCURRENTLY exists. */
  detachPartitionConcurrently: 14,
  /** Plain DETACH PARTITION locks the partition ACCESS EXCLUSIVE (was SHARE UPDATE EXCLUSIVE). */
  detachPartitionAccessExclusive: 14,
  /** ALTER COLUMN ... SET EXPRESSION exists. */
  setExpression: 17,
  /** ADD CONSTRAINT ... NOT NULL col NOT VALID, and VALIDATE CONSTRAINT of a NOT NULL constraint. */
  notNullNotValid: 18,
  /** GRANT / REVOKE on a table lock it ACCESS SHARE (before, no relation lock). */
  grantLocksTable: 18,
  /** ADD CONSTRAINT ... CHECK ... NO INHERIT locks the inheritance children ACCESS EXCLUSIVE (before, they were not locked). */
  noInheritCheckLocksChildren: 18,
  /** Virtual generated columns (the default kind from 18): added without a rewrite. */
  virtualGeneratedColumns: 18,
} as const;

export type Feature = keyof typeof FEATURES;

/** Whether PostgreSQL `pgVersion` has the behaviour (it is at or past the feature's first major). */
export function since(feature: Feature, pgVersion: number): boolean {
  return pgVersion >= FEATURES[feature];
}
