import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "rewriting-table",
  severity: "error",
  durationHazard: true,
  summary: "ALTER TABLE forms that rewrite the whole table under ACCESS EXCLUSIVE (SET LOGGED/UNLOGGED, SET ACCESS METHOD, ...)",
  docs: {
    why: "Some ALTER TABLE forms copy every row into a new file and rebuild every index while holding ACCESS EXCLUSIVE: `SET LOGGED`, `SET UNLOGGED`, `SET ACCESS METHOD`, `ALTER COLUMN ... SET EXPRESSION` (PostgreSQL 17). Reads and writes wait for the whole copy, which takes as long as the table is big.",
    example: "ALTER TABLE events SET UNLOGGED;",
    useInstead:
      "-- create the new table with the wanted setting, copy rows in batches, then swap names in a short transaction\nCREATE UNLOGGED TABLE events_new (LIKE events INCLUDING ALL);",
    alembic:
      'op.execute("CREATE UNLOGGED TABLE events_new (LIKE events INCLUDING ALL)")\n# copy in batches, then in a later revision rename events_new to events',
    notes:
      "Changing a table to the persistence it already has does not rewrite and does not fire (when the script created the table). Column type changes are reported by changing-column-type; VACUUM FULL and CLUSTER by prefer-repack.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "alter-table-other")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.rewrite) continue;
      ctx.report({
        message: `${op.what} rewrites ${op.table.written} and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole copy`,
        help: { text: "Build a new table with the wanted setting and copy rows in batches, or run it when the table is small or quiet, with a lock_timeout." },
        locks: [lock],
      });
    }
  },
});
