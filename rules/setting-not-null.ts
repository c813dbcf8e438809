import { existingLockOn, opTable, py } from "../src/lint/advice.js";
import { since } from "../src/locks/versions.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "setting-not-null",
  severity: "error",
  durationHazard: true,
  summary: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE",
  docs: {
    why: "`ALTER COLUMN ... SET NOT NULL` (alembic's `op.alter_column(..., nullable=False)`) takes ACCESS EXCLUSIVE and reads every row to prove there is no NULL: reads and writes wait for the full scan. From PostgreSQL 12 the scan is skipped when a validated `CHECK (col IS NOT NULL)` constraint already proves it, and that constraint can be added without a long lock: `NOT VALID` first (instant), then `VALIDATE CONSTRAINT` (SHARE UPDATE EXCLUSIVE: reads and writes go on).",
    example: "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    useInstead:
      "-- each statement in its own transaction (autocommit), or the first in one revision and the rest in the next\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;",
    alembic:
      '# revision 1:\nop.create_check_constraint("users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)\n# revision 2 (its own transaction, so the VALIDATE scan blocks neither reads nor writes):\nop.execute("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null")\nop.alter_column("users", "email", nullable=False)\nop.drop_constraint("users_email_not_null", "users", type_="check")',
    notes:
      "From PostgreSQL 18, `ADD CONSTRAINT ... NOT NULL col NOT VALID` followed by `VALIDATE CONSTRAINT` does the same in two steps (the help says so with `--pg-version 18`). Before PostgreSQL 12 the scan cannot be avoided this way. Run the VALIDATE in its own transaction (a revision of its own, or after COMMIT) so that its scan does not extend a stronger lock taken earlier.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "set-not-null" || effect.notNullProof) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock?.scan) continue;
      const check = `${op.table.name}_${op.column}_not_null`;
      const t = op.table.written;
      ctx.report({
        message: `SET NOT NULL on ${t}.${op.column} scans the whole table under ACCESS EXCLUSIVE: reads and writes wait until it finishes${ctx.tableKnown(op.table) ? "" : ` (${t} was created before this script: a validated CHECK proving the column non-null would not be known here)`}`,
        help: since("notNullNotValid", ctx.pgVersion)
          ? {
              text: "From PostgreSQL 18 a NOT NULL constraint can itself be added NOT VALID (instant) and validated in a later transaction under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes.",
              sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} NOT NULL ${op.column} NOT VALID;\n-- in a later transaction:\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
              alembic: `# revision 1:\nop.execute(${py(`ALTER TABLE ${t} ADD CONSTRAINT ${check} NOT NULL ${op.column} NOT VALID`)})\n# revision 2 (its own transaction):\nop.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`)})`,
            }
          : since("setNotNullCheckProof", ctx.pgVersion)
            ? {
                text: "Prove the column non-null with a CHECK constraint added NOT VALID and validated separately (no long lock); SET NOT NULL then skips the scan.",
                sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${op.column} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${t} ALTER COLUMN ${op.column} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};`,
                alembic: `# revision 1:\nop.create_check_constraint(${py(check)}, ${opTable(op.table)}, ${py(`${op.column} IS NOT NULL`)}, postgresql_not_valid=True)\n# revision 2 (its own transaction):\nop.execute(${py(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${check}`)})\nop.alter_column(${opTable(op.table)}, ${py(op.column)}, nullable=False)\nop.drop_constraint(${py(check)}, ${opTable(op.table)}, type_="check")`,
              }
            : {
                text: "Before PostgreSQL 12 SET NOT NULL always scans. Keep a CHECK (col IS NOT NULL) constraint instead of NOT NULL (added NOT VALID, validated in its own transaction), or run it when the table is quiet.",
                sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${op.column} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
              },
        locks: [lock],
      });
    }
  },
});
