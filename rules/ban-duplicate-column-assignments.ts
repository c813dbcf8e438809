import { defineRule } from "../src/lint/rule.js";
import { parseTree } from "../src/sql/parse-batch.js";

/** A column a statement names: `partial` for a field or element of it (`a.x`, `a[1]`). */
interface Named {
  name: string;
  partial: boolean;
}

/** What PostgreSQL says, by how the columns were named. */
type Clash = "assigned" | "defined";

/** The statement kinds that can name a column twice (a cheap filter before the statement is parsed again). */
const CANDIDATE = /^\s*(?:WITH\b[\s\S]*)?\b(?:UPDATE|INSERT|MERGE|CREATE|SELECT)\b/i;

export default defineRule({
  id: "ban-duplicate-column-assignments",
  severity: "error",
  summary: "A statement that assigns or defines the same column twice: PostgreSQL rejects it",
  docs: {
    why: "`UPDATE t SET a = 1, a = 2` fails with `multiple assignments to same column`; `INSERT INTO t (a, a)`, `CREATE TABLE t (a int, a text)`, `CREATE VIEW v (a, a)`, and a view or `SELECT ... INTO` whose select list yields two columns of one name fail with `column specified more than once`. The migration fails at that statement and its transaction rolls back. It is usually a copy-and-paste slip.",
    example: "UPDATE users SET status = 'active', status = 'new' WHERE id = 1;",
    useInstead: "UPDATE users SET status = 'active' WHERE id = 1;",
    alembic: "op.execute(\"UPDATE users SET status = 'active' WHERE id = 1\")",
    notes:
      "Checks UPDATE ... SET (also in INSERT ... ON CONFLICT DO UPDATE and MERGE), INSERT and MERGE column lists, CREATE [FOREIGN] TABLE columns, CREATE VIEW column lists and, without one, the names its select list gives (`SELECT 1, 2` names both `?column?`), and CREATE TABLE AS / SELECT INTO. Names compare as PostgreSQL does: unquoted names folded to lower case, all cut to 63 bytes. Assigning two fields or elements of one column (`a.x`, `a.y`) is allowed; the whole column and a field of it is not.",
    references: ["https://www.postgresql.org/docs/current/sql-update.html", "https://www.postgresql.org/docs/current/sql-createtable.html"],
  },
  check(ctx) {
    if (ctx.statement.syntaxError || !CANDIDATE.test(ctx.statement.sql)) return;
    let tree: unknown;
    try {
      tree = parseTree(ctx.statement.sql);
    } catch {
      return; // syntax-error reports it
    }
    for (const { names, clash } of columnLists(tree)) {
      const repeated = duplicates(names);
      if (repeated.length === 0) continue;
      ctx.report({
        message:
          clash === "assigned"
            ? `assigns ${repeated.join(", ")} more than once: PostgreSQL rejects the statement (multiple assignments to same column)`
            : `names column ${repeated.join(", ")} more than once: PostgreSQL rejects the statement (column specified more than once)`,
        help: {
          text:
            clash === "assigned"
              ? "Keep one assignment per column."
              : "Give each column its own name (an alias in the select list, or the view's column list).",
        },
        locks: [],
      });
    }
  },
});

/** PostgreSQL compares identifiers after cutting them to NAMEDATALEN - 1 = 63 bytes. */
function truncated(name: string): string {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= 63) return name;
  let end = 63;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return new TextDecoder().decode(bytes.slice(0, end));
}

/** The names used more than once: twice whole, or whole and partial (two partial uses are allowed). */
function duplicates(names: Named[]): string[] {
  const byName = new Map<string, Named[]>();
  for (const n of names) {
    const key = truncated(n.name);
    byName.set(key, [...(byName.get(key) ?? []), n]);
  }
  return [...byName].filter(([, uses]) => uses.length > 1 && uses.some((u) => !u.partial)).map(([name]) => name);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodes(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** `{ ResTarget: {...} }` -> its body. */
function body(node: Json, kind: string): Json | undefined {
  const inner = node[kind];
  return isObject(inner) ? inner : undefined;
}

/** Targets of SET, INSERT and MERGE column lists: name, and whether an indirection makes it partial. */
function targets(list: unknown): Named[] {
  return nodes(list)
    .map((n) => body(n, "ResTarget"))
    .filter((t): t is Json => t !== undefined && typeof t.name === "string")
    .map((t) => ({ name: t.name as string, partial: nodes(t.indirection).length > 0 }));
}

/** The column name PostgreSQL gives a select-list entry (FigureColname), where it is plain to see; null otherwise. */
function selectName(target: Json): string | null {
  if (typeof target.name === "string") return target.name;
  const value = isObject(target.val) ? target.val : undefined;
  if (!value) return null;
  const column = body(value, "ColumnRef");
  if (column) {
    const last = nodes(column.fields).at(-1);
    const field = last ? body(last, "String") : undefined;
    return typeof field?.sval === "string" ? field.sval : null; // `t.*` expands: not named here
  }
  const call = body(value, "FuncCall");
  if (call) {
    const last = nodes(call.funcname).at(-1);
    const name = last ? body(last, "String") : undefined;
    return typeof name?.sval === "string" ? name.sval : null;
  }
  if (body(value, "A_Const")) return "?column?";
  return null;
}

/** The names a plain SELECT's list gives its columns; null when one of them is not plain to see. */
function selectNames(select: Json | undefined): Named[] | null {
  if (!select || (select.op !== undefined && select.op !== "SETOP_NONE")) return null;
  const names: Named[] = [];
  for (const t of nodes(select.targetList)) {
    const target = body(t, "ResTarget");
    const name = target ? selectName(target) : null;
    if (name === null) return null;
    names.push({ name, partial: false });
  }
  return names;
}

/** Every list of columns in the tree that PostgreSQL requires to be distinct. */
function columnLists(tree: unknown): { names: Named[]; clash: Clash }[] {
  const found: { names: Named[]; clash: Clash }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    for (const [kind, inner] of Object.entries(value)) {
      if (isObject(inner)) collect(kind, inner, found);
      visit(inner);
    }
  };
  visit(tree);
  return found;
}

function collect(kind: string, node: Json, found: { names: Named[]; clash: Clash }[]): void {
  switch (kind) {
    case "UpdateStmt":
      found.push({ names: targets(node.targetList), clash: "assigned" });
      return;
    case "InsertStmt":
      found.push({ names: targets(node.cols), clash: "assigned" });
      // ON CONFLICT DO UPDATE SET: a field of the statement, not a node of its own
      if (isObject(node.onConflictClause)) found.push({ names: targets(node.onConflictClause.targetList), clash: "assigned" });
      return;
    case "MergeWhenClause":
      found.push({ names: targets(node.targetList), clash: "assigned" });
      return;
    case "CreateForeignTableStmt":
      if (isObject(node.base)) collect("CreateStmt", node.base, found);
      return;
    case "CreateStmt": {
      const columns = nodes(node.tableElts)
        .map((e) => body(e, "ColumnDef"))
        .filter((c): c is Json => typeof c?.colname === "string")
        .map((c) => ({ name: c.colname as string, partial: false }));
      found.push({ names: columns, clash: "defined" });
      return;
    }
    case "ViewStmt": {
      // the column list names the first columns, the select list the rest
      const aliases = nodes(node.aliases).map((a) => ({ name: String(body(a, "String")?.sval), partial: false }));
      const selected = selectNames(isObject(node.query) ? body(node.query, "SelectStmt") : undefined);
      found.push({ names: [...aliases, ...(selected ?? []).slice(aliases.length)], clash: "defined" });
      return;
    }
    case "CreateTableAsStmt":
    case "SelectStmt": {
      // CREATE TABLE AS and SELECT ... INTO create a table from the select list (or the names given)
      const into =
        kind === "SelectStmt"
          ? isObject(node.intoClause)
            ? node.intoClause
            : undefined
          : isObject(node.into)
            ? (body(node.into, "IntoClause") ?? node.into)
            : undefined;
      if (!into) return;
      const given = nodes(into.colNames).map((c) => ({ name: String(body(c, "String")?.sval), partial: false }));
      const query = kind === "SelectStmt" ? node : isObject(node.query) ? body(node.query, "SelectStmt") : undefined;
      const names = given.length > 0 ? given : selectNames(query);
      if (names) found.push({ names, clash: "defined" });
      return;
    }
  }
}
