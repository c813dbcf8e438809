import { checkColumnTypes } from "../src/lint/column-types.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "prefer-text-field",
  severity: "warning",
  optional: true,
  summary: "varchar(n): shrinking the limit later rewrites the table; text with a CHECK does not",
  docs: {
    why: "A length limit in the type (`varchar(n)`, alembic `sa.String(n)`) can be raised without a rewrite, but lowering it, or moving to another limited type, takes ACCESS EXCLUSIVE and rewrites the table. `text` with a CHECK constraint on the length can change its limit with `NOT VALID` and `VALIDATE`, which block neither reads nor writes.",
    example: "CREATE TABLE users (email varchar(255));",
    useInstead: "CREATE TABLE users (email text CONSTRAINT users_email_length CHECK (length(email) <= 255));",
    alembic: 'sa.Column("email", sa.Text(), sa.CheckConstraint("length(email) <= 255", name="users_email_length"))',
    references: ["https://www.postgresql.org/docs/current/datatype-character.html"],
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "varchar" && t.mods.length > 0,
      (c) => ({
        message: `${c.table.written}.${c.column} is varchar(${c.type.mods[0]}): changing that limit later may rewrite the table`,
        help: { text: "Use text with a CHECK constraint on the length." },
      }),
    );
  },
});
