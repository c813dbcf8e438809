import { existingLockOn, ident, opTable, py, qualified } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";
import { saType, sqlType } from "../src/lint/type-names.js";
import { relationKey } from "../src/schema/schema.js";
import type { RelationName } from "../src/sql/ast.js";

export default defineRule({
  id: "renaming-column",
  severity: "warning",
  summary: "RENAME COLUMN breaks the application instances still running the old code",
  docs: {
    why: "The rename itself is quick (ACCESS EXCLUSIVE for an instant), but during a deploy the old version of the application keeps running until the new one replaces it, and every query it sends with the old column name fails. SQLAlchemy selects every mapped column by name, so even code that never touches the column breaks.",
    example: "ALTER TABLE users RENAME COLUMN name TO full_name;",
    useInstead: "ALTER TABLE users ADD COLUMN full_name text;\n-- deploy code that writes both columns; backfill; switch reads; drop name in a later revision",
    alembic:
      'op.add_column("users", sa.Column("full_name", sa.Text(), nullable=True))\n# deploy code writing both, backfill, switch reads, then in a later revision:\n# op.drop_column("users", "name")',
    notes:
      "Columns of tables created earlier in the same revision are exempt, and so are columns added earlier in it (the swap of a new column into an old one's name: the drop of the old one is reported by dropping-column). If the application can be stopped during the deploy, a rename is fine: disable the rule for that revision.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME"],
  },
  check(ctx) {
    // columns added earlier in this revision: no running code knows them, so renaming them breaks nothing
    const added = ctx.unitState(() => new Set<string>());
    const columnKey = (table: RelationName, column: string) => `${relationKey(table.schema, table.name)}.${column}`;
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op === "add-column") added.add(columnKey(op.table, op.column.name));
      if (op.op !== "rename-column") continue;
      if (added.has(columnKey(op.table, op.column))) {
        added.add(columnKey(op.table, op.newName));
        continue;
      }
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock) continue;
      // the rules run on the schema after the statement, where the column has its new name
      const type = ctx.columnType(op.table, op.newName) ?? ctx.columnType(op.table, op.column);
      const sql = type ? sqlType(type) : `<type of ${op.column}>`;
      // a known type without a plain SQLAlchemy equivalent (a domain, an extension's) is added with op.execute
      const sa = type ? saType(type) : `<type of ${op.column}>`;
      const table = qualified(op.table);
      const addColumn = `ALTER TABLE ${table} ADD COLUMN ${ident(op.newName)} ${sql}`;
      ctx.report({
        message: `renaming ${op.table.written}.${op.column} to ${op.newName} breaks running code that still uses ${op.column}`,
        help: {
          text: "Expand and contract: add the new column, write to both, backfill, move reads to the new column, then drop the old one in a later revision.",
          sql: `${addColumn};\n-- backfill: UPDATE ${table} SET ${ident(op.newName)} = ${ident(op.column)} (in batches)`,
          alembic: `${sa ? `op.add_column(${opTable(op.table)}, sa.Column(${py(op.newName)}, ${sa}, nullable=True))` : `op.execute(${py(addColumn)})`}\n# later revision: op.drop_column(${opTable(op.table)}, ${py(op.column)})`,
        },
        locks: [lock],
      });
    }
  },
});
