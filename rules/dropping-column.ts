import { existingLockOn, opTable, py } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "dropping-column",
  severity: "warning",
  summary: "DROP COLUMN breaks application instances that still select the column",
  docs: {
    why: "Dropping a column is quick (ACCESS EXCLUSIVE for an instant, no rewrite), but the application version still running during the deploy selects it: SQLAlchemy names every mapped column in its queries, so they fail until the new version is everywhere. The data is gone for good.",
    example: "ALTER TABLE users DROP COLUMN legacy_flag;",
    useInstead:
      "-- revision N, deployed with code whose model no longer maps legacy_flag:\nALTER TABLE users ALTER COLUMN legacy_flag DROP NOT NULL;  -- so that the new code's INSERTs work\n-- revision N+1, after that deploy: the DROP COLUMN itself (reported again, as a reminder to check)",
    alembic:
      '# first deploy code whose models no longer map the column; then, in a later revision:\nop.execute("SET lock_timeout = \'5s\'")\nop.drop_column("users", "legacy_flag")',
    notes:
      "locklint cannot see whether the code still uses the column; it asks you to check, and the drop in the later revision is reported too. Columns of tables created earlier in the same revision are exempt. Dropping a column that carries a foreign key also takes ACCESS EXCLUSIVE on the table it references (PostgreSQL drops the key's triggers there): the finding names that lock too.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "drop-column") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      // a foreign key that goes with the column locks the table at its other end too (its triggers there are dropped)
      const neighbours = effect.locks.filter((l) => l.kind === "table" && l.key !== lock.key && l.novelty === null);
      const alsoLocked = neighbours.length ? `; its foreign key also takes ${neighbours.map((l) => `${l.mode} on ${l.relation}`).join(", ")}` : "";
      ctx.report({
        message: `dropping ${op.table.written}.${op.column}: application instances that still map the column fail until they are replaced${alsoLocked}`,
        help: {
          text: "Stop using the column first (remove it from the models and deploy), then drop it in a later revision.",
          alembic: `# after the code no longer maps it:\nop.drop_column(${opTable(op.table)}, ${py(op.column)})`,
        },
        locks: [lock, ...neighbours.map((n) => ctx.effects.locks.find((l) => l.key === n.key) ?? n)],
      });
    }
  },
});
