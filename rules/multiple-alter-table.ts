import { relationKey } from "../src/schema/schema.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "multiple-alter-table",
  severity: "warning",
  optional: true,
  summary: "Several ALTER TABLE statements on one table in a transaction, where one statement with several actions would do",
  docs: {
    why: "Each `ALTER TABLE` waits for its lock separately, and a rewrite or scan triggered by several statements happens several times; one `ALTER TABLE t ADD COLUMN a ..., ADD COLUMN b ...` takes the lock once and does the work once. alembic emits one statement per `op.*` call; `op.batch_alter_table` is for SQLite, so combining needs `op.execute`.",
    example: "BEGIN;\nALTER TABLE users ADD COLUMN first_name text;\nALTER TABLE users ADD COLUMN last_name text;\nCOMMIT;",
    useInstead: "BEGIN;\nALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;\nCOMMIT;",
    alembic: 'op.execute("ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text")',
    notes: "Off by default: with cheap actions the difference is small. Reported once per table and transaction.",
    references: ["https://www.postgresql.org/docs/current/sql-altertable.html"],
  },
  check(ctx) {
    for (const { operation } of ctx.effects.operations) {
      if (!ALTER_TABLE.has(operation.op) || !("table" in operation) || !operation.table) continue;
      const table = operation.table;
      const held = ctx.heldLocks.get(relationKey(table.schema, table.name));
      if (!held || !/^\s*ALTER\s+TABLE/i.test(held.sql) || !ctx.firstTime(`${ctx.place.transaction}\u0000${ctx.place.unit.key}\u0000${table.written}`))
        continue;
      ctx.report({
        message: `another ALTER TABLE ${table.written} (${ctx.where(held.line)}) in the same transaction: one statement with several actions takes the lock once`,
        help: { text: "Combine the actions into one ALTER TABLE, separated by commas." },
        locks: [],
      });
    }
  },
});

const ALTER_TABLE = new Set([
  "add-column",
  "drop-column",
  "alter-column-type",
  "set-not-null",
  "drop-not-null",
  "set-default",
  "drop-default",
  "add-constraint",
  "drop-constraint",
  "validate-constraint",
  "alter-table-other",
]);
