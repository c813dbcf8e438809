import { checkColumnTypes } from "../src/lint/column-types.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "prefer-timestamptz",
  severity: "warning",
  optional: true,
  summary: "timestamp without time zone loses the offset; use timestamptz",
  docs: {
    why: "`timestamp` (`timestamp without time zone`, alembic `sa.DateTime()` without `timezone=True`) stores the wall-clock value and drops the UTC offset, so the same instant written from two time zones becomes two values. Converting to `timestamptz` later rewrites the table unless the session time zone is UTC (PostgreSQL 12+).",
    example: "CREATE TABLE events (happened_at timestamp);",
    useInstead: "CREATE TABLE events (happened_at timestamptz);",
    alembic: 'sa.Column("happened_at", sa.DateTime(timezone=True))',
    references: [
      "https://www.postgresql.org/docs/current/datatype-datetime.html",
      "https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29",
    ],
  },
  check(ctx) {
    checkColumnTypes(
      ctx,
      (t) => t.name === "timestamp",
      (c) => ({
        message: `${c.table.written}.${c.column} is timestamp without time zone`,
        help: { text: "Use timestamptz (alembic: sa.DateTime(timezone=True))." },
      }),
    );
  },
});
