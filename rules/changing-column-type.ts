import { existingLockOn, opTable, py } from "../src/lint/advice.js";
import { since } from "../src/locks/versions.js";
import { defineRule } from "../src/lint/rule.js";
import type { ColumnType } from "../src/sql/ast.js";

export default defineRule({
  id: "changing-column-type",
  severity: "error",
  durationHazard: true,
  summary: "ALTER COLUMN ... TYPE that rewrites the table under ACCESS EXCLUSIVE",
  docs: {
    why: "Changing a column's type takes ACCESS EXCLUSIVE and, unless the old type is binary-compatible with the new one, rewrites the whole table and rebuilds its indexes: nobody can read or write the table until it finishes. No rewrite: varchar(n) to varchar(m > n), to unconstrained varchar or to text; numeric(p,s) to numeric(q > p, s) or unconstrained numeric; cidr to inet; timestamp to timestamptz when the session time zone is UTC (PostgreSQL 12+). Everything else, including any USING clause, rewrites. locklint reads the old type from the statements before; when it cannot know it, it says so as a warning.",
    example: "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;",
    useInstead:
      "ALTER TABLE orders ADD COLUMN quantity_new bigint;\n-- backfill in batches, keep both in sync (trigger or application), then swap in a later revision",
    alembic:
      'op.add_column("orders", sa.Column("quantity_new", sa.BigInteger(), nullable=True))\n# backfill in batches and keep in sync; in a later revision switch the code and drop the old column',
    notes: "Widening varchar or moving to text is safe and does not fire. Tables created earlier in the same revision are exempt.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES"],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "alter-column-type" || !effect.typeChange?.rewrite) continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      const verdict = effect.typeChange;
      const newColumn = `${op.column}_new`;
      ctx.report({
        message: verdict.certain
          ? `changing the type of ${op.table.written}.${op.column} rewrites the table under ACCESS EXCLUSIVE (reads and writes wait): ${verdict.reason}`
          : `changing the type of ${op.table.written}.${op.column} takes ACCESS EXCLUSIVE and may rewrite the table: ${verdict.reason}`,
        help: {
          text: `Expand and contract: add a new column of the new type, backfill it in batches while writes go to both, switch the code to it, then drop the old column in a later revision.${shortcut(verdict.from, op.type, ctx.pgVersion)}`,
          sql: `ALTER TABLE ${op.table.written} ADD COLUMN ${newColumn} <new type>;\n-- backfill in batches: UPDATE ${op.table.written} SET ${newColumn} = ${op.column}::<new type> WHERE id BETWEEN ... ;`,
          alembic: `op.add_column(${opTable(op.table)}, sa.Column(${py(newColumn)}, <new type>, nullable=True))\n# backfill in batches, switch the code, then in a later revision:\n# op.drop_column(${opTable(op.table)}, ${py(op.column)}); op.alter_column(..., new_column_name=${py(op.column)})`,
        },
        at: op.location,
        severity: verdict.certain ? "error" : "warning",
        locks: [lock],
      });
    }
  },
});

/** A cheaper way when the change is one PostgreSQL can make without a rewrite. */
function shortcut(from: ColumnType | null, to: ColumnType | null, pgVersion: number): string {
  const names = [from?.name, to?.name];
  if (since("timestampTzUtcWithoutRewrite", pgVersion) && names.includes("timestamp") && names.includes("timestamptz")) {
    return " Or run `SET LOCAL timezone = 'UTC'` first: from PostgreSQL 12 the change then keeps the stored values and does not rewrite.";
  }
  const strings = ["varchar", "text", "bpchar"];
  if (from && to && strings.includes(from.name) && strings.includes(to.name)) {
    return " To change a length limit: widening varchar, or moving to text, does not rewrite; enforce a shorter limit with a CHECK constraint added NOT VALID, then validated.";
  }
  return "";
}
