import { operationsOfKind } from "../src/lint/advice.js";
import { blocksReadsOrWrites } from "../src/locks/modes.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";

export default defineRule({
  id: "locking-table",
  severity: "warning",
  summary: "An explicit LOCK TABLE that blocks reads or writes until the transaction ends",
  docs: {
    why: "`LOCK TABLE` without a mode takes ACCESS EXCLUSIVE; `SHARE` and stronger modes block writes. The lock is held until the migration's transaction commits, so every statement after it, and every revision after it when alembic runs them in one transaction, extends the outage. It also waits for every running query on the table first, and queues all others behind it.",
    example: "LOCK TABLE orders;",
    useInstead: "SET lock_timeout = '2s';\nLOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE;",
    alembic: 'op.execute("SET lock_timeout = \'2s\'")\nop.execute("LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE")  # only if you need it at all',
    notes: "Take the weakest mode that does the job, as late as possible, with a lock_timeout; most migrations need no explicit lock at all.",
    references: ["https://www.postgresql.org/docs/current/sql-lock.html", "https://www.postgresql.org/docs/current/explicit-locking.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "lock-table")) {
      const locks = existingLocks(ctx.effects.locks).filter((l) => blocksReadsOrWrites(l.mode));
      if (locks.length === 0) continue;
      ctx.report({
        message: `LOCK TABLE ${op.table.written} IN ${op.mode} MODE blocks ${locks[0]!.blocks.filter((b) => b !== "ddl").join(" and ")} until the transaction ends`,
        help: { text: "Drop the explicit lock if the statements after it take what they need, or take a weaker mode with a lock_timeout." },
        locks,
      });
    }
  },
});
