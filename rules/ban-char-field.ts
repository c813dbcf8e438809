import { checkColumnTypes } from "../src/lint/column-types.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "ban-char-field",
  severity: "warning",
  optional: true,
  summary: "char(n) columns pad with spaces; use text or varchar",
  docs: {
    why: "`char(n)` (`character`, alembic `sa.CHAR`) pads every value with spaces to n characters, compares ignoring trailing spaces, and is no faster than `text` in PostgreSQL. It is nearly always a mistake that later needs a type change, which rewrites the table.",
    example: "CREATE TABLE countries (code char(2));",
    useInstead: "CREATE TABLE countries (code text CHECK (length(code) = 2));",
    alembic: 'sa.Column("code", sa.Text(), sa.CheckConstraint("length(code) = 2"))',
    references: ["https://www.postgresql.org/docs/current/datatype-character.html", "https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29"],
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "bpchar",
      (c) => ({
        message: `${c.table.written}.${c.column} is char(n): values are blank-padded`,
        help: { text: "Use text (with a CHECK on the length if it matters) or varchar." },
      }),
    );
  },
});
