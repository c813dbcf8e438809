import { existingLockOn } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "renaming-table",
  severity: "warning",
  summary: "RENAME TABLE breaks the application instances still running the old code",
  docs: {
    why: "The rename takes ACCESS EXCLUSIVE only briefly, but every query the old application version sends to the old name fails from that moment until the new version is everywhere.",
    example: "ALTER TABLE customers RENAME TO clients;",
    useInstead:
      "CREATE VIEW clients AS SELECT * FROM customers;\n-- a simple view is updatable: move the code to clients, and rename the table in a later revision,\n-- once nothing uses the old name (DROP VIEW clients; ALTER TABLE customers RENAME TO clients;)",
    alembic:
      'op.execute("CREATE VIEW clients AS SELECT * FROM customers")\n# move the code to clients; in a later revision, once nothing uses customers:\n# op.execute("DROP VIEW clients"); op.rename_table("customers", "clients")',
    notes:
      "A simple view over one table is updatable, so the old name keeps working for reads and writes during the deploy. Tables created earlier in the same revision are exempt.",
    references: [
      "https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME",
      "https://www.postgresql.org/docs/current/sql-createview.html#SQL-CREATEVIEW-UPDATABLE-VIEWS",
    ],
  },
  check(ctx) {
    for (const effect of ctx.effects.operations) {
      const op = effect.operation;
      if (op.op !== "rename-table") continue;
      const lock = existingLockOn(ctx.effects.locks, op.table);
      if (!lock || lock.kind === "view") continue;
      const old = op.table.written;
      ctx.report({
        message: `renaming ${old} to ${op.newName} breaks running code that still uses ${old}`,
        help: {
          text: "Keep the old name working during the deploy with a view, and drop the view in a later revision.",
          sql: `${ctx.statement.sql};\nCREATE VIEW ${old} AS SELECT * FROM ${op.newName};`,
          alembic: `op.rename_table(${JSON.stringify(op.table.name)}, ${JSON.stringify(op.newName)})\nop.execute(${JSON.stringify(`CREATE VIEW ${old} AS SELECT * FROM ${op.newName}`)})`,
        },
        locks: [lock],
      });
    }
  },
});
