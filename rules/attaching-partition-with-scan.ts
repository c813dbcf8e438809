import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "attaching-partition-with-scan",
  severity: "warning",
  durationHazard: true,
  summary: "ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE unless a CHECK proves its bound",
  docs: {
    why: "`ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...` takes ACCESS EXCLUSIVE on the child (and SHARE UPDATE EXCLUSIVE on the parent from PostgreSQL 12, ACCESS EXCLUSIVE before) and reads every row of the child to check it fits the bound, unless a validated CHECK constraint on the child already implies the bound. With a DEFAULT partition, that one is scanned too.",
    example:
      "-- Running upgrade  -> a1\nCREATE TABLE events (id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2025 (id bigint, created_at timestamptz);\n-- Running upgrade a1 -> b2\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
    useInstead:
      "-- Running upgrade  -> a1\nCREATE TABLE events (id bigint, created_at timestamptz) PARTITION BY RANGE (created_at);\nCREATE TABLE events_2025 (id bigint, created_at timestamptz);\n-- Running upgrade a1 -> b2\nALTER TABLE events_2025 ADD CONSTRAINT events_2025_bound CHECK (created_at IS NOT NULL AND created_at >= '2025-01-01' AND created_at < '2026-01-01') NOT VALID;\n-- Running upgrade b2 -> c3\nALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound;\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nALTER TABLE events_2025 DROP CONSTRAINT events_2025_bound;",
    alembic:
      'op.create_check_constraint("events_2025_bound", "events_2025", "created_at IS NOT NULL AND created_at >= \'2025-01-01\' AND created_at < \'2026-01-01\'", postgresql_not_valid=True)\nop.execute("ALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_bound")\n# next revision:\nop.execute("ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM (\'2025-01-01\') TO (\'2026-01-01\')")\nop.drop_constraint("events_2025_bound", "events_2025", type_="check")',
    notes:
      "locklint recognises a validated CHECK on the partition key columns as proof of the bound. Drop the CHECK after the attach: the partition constraint takes over.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "attach-partition")) {
      const lock = existingLockOn(ctx.effects.locks, op.partition);
      if (!lock?.scan) continue;
      ctx.report({
        message: `attaching ${op.partition.written} reads all its rows under ACCESS EXCLUSIVE to check the partition bound`,
        help: {
          text: "Add a CHECK constraint matching the bound (NOT VALID, then VALIDATE, without blocking writes) before the ATTACH: PostgreSQL then skips the scan.",
        },
        locks: [lock],
      });
    }
  },
});
