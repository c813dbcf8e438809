import { operationsOfKind } from "../src/lint/advice.js";
import { defineRule } from "../src/lint/rule.js";

export default defineRule({
  id: "require-enum-value-ordering",
  severity: "warning",
  optional: true,
  summary: "ALTER TYPE ... ADD VALUE without BEFORE or AFTER appends the value at the end of the order",
  docs: {
    why: "Enum values sort in declaration order, and `ORDER BY`, `<` and `>` on the column use that order. A value added without `BEFORE` or `AFTER` goes last, which is right for some enums (a new status at the end of a workflow) and wrong for others (a new size between small and large).",
    example: "ALTER TYPE shirt_size ADD VALUE 'medium';",
    useInstead: "ALTER TYPE shirt_size ADD VALUE 'medium' AFTER 'small';",
    alembic: "op.execute(\"ALTER TYPE shirt_size ADD VALUE 'medium' AFTER 'small'\")",
    references: ["https://www.postgresql.org/docs/current/sql-altertype.html"],
  },
  check(ctx) {
    for (const op of operationsOfKind(ctx.effects.operations, "add-enum-value")) {
      if (op.position !== "end") continue;
      ctx.report({
        message: `'${op.value}' is added at the end of ${op.type.written}'s order`,
        help: { text: "Say where it goes with BEFORE or AFTER, if the order matters." },
      });
    }
  },
});
