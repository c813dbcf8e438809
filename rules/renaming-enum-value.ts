import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "renaming-enum-value",
  severity: "warning",
  summary: "ALTER TYPE ... RENAME VALUE breaks running code that still writes or compares the old value",
  docs: {
    why: "Renaming an enum value is instant and takes no table lock, but from that moment every INSERT or UPDATE that still sends the old label fails (`invalid input value for enum`), and every query comparing with it matches nothing. The version of the application still running during the deploy sends the old label.",
    example: "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
    useInstead:
      "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled';\n-- deploy code that writes the new value and reads both; migrate rows in batches; stop using the old value",
    alembic:
      "op.execute(\"ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled'\")\n# the old value cannot be removed from an enum; leave it unused, or move the column to a new type later",
    references: ["https://www.postgresql.org/docs/current/sql-altertype.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "rename-enum-value")) {
      ctx.report({
        message: `renaming value '${op.from}' of ${op.type.written} to '${op.to}' breaks running code that still uses '${op.from}'`,
        help: { text: "Add the new value, move code and rows to it, and leave the old value unused." },
      });
    }
  },
});
