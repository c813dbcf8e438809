import type { RelationLock } from "../locks/effects.js";
import type { ConstraintSpec, Operation } from "../sql/operations.js";
import { quoteIdent, type RelationName } from "../sql/ast.js";

/** Helpers that rules share to name things and to write the safe alternative. */

/** The lock facts of one relation of the statement, for a finding that concerns only it. */
export function lockOn(locks: readonly RelationLock[], relation: RelationName): RelationLock[] {
  const key = relation.schema && relation.schema !== "public" ? `${relation.schema}.${relation.name}` : relation.name;
  return locks.filter((l) => l.key === key);
}

/** The merged lock on a relation when it existed before this deploy unit (the only kind that hurts). */
export function existingLockOn(locks: readonly RelationLock[], relation: RelationName): RelationLock | undefined {
  return lockOn(locks, relation).find((l) => l.novelty === null);
}

export function operationsOfKind<K extends Operation["op"]>(operations: readonly { operation: Operation }[], kind: K): Extract<Operation, { op: K }>[] {
  return operations.map((e) => e.operation).filter((o): o is Extract<Operation, { op: K }> => o.op === kind);
}

/** The constraints an ADD CONSTRAINT or ADD COLUMN adds, with their table; null for other operations. */
export function addedConstraints(operation: Operation): { table: RelationName; constraints: ConstraintSpec[] } | null {
  if (operation.op === "add-constraint") return { table: operation.table, constraints: [operation.constraint] };
  if (operation.op === "add-column") return { table: operation.table, constraints: operation.column.constraints };
  return null;
}

/** A Python string literal for alembic snippets. */
export function py(value: string): string {
  return JSON.stringify(value);
}

export function pyList(values: readonly string[]): string {
  return `[${values.map(py).join(", ")}]`;
}

/** Table argument for op.* calls, with schema= when qualified. */
export function opTable(relation: RelationName): string {
  return relation.schema ? `${py(relation.name)}, schema=${py(relation.schema)}` : py(relation.name);
}

export function ident(name: string): string {
  return quoteIdent(name);
}

/** Inserts a keyword after the leading words of a statement: `CREATE INDEX` -> `CREATE INDEX CONCURRENTLY`. */
export function insertAfter(sql: string, leading: RegExp, keyword: string): string {
  const match = leading.exec(sql);
  return match ? `${sql.slice(0, match[0].length)} ${keyword}${sql.slice(match[0].length)}` : sql;
}

export const AUTOCOMMIT_NOTE =
  "alembic runs each migration inside a transaction; `with op.get_context().autocommit_block():` commits it, runs the block outside any transaction, and opens a new one after";

export const LOCK_TIMEOUT_SQL = "SET lock_timeout = '5s';";
