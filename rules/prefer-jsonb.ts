import { checkColumnTypes } from "../src/lint/column-types.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "prefer-jsonb",
  severity: "warning",
  optional: true,
  summary: "json columns: use jsonb",
  docs: {
    why: "`json` stores the text as given: every access re-parses it, it cannot be indexed with GIN, and it has no equality operator (so `SELECT DISTINCT` and some ORM operations fail). `jsonb` stores a parsed form. Converting later is a type change that rewrites the table.",
    example: "CREATE TABLE events (payload json);",
    useInstead: "CREATE TABLE events (payload jsonb);",
    alembic: 'sa.Column("payload", postgresql.JSONB())',
    references: ["https://www.postgresql.org/docs/current/datatype-json.html"],
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "json",
      (c) => ({
        message: `${c.table.written}.${c.column} is json`,
        help: { text: "Use jsonb (alembic: postgresql.JSONB())." },
      }),
    );
  },
});
