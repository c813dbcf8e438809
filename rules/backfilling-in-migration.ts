import { existingLockOn, operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "backfilling-in-migration",
  severity: "warning",
  durationHazard: true,
  summary: "UPDATE of an existing table inside the migration: rows stay locked until COMMIT, with every lock taken before it",
  docs: {
    why: "A backfill (`UPDATE` of an existing table) in a migration runs in the migration's transaction: every row it changes stays locked against other writers until COMMIT, it writes a new version of each row (bloat, WAL, replication lag), and every lock the transaction took before it (an ALTER TABLE's ACCESS EXCLUSIVE, say) is held for the whole backfill. alembic's default is one transaction for all revisions, so a backfill extends the locks of every earlier revision in the run.",
    example: "UPDATE users SET status = 'active' WHERE status IS NULL;",
    useInstead:
      "-- not in the migration: in a script or a job, in batches, each in its own transaction:\n-- UPDATE users SET status = 'active' WHERE id BETWEEN :lo AND :hi AND status IS NULL;",
    alembic:
      '# keep schema changes in the migration; backfill outside it, in batches:\n# for lo in range(0, max_id, 10_000):\n#     conn.execute(text("UPDATE users SET status = \'active\' WHERE id >= :lo AND id < :hi AND status IS NULL"), {"lo": lo, "hi": lo + 10_000})\n#     conn.commit()',
    notes:
      "Small lookup tables are fine to fill in a migration (the rule cannot know a table's size without statistics). Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-update.html", "https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "update")) {
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const scope = op.where === null ? "every row" : "the rows it matches";
      ctx.report({
        message: `UPDATE of ${op.table.written} in the migration keeps ${scope} locked until the transaction commits${ctx.inTransactionBlock ? ", together with every lock taken before it in the transaction" : ""}`,
        help: { text: "Backfill outside the migration, in batches that each commit; keep the migration to schema changes." },
        locks: [lock],
      });
    }
  },
});
