import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "syntax-error",
  severity: "error",
  summary: "A statement PostgreSQL cannot parse",
  docs: {
    why: "PostgreSQL's own parser rejects the statement, so the migration fails when it reaches it, after every earlier statement of the transaction ran (and is rolled back). locklint reports PostgreSQL's message at the place the parser stopped and still analyses every other statement.",
    example: "ALTER TABLE users ADD COLUMN nickname text DEFALT '';",
    useInstead: "ALTER TABLE users ADD COLUMN nickname text DEFAULT '';",
    alembic: "Check the text given to op.execute(): alembic prints it verbatim.",
    references: ["https://www.postgresql.org/docs/current/sql-commands.html"],
  },
  check(ctx) {
    const problem = ctx.statement.syntaxError;
    if (!problem) return;
    ctx.report({
      message: `PostgreSQL cannot parse this statement: ${problem.message}`,
      help: { text: "Fix the SQL at the marked place. If alembic printed it, it comes from an op.execute() string or a dialect option." },
      at: problem.at,
      locks: [],
    });
  },
});
