import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "creating-enum",
  severity: "warning",
  optional: true,
  summary: "CREATE TYPE ... AS ENUM: values can be added but never removed or reordered without a rewrite",
  docs: {
    why: "An enum type is cheap to create, but values can never be removed, and removing or reordering one means a new type and a column type change, which rewrites every table that uses it under ACCESS EXCLUSIVE. A lookup table, or text with a CHECK constraint (changed with NOT VALID and VALIDATE), keeps those changes online.",
    example: "CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');",
    useInstead: "CREATE TABLE orders (status text NOT NULL CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped')));",
    alembic:
      "sa.Column(\"status\", sa.Text(), sa.CheckConstraint(\"status IN ('new', 'paid', 'shipped')\", name=\"orders_status_check\"), nullable=False)\n# or sa.Enum(..., native_enum=False)",
    references: ["https://www.postgresql.org/docs/current/datatype-enum.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "create-enum")) {
      ctx.report({
        message: `enum type ${op.type.written}: its values can later be added, but not removed or reordered without rewriting the tables that use it`,
        help: { text: "Consider text with a CHECK constraint, or a lookup table (alembic: sa.Enum(..., native_enum=False))." },
      });
    }
  },
});
