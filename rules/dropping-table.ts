import { existingLockOn } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "dropping-table",
  severity: "warning",
  summary: "DROP TABLE removes data that running code may still use",
  docs: {
    why: "DROP TABLE takes ACCESS EXCLUSIVE on the table and on every table its foreign keys point to, waits for running queries, and removes the data for good. Application instances still running during the deploy fail on every query that touches it.",
    example: "DROP TABLE audit_log;",
    useInstead:
      "-- revision N: no SQL; deploy code that no longer uses audit_log\n-- revision N+1, after that deploy: SET lock_timeout = '5s'; DROP TABLE audit_log; (reported again, as a reminder to check)",
    alembic: '# after the code no longer uses it:\nop.execute("SET lock_timeout = \'5s\'")\nop.drop_table("audit_log")',
    notes: "locklint cannot see whether the code still uses the table; it asks you to check. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-droptable.html"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "drop-relation" || op.kind !== "table") continue;
      const lock = existingLockOn(ctx.effects.locks, op.relation);
      if (!lock) continue;
      const others = effect.locks.filter((l) => l.key !== lock.key && l.novelty === null);
      ctx.report({
        message: `dropping table ${op.relation.written}: its data is gone and running code that uses it fails${others.length ? `; also locks ${others.map((l) => l.relation).join(", ")} ACCESS EXCLUSIVE` : ""}`,
        help: {
          text: "Stop using the table first (deploy code without it), then drop it in a later revision, with a lock_timeout.",
        },
        locks: [lock, ...others],
      });
    }
  },
});
