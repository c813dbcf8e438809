import { checkColumnTypes } from "../src/lint/column-types.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "prefer-bigint-over-smallint",
  severity: "warning",
  optional: true,
  summary: "smallint / smallserial run out at 32,767; widening later rewrites the table",
  docs: {
    why: "`smallint` stops at 32,767. When a column outgrows it, `ALTER COLUMN ... TYPE` to a wider integer rewrites the table and its indexes under ACCESS EXCLUSIVE. Alignment often makes the saved bytes disappear anyway.",
    example: "CREATE TABLE plans (seats smallint);",
    useInstead: "CREATE TABLE plans (seats bigint);",
    alembic: 'sa.Column("seats", sa.BigInteger())',
    references: ["https://www.postgresql.org/docs/current/datatype-numeric.html"],
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "int2" || t.name === "smallserial",
      (c) => ({
        message: `${c.table.written}.${c.column} is ${c.type.name === "smallserial" ? "smallserial" : "smallint"} (16-bit)`,
        help: { text: "Use bigint (or integer when you are sure)." },
      }),
    );
  },
});
