import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "deleting-all-rows",
  severity: "warning",
  summary: "DELETE without WHERE on an existing table: every row locked and deleted in one transaction",
  docs: {
    why: "`DELETE` without a WHERE clause reads the whole table (ROW EXCLUSIVE: writes to the same rows wait) and deletes every row in the migration's transaction: every deleted row stays locked until COMMIT, the table bloats until vacuum, and a concurrent ALTER TABLE or index build queues behind it. It is rarely what a deploy should do.",
    example: "DELETE FROM sessions;",
    useInstead: "DELETE FROM sessions WHERE created_at < now() - interval '30 days';",
    alembic: "op.execute(\"DELETE FROM sessions WHERE created_at < now() - interval '30 days'\")  # in batches for a big table",
    notes: "Tables created earlier in the same revision are exempt. Data changes in a migration are also reported by backfilling-in-migration.",
    references: ["https://www.postgresql.org/docs/current/sql-delete.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "delete")) {
      if (op.where !== null) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `DELETE without WHERE removes every row of ${op.table.written} in one transaction`,
        help: {
          text: "Delete only the rows you mean, in batches outside the migration for a big table; if emptying the table is intended, say so in a comment and consider TRUNCATE in a quiet moment.",
        },
        locks: [lock],
      });
    }
  },
});
