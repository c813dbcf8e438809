import { existingLockOn, opTable, py } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "adding-required-field",
  severity: "error",
  summary: "ADD COLUMN ... NOT NULL without a default fails on a table that has rows",
  docs: {
    why: "PostgreSQL has nothing to put in the new column for the rows already there, so `ADD COLUMN ... NOT NULL` without a DEFAULT fails with `column contains null values` as soon as the table holds one row. It passes in development on an empty table and breaks the deploy. Since PostgreSQL 11 a constant DEFAULT is stored in the catalog and the column is added instantly, without a rewrite.",
    example: "ALTER TABLE users ADD COLUMN status text NOT NULL;",
    useInstead: "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    alembic: 'op.add_column("users", sa.Column("status", sa.Text(), nullable=False, server_default="active"))',
    notes:
      "If no constant default makes sense: add the column nullable, backfill it in batches, then make it NOT NULL the safe way (see setting-not-null). Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-COLUMN"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "add-column" || !effect.requiredWithoutDefault) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const column = op.column;
      ctx.report({
        message: `NOT NULL column ${column.name} without a default on existing table ${op.table.written}: the statement fails if ${op.table.written} has any row`,
        help: {
          text: "Give the column a constant server default (instant since PostgreSQL 11), or add it nullable, backfill it, and add NOT NULL in a later revision.",
          sql: `${ctx.statement.sql.replace(/\s*;?\s*$/, "")} DEFAULT <constant>;`,
          alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(column.name)}, ..., nullable=False, server_default=<constant>))`,
        },
        at: column.location,
        locks: [lock],
      });
    }
  },
});
