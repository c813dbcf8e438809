import { AUTOCOMMIT_NOTE, existingLockOn, operationsOfKind, py } from "../src/lint/advice.js";
import { since } from "../src/locks/versions.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-concurrent-partition-detach",
  severity: "error",
  summary: "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the whole partitioned table",
  docs: {
    why: "`ALTER TABLE parent DETACH PARTITION child` takes ACCESS EXCLUSIVE on the parent and on the partition: every read and write of the partitioned table, whatever the partition, waits for it, and it waits for every running query on the table first. From PostgreSQL 14, `DETACH PARTITION ... CONCURRENTLY` takes only SHARE UPDATE EXCLUSIVE on the parent and waits for running queries in two transactions; it cannot run inside a transaction block, nor when the table has a DEFAULT partition.",
    example: "ALTER TABLE events DETACH PARTITION events_2023;",
    useInstead: "ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;",
    alembic: 'with op.get_context().autocommit_block():\n    op.execute("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY")',
    notes:
      "Before PostgreSQL 14 there is no concurrent form: the rule is a warning there, asking for a lock_timeout and a quiet moment. If a concurrent detach is interrupted, finish it with `ALTER TABLE ... DETACH PARTITION ... FINALIZE`.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "detach-partition")) {
      if (op.concurrent || op.finalize) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const concurrent = `${ctx.statement.sql.replace(/\s*;?\s*$/, "")} CONCURRENTLY`;
      ctx.report({
        message: `detaching ${op.partition.written} takes ACCESS EXCLUSIVE on ${op.table.written}: reads and writes of every partition wait`,
        help: since("detachPartitionConcurrently", ctx.pgVersion)
          ? {
              text: `Detach concurrently, outside the transaction (${AUTOCOMMIT_NOTE}).`,
              sql: `${concurrent};`,
              alembic: `with op.get_context().autocommit_block():\n    op.execute(${py(concurrent)})`,
            }
          : {
              text: "Before PostgreSQL 14 there is no concurrent detach: set a short lock_timeout, run it when the table is quiet, and retry on timeout.",
              sql: `SET lock_timeout = '2s';\n${ctx.statement.sql};`,
            },
        severity: since("detachPartitionConcurrently", ctx.pgVersion) ? "error" : "warning",
        locks: [lock],
      });
    }
  },
});
