import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "renaming-schema",
  severity: "warning",
  summary: "ALTER SCHEMA ... RENAME breaks every query that names the old schema",
  docs: {
    why: "Renaming a schema is instant, but every running query, view definition in application code, search_path setting and ORM model (`__table_args__ = {'schema': ...}`) that names the old schema fails from that moment until the new code is deployed everywhere.",
    example: "ALTER SCHEMA billing RENAME TO invoicing;",
    useInstead: "CREATE SCHEMA invoicing;\n-- move tables one by one (ALTER TABLE ... SET SCHEMA), with views in the old schema during the switch",
    alembic: 'op.execute("CREATE SCHEMA invoicing")\n# move objects over revisions; keep the old names working with views until the code has moved',
    references: ["https://www.postgresql.org/docs/current/sql-alterschema.html"],
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "rename-schema") continue;
      ctx.report({
        message: `renaming schema ${op.schema} to ${op.newName} breaks running code that uses ${op.schema}`,
        help: { text: "Keep the old schema's names working during the deploy (views, or move objects one at a time), and remove them in a later revision." },
      });
    }
  },
});
