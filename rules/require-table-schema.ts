import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-table-schema",
  severity: "warning",
  optional: true,
  summary: "CREATE TABLE without a schema name depends on search_path",
  docs: {
    why: "An unqualified table name goes to the first schema of the session's `search_path`, which differs between environments and roles. For projects that use several schemas, naming the schema makes the migration do the same thing everywhere.",
    example: "CREATE TABLE invoices (id bigint);",
    useInstead: "CREATE TABLE billing.invoices (id bigint);",
    alembic: 'op.create_table("invoices", sa.Column("id", sa.BigInteger()), schema="billing")',
    references: ["https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH"],
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "create-table" || op.table.schema !== null || op.temporary) continue;
      ctx.report({
        message: `table ${op.table.written} has no schema: it goes to the first schema of search_path`,
        help: { text: "Qualify the name (alembic: schema=...)." },
      });
    }
  },
});
