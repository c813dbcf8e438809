import { defineRule, existingLocks } from "../src/lint/rule.js";

export default defineRule({
  id: "prefer-repack",
  severity: "error",
  durationHazard: true,
  summary: "VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE; pg_repack does it online",
  docs: {
    why: "`VACUUM FULL` and `CLUSTER` write a new copy of the table and of every index while holding ACCESS EXCLUSIVE: no read or write of the table until the copy is done, minutes to hours on a big table. Neither belongs in a deploy. The `pg_repack` extension (or `pg_squeeze`) rewrites a table with only brief locks at the start and the end; a plain `VACUUM` reclaims space for reuse without blocking.",
    example: "VACUUM FULL orders;",
    useInstead: "VACUUM (ANALYZE) orders;",
    alembic: "# not in a migration: run pg_repack from a maintenance job, e.g.\n# pg_repack --table=orders --dbname=app",
    notes: "VACUUM cannot run inside a transaction block either, so in alembic it needs `autocommit_block()` in any case.",
    references: [
      "https://www.postgresql.org/docs/current/sql-vacuum.html",
      "https://www.postgresql.org/docs/current/sql-cluster.html",
      "https://reorg.github.io/pg_repack/",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      const rewrites = (op.op === "vacuum" && op.full) || op.op === "cluster";
      if (!rewrites) continue;
      const locks = existingLocks(effect.locks);
      if (op.table && locks.length === 0) continue;
      const what = op.op === "cluster" ? "CLUSTER" : "VACUUM FULL";
      ctx.report({
        message: `${what} ${op.table ? op.table.written : "(every table)"} rewrites ${op.table ? "the table" : "each table"} and its indexes under ACCESS EXCLUSIVE: reads and writes wait until it finishes`,
        help: { text: "Use pg_repack (or pg_squeeze) outside the migration; a plain VACUUM does not block reads or writes." },
        locks,
      });
    }
  },
});
