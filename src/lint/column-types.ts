import type { Operation } from "../sql/operations.js";
import type { Report, RuleContext } from "./rule.js";
import type { ColumnType, RelationName } from "../sql/ast.js";

/** A column a statement declares or retypes, with where to point at it. */
export interface DeclaredColumn {
  table: RelationName;
  column: string;
  type: ColumnType;
  location: number;
}

/** Columns given a type by CREATE TABLE, ADD COLUMN or ALTER COLUMN ... TYPE. */
export function declaredColumns(operation: Operation): DeclaredColumn[] {
  switch (operation.op) {
    case "create-table":
      return operation.columns.flatMap((c) => (c.type ? [{ table: operation.table, column: c.name, type: c.type, location: c.location }] : []));
    case "add-column":
      return operation.column.type
        ? [{ table: operation.table, column: operation.column.name, type: operation.column.type, location: operation.column.location }]
        : [];
    case "alter-column-type":
      return operation.type ? [{ table: operation.table, column: operation.column, type: operation.type, location: operation.location }] : [];
    default:
      return [];
  }
}

/** The shared check of the column-type hygiene rules: one finding per matching column. */
export function checkColumnTypes(
  ctx: RuleContext,
  matches: (type: ColumnType) => boolean,
  describe: (column: DeclaredColumn) => Omit<Report, "at" | "locks">,
): void {
  for (const { operation } of ctx.effects.operations) {
    for (const column of declaredColumns(operation)) {
      if (column.type.schema === null && matches(column.type)) ctx.report({ ...describe(column), at: column.location, locks: [] });
    }
  }
}
