import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule, existingLocks } from "../src/lint/rule.js";

export default defineRule({
  id: "ban-truncate-cascade",
  severity: "error",
  summary: "TRUNCATE ... CASCADE also empties every table that references the truncated one",
  docs: {
    why: "`TRUNCATE ... CASCADE` empties the named table and, recursively, every table with a foreign key to it, including tables the author did not think of. Each one is locked ACCESS EXCLUSIVE and replaced by an empty file: reads and writes of all of them wait, and their rows are gone.",
    example: "TRUNCATE customers CASCADE;",
    useInstead: "DELETE FROM carts WHERE expires_at < now();",
    alembic: '# empty exactly the tables you mean, in batches:\nop.execute("DELETE FROM carts WHERE expires_at < now()")',
    notes:
      "When emptying a table is really intended, name every table in one TRUNCATE without CASCADE: PostgreSQL then refuses if another table still references them.",
    references: ["https://www.postgresql.org/docs/current/sql-truncate.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "truncate")) {
      if (!op.cascade) continue;
      const locks = existingLocks(ctx.effects.locks);
      const others = locks.map((l) => l.relation).filter((r) => r !== op.table.written);
      ctx.report({
        message: `TRUNCATE ${op.table.written} CASCADE empties every table that references it${others.length ? ` (${others.join(", ")})` : " (which ones depends on the database: none are known from this script)"}, each under ACCESS EXCLUSIVE`,
        help: { text: "Name the tables to empty without CASCADE, or delete the rows you mean." },
        locks,
      });
    }
  },
});
