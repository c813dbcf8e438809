import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "dropping-schema",
  severity: "error",
  summary: "DROP SCHEMA: with CASCADE every table in it goes, each under ACCESS EXCLUSIVE",
  docs: {
    why: "`DROP SCHEMA ... CASCADE` drops every table, view, function and type in the schema, taking ACCESS EXCLUSIVE on each (and on the tables their foreign keys point at): the data is gone and running code that uses any of them fails. Without CASCADE it fails unless the schema is empty, which makes the migration fail instead.",
    example: "DROP SCHEMA reporting CASCADE;",
    useInstead: "-- drop the schema's tables one revision at a time, after the code stops using them\nDROP SCHEMA IF EXISTS reporting_empty;",
    alembic: '# after every object in it is gone:\nop.execute("DROP SCHEMA reporting")',
    notes: "A plain DROP SCHEMA of an empty schema is harmless and reported only with CASCADE.",
    references: ["https://www.postgresql.org/docs/current/sql-dropschema.html"],
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "drop-schema" || !op.cascade) continue;
      ctx.report({
        message: `DROP SCHEMA ${op.schema} CASCADE drops every object in the schema, and their data`,
        help: { text: "Drop the schema's tables explicitly, each after the code stops using it; then drop the empty schema without CASCADE." },
      });
    }
  },
});
