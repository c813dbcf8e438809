import type { TruthCase } from "./cases.js";

/** A case's key: its SQL, and its prep when it has one. */
export function keyOf(c: TruthCase): string {
  return c.prep ? `${c.sql} | after ${c.prep}` : c.sql;
}

/**
 * Cases of the CI subset (test/integration/truth.test.ts) where locklint's prediction for PostgreSQL 15
 * is known to differ from what the server does, with what differs. The test fails when one of them
 * becomes exact: remove its entry then.
 */
export const KNOWN_MISSES: Record<string, string> = {
  "ALTER TABLE accounts ALTER COLUMN kind TYPE text": "the same type: no rewrite, but the expression index on the column is rebuilt, reading the table",
  "REINDEX INDEX ix_measures_at":
    "REINDEX of a partitioned index cannot run in a transaction block; it takes SHARE on each partition and rebuilds their indexes",
};
