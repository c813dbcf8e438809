import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "truncating-table",
  severity: "warning",
  summary: "TRUNCATE of an existing table: ACCESS EXCLUSIVE and every row gone",
  docs: {
    why: "`TRUNCATE` takes ACCESS EXCLUSIVE on the table (reads and writes wait, and it waits for every running query first) and replaces its file with an empty one: the rows are gone, and the lock is held until the migration's transaction commits. In a migration that is rarely what production wants.",
    example: "TRUNCATE sessions;",
    useInstead: "DELETE FROM sessions WHERE created_at < now() - interval '30 days';",
    alembic: "op.execute(\"DELETE FROM sessions WHERE created_at < now() - interval '30 days'\")  # in batches for big tables",
    notes: "Tables created earlier in the same revision are exempt. TRUNCATE ... CASCADE is reported by ban-truncate-cascade.",
    references: ["https://www.postgresql.org/docs/current/sql-truncate.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "truncate")) {
      if (op.cascade) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `TRUNCATE ${op.table.written} deletes every row under ACCESS EXCLUSIVE: reads and writes wait until the transaction ends`,
        help: { text: "Delete the rows you mean (in batches for a big table), or make sure emptying the table is intended and run it with a lock_timeout." },
        locks: [lock],
      });
    }
  },
});
