import type { RelationLock } from "../locks/effects.js";
import type { ConstraintSpec, Operation } from "../sql/operations.js";
import { asKind, constText, list, nameList, quoteIdent, relationName, walk, type pg, type RelationName } from "../sql/ast.js";
import { parseTree } from "../sql/parse-batch.js";

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

/** A column or other name as SQL, quoted when it is not a plain identifier or is a reserved word (`"group"`). */
export function ident(name: string): string {
  return sqlName(name);
}

/** A name as SQL, quoted when it is not a plain identifier or is a reserved word there (`"group"`, but `document`). */
function sqlName(name: string): string {
  const bare = quoteIdent(name);
  if (bare !== name) return bare;
  try {
    const stmt = asKind(parseTree(`ALTER TABLE ${name} VALIDATE CONSTRAINT ${name}`).stmts?.[0]?.stmt, "AlterTableStmt");
    if (stmt?.relation?.relname === name) return name;
  } catch {
    // a reserved word: quoted below
  }
  return `"${name}"`;
}

/** A relation's name as SQL, schema-qualified and quoted where needed. */
export function qualified(relation: RelationName): string {
  return relation.schema ? `${sqlName(relation.schema)}.${sqlName(relation.name)}` : sqlName(relation.name);
}

/** Inserts a keyword after the leading words of a statement: `CREATE INDEX` -> `CREATE INDEX CONCURRENTLY`. */
export function insertAfter(sql: string, leading: RegExp, keyword: string): string {
  const match = leading.exec(sql);
  return match ? `${sql.slice(0, match[0].length)} ${keyword}${sql.slice(match[0].length)}` : sql;
}

export const AUTOCOMMIT_NOTE =
  "alembic runs each migration inside a transaction; `with op.get_context().autocommit_block():` commits it, runs the block outside any transaction, and opens a new one after";

export const LOCK_TIMEOUT_SQL = "SET lock_timeout = '5s';";

/*
 * Advice built from the statement's own text and parse tree, so that every option the migration
 * wrote (index method, operator classes, ordering, INCLUDE, WHERE, ON DELETE/UPDATE, schemas, ...)
 * survives into the SQL and op.* advice: the SQL is the original text with one keyword added, and
 * the op.* call names every option, or falls back to op.execute of that SQL when alembic has no
 * argument for one.
 */

/** The characters of SQL text outside strings, quoted identifiers and comments, with their parenthesis depth. */
function* codeChars(sql: string, from = 0): Generator<{ i: number; ch: string; depth: number }> {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      i++;
      while (i < sql.length && !(sql[i] === ch && sql[i + 1] !== ch)) i += sql[i] === ch ? 2 : 1;
      i++;
      continue;
    }
    if (ch === "-" && next === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (ch === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag && !/[\w$]/.test(sql[i - 1] ?? "")) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? sql.length : end + tag[0].length;
        continue;
      }
    }
    if (ch === ")") depth--;
    yield { i, ch, depth };
    if (ch === "(") depth++;
    i++;
  }
}

/** The UTF-16 index of a libpg-query byte offset into sql. */
function charIndex(sql: string, byteOffset: number): number {
  return Buffer.from(sql, "utf8").subarray(0, byteOffset).toString("utf8").length;
}

/** The statement text without its trailing semicolon and blanks (a trailing line comment is closed by a newline). */
function body(sql: string): string {
  let end = sql.length;
  for (const c of codeChars(sql)) if (c.ch === ";" && c.depth === 0) end = Math.min(end, c.i);
  const text = sql.slice(0, end).trimEnd();
  let last = -1;
  for (const c of codeChars(text)) last = c.i;
  return last < text.length - 1 && /--[^\n]*$/.test(text) ? `${text}\n` : text;
}

/** The text inside the first top-level parentheses starting at or after `from`, split at its top-level commas; end: the index after `)`. */
function parenthesized(sql: string, from: number, depth0 = 0): { items: string[]; start: number; end: number } | null {
  let open = -1;
  const cuts: number[] = [];
  for (const c of codeChars(sql, from)) {
    if (open < 0) {
      if (c.ch === "(" && c.depth === depth0) open = c.i;
      continue;
    }
    if (c.ch === "," && c.depth === depth0 + 1) cuts.push(c.i);
    if (c.ch === ")" && c.depth === depth0) {
      const bounds = [open, ...cuts, c.i];
      return { items: bounds.slice(1).map((b, k) => sql.slice(bounds[k]! + 1, b).trim()), start: open, end: c.i + 1 };
    }
  }
  return null;
}

/** Where the next top-level keyword starts at or after `from` (depth 0), or -1. */
function keywordAt(sql: string, from: number, keyword: string): number {
  const re = new RegExp(`^${keyword}\\b`, "i");
  for (const c of codeChars(sql, from)) if (c.depth === 0 && /[A-Za-z]/.test(c.ch) && !/[\w$]/.test(sql[c.i - 1] ?? "") && re.test(sql.slice(c.i))) return c.i;
  return -1;
}

function pyText(sql: string): string {
  return `sa.text(${py(sql)})`;
}

function opExecute(sql: string): string {
  return `op.execute(${py(sql)})`;
}

function storageValue(node: pg.Node | undefined): string {
  const value = constText(node) ?? nameList(node)[0] ?? "";
  return /^-?\d+(\.\d+)?$/.test(value) ? value : py(value);
}

export interface IndexAdvice {
  sql: string;
  alembic: string;
}

/**
 * CREATE INDEX CONCURRENTLY for a CREATE INDEX statement: the original text with CONCURRENTLY added
 * (nothing else changes), and the op.create_index call with every option of the statement.
 */
export function concurrentIndexAdvice(sql: string): IndexAdvice | null {
  const stmt = asKind(parseTree(sql).stmts?.[0]?.stmt, "IndexStmt");
  if (!stmt?.relation) return null;
  const text = body(sql);
  const advisedSql = `${insertAfter(text, /^\s*CREATE\s+(UNIQUE\s+)?INDEX/i, "CONCURRENTLY")};`;
  const fallback = `with op.get_context().autocommit_block():\n    ${opExecute(advisedSql.slice(0, -1))}`;
  const table = relationName(stmt.relation);
  if (!table || !stmt.idxname || !stmt.relation.inh) return { sql: advisedSql, alembic: fallback };
  const params = parenthesized(text, charIndex(text, stmt.relation.location ?? 0));
  const elems = list(stmt.indexParams).map((p) => asKind(p, "IndexElem"));
  if (!params || params.items.length !== elems.length || elems.some((e) => !e)) return { sql: advisedSql, alembic: fallback };
  const columns: string[] = [];
  const ops: string[] = [];
  elems.forEach((e, k) => {
    const opclass = nameList(e!.opclass);
    const plain = e!.name && !e!.collation && list(e!.opclassopts).length === 0 && !e!.ordering?.endsWith("DESC") && e!.ordering !== "SORTBY_USING";
    const defaultNulls = !e!.nulls_ordering || e!.nulls_ordering === "SORTBY_NULLS_DEFAULT";
    if (plain && defaultNulls && opclass.length <= 1) {
      columns.push(py(e!.name!));
      if (opclass.length) ops.push(`${py(e!.name!)}: ${py(opclass[0]!)}`);
    } else columns.push(pyText(params.items[k]!));
  });
  const args = [py(stmt.idxname), py(table.name), `[${columns.join(", ")}]`];
  if (stmt.unique) args.push("unique=True");
  if (table.schema) args.push(`schema=${py(table.schema)}`);
  if (stmt.if_not_exists) args.push("if_not_exists=True");
  if (stmt.accessMethod && stmt.accessMethod !== "btree") args.push(`postgresql_using=${py(stmt.accessMethod)}`);
  if (ops.length) args.push(`postgresql_ops={${ops.join(", ")}}`);
  const include = list(stmt.indexIncludingParams).map((p) => asKind(p, "IndexElem")?.name);
  if (include.some((n) => !n)) return { sql: advisedSql, alembic: fallback };
  if (include.length) args.push(`postgresql_include=${pyList(include as string[])}`);
  if (stmt.nulls_not_distinct) args.push("postgresql_nulls_not_distinct=True");
  const options = list(stmt.options).map((o) => asKind(o, "DefElem"));
  if (options.some((o) => !o?.defname || o.defnamespace)) return { sql: advisedSql, alembic: fallback };
  if (options.length) args.push(`postgresql_with={${options.map((o) => `${py(o!.defname!)}: ${storageValue(o!.arg)}`).join(", ")}}`);
  if (stmt.tableSpace) args.push(`postgresql_tablespace=${py(stmt.tableSpace)}`);
  if (stmt.whereClause) {
    const where = keywordAt(text, params.end, "WHERE");
    if (where < 0) return { sql: advisedSql, alembic: fallback };
    args.push(`postgresql_where=${pyText(text.slice(where + 5).trim())}`);
  }
  args.push("postgresql_concurrently=True");
  return { sql: advisedSql, alembic: `with op.get_context().autocommit_block():\n    op.create_index(${args.join(", ")})` };
}

/**
 * For an index on a partitioned table, which cannot be built concurrently: the index ON ONLY the
 * parent, then each partition's index built concurrently and attached, each with the method,
 * columns, INCLUDE, WITH and WHERE of the original statement. Null when the statement is not read.
 */
export function partitionedIndexAdvice(sql: string): string | null {
  const stmt = asKind(parseTree(sql).stmts?.[0]?.stmt, "IndexStmt");
  if (!stmt?.relation || !stmt.idxname) return null;
  const text = body(sql);
  const after = charIndex(text, stmt.relation.location ?? 0);
  const params = parenthesized(text, after);
  if (!params) return null;
  const using = keywordAt(text, after, "USING");
  const rest = text.slice(using >= 0 && using < params.start ? using : params.start);
  const head = text.slice(0, charIndex(text, stmt.relation.location ?? 0)).replace(/\bONLY\s+$/i, "");
  const parent = qualified({ schema: stmt.relation.schemaname ?? null, name: stmt.relation.relname ?? "", written: "" });
  const unique = stmt.unique ? "UNIQUE " : "";
  return [
    `${head}ONLY ${parent} ${rest};`,
    "-- for each partition:",
    `CREATE ${unique}INDEX CONCURRENTLY <partition_index> ON <partition> ${rest};`,
    `ALTER INDEX ${sqlName(stmt.idxname)} ATTACH PARTITION <partition_index>;`,
  ].join("\n");
}

const FK_ACTIONS: Record<string, string | null> = { a: null, r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** The original statement with NOT VALID added to the constraint at `location` (byte offset), and nothing else changed. */
export function notValidSql(sql: string, location: number): string {
  const text = body(sql);
  const start = charIndex(text, location);
  let end = text.length;
  for (const c of codeChars(text, start)) {
    if (c.depth === 0 && c.ch === ",") {
      end = c.i;
      break;
    }
  }
  const head = text.slice(0, end).replace(/\s+$/, "");
  const tail = text.slice(head.length);
  const sep = /--[^\n]*$/.test(head.slice(head.lastIndexOf("\n") + 1)) && !/\n$/.test(head) ? "\n" : " ";
  return `${head}${sep}NOT VALID${tail}`;
}

/**
 * Advice for an ADD CONSTRAINT ... FOREIGN KEY or CHECK that validates existing rows: the original
 * statement with NOT VALID, then VALIDATE CONSTRAINT; in alembic, op.create_foreign_key (or
 * op.create_check_constraint) with every option the statement wrote, or op.execute of the SQL.
 */
export function notValidAdvice(sql: string, table: RelationName, constraint: ConstraintSpec, name: string): { sql: string; alembic: string } {
  const addSql = notValidSql(sql, constraint.location);
  const validate = `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${sqlName(name)}`;
  const later = `# in a later revision (or after a COMMIT):\n${opExecute(validate)}`;
  const fallback = `${opExecute(addSql)}\n${later}`;
  const node = constraintNode(sql, constraint.location);
  const multiple = list(asKind(parseTree(sql).stmts?.[0]?.stmt, "AlterTableStmt")?.cmds).length !== 1;
  if (!node || multiple) return { sql: `${addSql};\n${validate};`, alembic: fallback };
  const args = [py(name)];
  let call: string;
  if (constraint.kind === "foreign-key") {
    const referenced = relationName(node.pktable);
    const local = nameList(node.fk_attrs);
    const remote = nameList(node.pk_attrs);
    const onDelete = FK_ACTIONS[node.fk_del_action ?? "a"];
    const onUpdate = FK_ACTIONS[node.fk_upd_action ?? "a"];
    if (!referenced || remote.length === 0 || onDelete === undefined || onUpdate === undefined || list(node.fk_del_set_cols).length || node.fk_with_period)
      return { sql: `${addSql};\n${validate};`, alembic: fallback };
    args.push(py(table.name), py(referenced.name), pyList(local), pyList(remote));
    if (onUpdate) args.push(`onupdate=${py(onUpdate)}`);
    if (onDelete) args.push(`ondelete=${py(onDelete)}`);
    if (node.deferrable) args.push("deferrable=True");
    if (node.initdeferred) args.push(`initially="DEFERRED"`);
    if (node.fk_matchtype === "f") args.push(`match="FULL"`);
    else if (node.fk_matchtype === "p") args.push(`match="PARTIAL"`);
    if (table.schema) args.push(`source_schema=${py(table.schema)}`);
    if (referenced.schema) args.push(`referent_schema=${py(referenced.schema)}`);
    call = "op.create_foreign_key";
  } else if (constraint.kind === "check") {
    const check = keywordAt(sql, charIndex(sql, constraint.location), "CHECK");
    const condition = check < 0 ? null : parenthesized(sql, check);
    if (!condition || condition.items.length === 0 || node.is_no_inherit) return { sql: `${addSql};\n${validate};`, alembic: fallback };
    args.push(
      py(table.name),
      py(
        sql
          .slice(check, condition.end)
          .replace(/^CHECK\s*\(/i, "")
          .replace(/\)$/, "")
          .trim(),
      ),
    );
    if (table.schema) args.push(`schema=${py(table.schema)}`);
    call = "op.create_check_constraint";
  } else return { sql: `${addSql};\n${validate};`, alembic: fallback };
  args.push("postgresql_not_valid=True");
  return { sql: `${addSql};\n${validate};`, alembic: `${call}(${args.join(", ")})\n${later}` };
}

/** The Constraint node of the statement that starts at this byte offset. */
function constraintNode(sql: string, location: number): pg.Constraint | undefined {
  let found: pg.Constraint | undefined;
  walk(parseTree(sql), (kind, node) => {
    if (kind === "Constraint" && !found && node.location === location) found = node;
  });
  return found;
}

/** The type and the DEFAULT expression of the column defined at this byte offset, as written; null where absent. */
export function columnAsWritten(sql: string, columnLocation: number): { type: string | null; default: string | null } {
  let column: pg.ColumnDef | undefined;
  walk(parseTree(sql), (kind, node) => {
    if (kind === "ColumnDef" && !column && node.location === columnLocation) column = node;
  });
  if (!column) return { type: null, default: null };
  const text = body(sql);
  const itemEnd = (from: number): number => {
    for (const c of codeChars(text, from)) if (c.depth === 0 && c.ch === ",") return c.i;
    return text.length;
  };
  const constraints = list(column.constraints).flatMap((c) => asKind(c, "Constraint") ?? []);
  const starts = constraints.map((c) => (c.location === undefined ? -1 : charIndex(text, c.location)));
  const typeStart = column.typeName?.location === undefined ? -1 : charIndex(text, column.typeName.location);
  const type =
    typeStart < 0
      ? null
      : text
          .slice(typeStart, starts.find((s) => s > typeStart) ?? itemEnd(typeStart))

          .trim() || null;
  const k = constraints.findIndex((c) => c.contype === "CONSTR_DEFAULT");
  const start = starts[k] ?? -1;
  if (k < 0 || start < 0 || !/^DEFAULT\b/i.test(text.slice(start))) return { type, default: null };
  const end = starts[k + 1] ?? itemEnd(start);
  return { type, default: text.slice(start + "DEFAULT".length, end).trim() || null };
}
