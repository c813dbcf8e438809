import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "ban-duplicate-column-assignments",
  severity: "error",
  summary: "UPDATE that assigns the same column twice: PostgreSQL rejects it",
  docs: {
    why: "`UPDATE t SET a = 1, a = 2` fails with `multiple assignments to same column`, so the migration fails at that statement and its transaction rolls back. It is usually a copy-and-paste slip in a data migration.",
    example: "UPDATE users SET status = 'active', status = 'new' WHERE id = 1;",
    useInstead: "UPDATE users SET status = 'active' WHERE id = 1;",
    alembic: "op.execute(\"UPDATE users SET status = 'active' WHERE id = 1\")",
    references: ["https://www.postgresql.org/docs/current/sql-update.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "update")) {
      const seen = new Set<string>();
      const repeated = new Set(op.columns.filter((c) => (seen.has(c) ? true : (seen.add(c), false))));
      if (repeated.size === 0) continue;
      ctx.report({
        message: `UPDATE ${op.table.written} assigns ${[...repeated].join(", ")} more than once: PostgreSQL rejects the statement`,
        help: { text: "Keep one assignment per column." },
        locks: [],
      });
    }
  },
});
