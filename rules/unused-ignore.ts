import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "unused-ignore",
  severity: "warning",
  summary: "A locklint-ignore (or squawk-ignore) comment that silences nothing",
  docs: {
    why: "An ignore comment that matches no finding of the statement after it is stale (the statement was fixed, or the rule id is misspelt) and would silently swallow a future finding of that rule. `-- locklint-ignore: rule-a, rule-b` before a statement silences those rules for it; `-- locklint-ignore` silences every rule.",
    example: "-- locklint-ignore: require-concurrent-index-creation\nALTER TABLE users ADD COLUMN nickname text NULL;",
    useInstead: "-- locklint-ignore: require-concurrent-index-creation\nCREATE INDEX ix_users_email ON users (email);",
    alembic: 'op.execute("-- locklint-ignore: require-concurrent-index-creation\\nCREATE INDEX ix_users_email ON users (email)")',
    notes: "Ignore comments must be on their own line(s) directly before the statement. Squawk's `-- squawk-ignore rule` comments are read the same way.",
    references: ["https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-COMMENTS"],
  },
  check() {
    // reported by the pipeline when an ignore comment covered no finding
  },
});
