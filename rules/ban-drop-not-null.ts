import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "ban-drop-not-null",
  severity: "warning",
  optional: true,
  summary: "DROP NOT NULL lets NULLs reach code that assumes there are none",
  docs: {
    why: "`ALTER COLUMN ... DROP NOT NULL` is instant (a brief ACCESS EXCLUSIVE), but from then on the column may hold NULLs that the running code, reports and downstream consumers do not expect. Putting NOT NULL back later needs a scan or a validated CHECK.",
    example: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
    useInstead: "-- keep the constraint; if a value may be missing, make that explicit in the code first\nALTER TABLE users ALTER COLUMN email SET DEFAULT '';",
    alembic: 'op.alter_column("users", "email", server_default="")',
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "drop-not-null")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      ctx.report({
        message: `${op.table.written}.${op.column} may now be NULL`,
        help: { text: "Deploy code that handles NULL before dropping the constraint." },
        locks: [lock],
      });
    }
  },
});
