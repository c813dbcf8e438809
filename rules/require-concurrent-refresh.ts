import { existingLockOn, operationsOfKind, py } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-concurrent-refresh",
  severity: "error",
  durationHazard: true,
  summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it recomputes",
  docs: {
    why: "`REFRESH MATERIALIZED VIEW` takes ACCESS EXCLUSIVE on the view and replaces its contents (a rewrite): every SELECT of the view waits until the whole query behind it has run again. `REFRESH MATERIALIZED VIEW CONCURRENTLY` takes EXCLUSIVE instead, which lets reads go on while it computes the new contents and applies the difference; it needs a unique index on the view, and may run inside a transaction.",
    example: "REFRESH MATERIALIZED VIEW customer_totals;",
    useInstead:
      "CREATE UNIQUE INDEX CONCURRENTLY ux_customer_totals_customer_id ON customer_totals (customer_id);\nREFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals;",
    alembic: 'op.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals")  # the view needs a unique index',
    notes: "A view created earlier in the same revision is exempt (nobody reads it yet). CONCURRENTLY is slower when most rows change.",
    references: ["https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "refresh-materialized-view")) {
      if (op.concurrent) continue;
      const lock = existingLockOn(ctx.effects.locks, op.view);
      if (!lock) continue;
      const concurrent = ctx.statement.sql.replace(/^(\s*REFRESH\s+MATERIALIZED\s+VIEW)/i, "$1 CONCURRENTLY");
      ctx.report({
        message: `REFRESH MATERIALIZED VIEW ${op.view.written} takes ACCESS EXCLUSIVE: every read of the view waits until it is recomputed`,
        help: {
          text: "Refresh concurrently (the view needs a unique index): reads go on while it runs.",
          sql: `${concurrent};`,
          alembic: `op.execute(${py(concurrent)})`,
        },
        locks: [lock],
      });
    }
  },
});
