import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "wide-index",
  severity: "warning",
  optional: true,
  summary: "A non-unique index on more than three columns",
  docs: {
    why: "Every index is built under a lock (SHARE, or SHARE UPDATE EXCLUSIVE when concurrent), slows every write, and takes space; an index on four or more columns is rarely used beyond its first columns, and the planner seldom picks it over a narrower one. Unique indexes are exempt: their width is their meaning.",
    example: "CREATE INDEX CONCURRENTLY ix_events_wide ON events (account_id, kind, status, created_at);",
    useInstead: "CREATE INDEX CONCURRENTLY ix_events_account_created ON events (account_id, created_at);",
    alembic: 'op.create_index("ix_events_account_created", "events", ["account_id", "created_at"], postgresql_concurrently=True)',
    notes: "Off by default. Check with EXPLAIN on production-like data which columns the queries need.",
    references: ["https://www.postgresql.org/docs/current/indexes-multicolumn.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-index")) {
      if (op.unique || op.columns.length <= 3) continue;
      ctx.report({
        message: `index on ${op.columns.length} columns (${op.columns.join(", ")})`,
        help: { text: "Index the columns queries filter on first; drop the rest." },
        locks: [],
      });
    }
  },
});
