import { relationKey } from "../src/schema/schema.js";
import type { RelationName } from "../src/sql/ast.js";
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
      // the held lock must come from an ALTER TABLE of this table: one of another table (a foreign key to this one) cannot be combined with it
      if (!held || !altersTable(held.sql, table) || !ctx.firstTime(`${ctx.place.transaction}\u0000${ctx.place.unit.key}\u0000${table.written}`)) continue;
      ctx.report({
        message: `another ALTER TABLE ${table.written} (${ctx.where(held.line)}) in the same transaction: one statement with several actions takes the lock once`,
        help: { text: "Combine the actions into one ALTER TABLE, separated by commas." },
        locks: [],
      });
    }
  },
});

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[^\s."(;,]+)`;
const ALTERED = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${IDENTIFIER}(?:\s*\.\s*${IDENTIFIER})?)`, "i");

/** Whether the statement is an ALTER TABLE of this table (same name, and same schema when both name one). */
function altersTable(sql: string, table: RelationName): boolean {
  const target = ALTERED.exec(sql)?.[1];
  if (!target) return false;
  const parts = (target.match(new RegExp(IDENTIFIER, "g")) ?? []).map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[0] : null;
  return name === table.name && (schema === null || table.schema === null || schema === table.schema);
}

const ALTER_TABLE: ReadonlySet<string> = new Set([
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
