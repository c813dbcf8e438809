import { addedConstraints, existingLockOn } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "adding-exclusion-constraint",
  severity: "error",
  durationHazard: true,
  summary: "ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS EXCLUSIVE",
  docs: {
    why: "An exclusion constraint is enforced by an index that `ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE` builds and checks while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build. Unlike UNIQUE and PRIMARY KEY, an EXCLUDE constraint cannot be attached to an index built beforehand with CONCURRENTLY (there is no `USING INDEX` form for it).",
    example: "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
    useInstead:
      "-- create the constraint with the table, or add it when the table is small or in a maintenance window, with a lock_timeout\nCREATE TABLE bookings (room_id int, during tstzrange, CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));",
    alembic:
      '# with the table:\nop.create_table("bookings", ..., postgresql.ExcludeConstraint((sa.column("room_id"), "="), (sa.column("during"), "&&"), using="gist"))',
    notes: "Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html",
      "https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-EXCLUSION",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const added = addedConstraints(effect.operation);
      if (!added?.constraints.some((c) => c.kind === "exclude")) continue;
      const lock = existingLockOn(ctx.effects.locks, added.table);
      if (!lock) continue;
      ctx.report({
        message: `EXCLUDE constraint on existing table ${added.table.written} builds its index under ACCESS EXCLUSIVE: reads and writes wait for the build`,
        help: {
          text: "There is no concurrent way to add an exclusion constraint: add it when the table is created, or in a quiet moment with a lock_timeout.",
        },
        locks: [lock],
      });
    }
  },
});
