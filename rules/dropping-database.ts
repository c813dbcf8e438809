import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "dropping-database",
  severity: "error",
  summary: "DROP DATABASE in a migration",
  docs: {
    why: "`DROP DATABASE` removes a whole database and every row in it, irreversibly. It cannot run inside a transaction block, and it fails while anyone is connected (or, WITH (FORCE), disconnects them). It has no place in an application's migration history.",
    example: "DROP DATABASE analytics;",
    useInstead: "-- drop databases by hand, after a backup, outside the application's migrations",
    alembic: "# not in a migration",
    references: ["https://www.postgresql.org/docs/current/sql-dropdatabase.html"],
  },
  check(ctx) {
    for (const { operation: op } of ctx.effects.operations) {
      if (op.op !== "drop-database") continue;
      ctx.report({
        message: `DROP DATABASE ${op.name} destroys the whole database`,
        help: { text: "Remove it from the migration; drop databases by hand after a backup." },
      });
    }
  },
});
