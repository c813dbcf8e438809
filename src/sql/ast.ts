/**
 * Small readers over libpg-query's JSON parse tree. Nodes arrive as `{ "Kind": { ...fields } }`;
 * fields holding a known node type (a statement's `relation`) arrive bare. Protobuf drops false,
 * zero and empty values, so every reader treats a missing field as its zero value.
 */

// The parse tree is JSON from the parser; these readers are the one place that trusts its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AstNode = Record<string, any>;

/** `{ Kind: body }` to ["Kind", body]; anything else to ["", {}]. */
export function nodeKind(node: unknown): [string, AstNode] {
  if (node && typeof node === "object") {
    const keys = Object.keys(node);
    if (keys.length === 1) return [keys[0]!, (node as AstNode)[keys[0]!] as AstNode];
  }
  return ["", {}];
}

/** The body of a wrapped node when it is of the given kind. */
export function asKind(node: unknown, kind: string): AstNode | undefined {
  const [k, body] = nodeKind(node);
  return k === kind ? body : undefined;
}

/** The items of a node list: a plain array, or a `{List: {items}}` node (as in ALTER TABLE ... SET (...)). */
export function list(value: unknown): AstNode[] {
  if (Array.isArray(value)) return value as AstNode[];
  const wrapped = asKind(value, "List")?.items;
  return Array.isArray(wrapped) ? (wrapped as AstNode[]) : [];
}

/** Strings of a name list such as `[{String:{sval:"public"}},{String:{sval:"t"}}]`. */
export function nameList(value: unknown): string[] {
  return list(value).map((n) => asKind(n, "String")?.sval ?? "");
}

/** A relation reference as written in the statement, and the key the schema replay files it under. */
export interface RelationName {
  schema: string | null;
  name: string;
  /** As written: `orders` or `sales.orders`. */
  written: string;
}

export function relationName(rangeVar: AstNode | undefined): RelationName | undefined {
  if (!rangeVar || typeof rangeVar.relname !== "string") return undefined;
  const schema = typeof rangeVar.schemaname === "string" ? rangeVar.schemaname : null;
  return { schema, name: rangeVar.relname, written: schema ? `${quoteIdent(schema)}.${quoteIdent(rangeVar.relname)}` : quoteIdent(rangeVar.relname) };
}

/** A relation named by a list of strings (DROP, COMMENT ON): [schema?, name]. */
export function relationFromNames(names: string[]): RelationName | undefined {
  const name = names[names.length - 1];
  if (!name) return undefined;
  const schema = names.length > 1 ? names[names.length - 2]! : null;
  return { schema, name, written: schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name) };
}

/** Quotes an identifier only when PostgreSQL would need it. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A column type reduced to what type-change and default analysis need. */
export interface ColumnType {
  /** Canonical base name: int4, varchar, numeric, timestamptz, ... (user types as written, lower case). */
  name: string;
  schema: string | null;
  /** Type modifiers, e.g. [255] for varchar(255), [10, 2] for numeric(10,2); [] when none. */
  mods: number[];
  array: boolean;
}

const TYPE_ALIASES: Record<string, string> = {
  int: "int4",
  integer: "int4",
  smallint: "int2",
  bigint: "int8",
  real: "float4",
  float: "float8",
  "double precision": "float8",
  boolean: "bool",
  decimal: "numeric",
  "character varying": "varchar",
  character: "bpchar",
  char: "bpchar",
  "timestamp with time zone": "timestamptz",
  "timestamp without time zone": "timestamp",
  "time with time zone": "timetz",
  "time without time zone": "time",
  "bit varying": "varbit",
  serial4: "serial",
  serial8: "bigserial",
  serial2: "smallserial",
};

export function columnType(typeName: AstNode | undefined): ColumnType | null {
  if (!typeName) return null;
  const names = nameList(typeName.names);
  if (names.length === 0) return null;
  const raw = names[names.length - 1]!.toLowerCase();
  const schema = names.length > 1 && names[0] !== "pg_catalog" ? names[0]! : null;
  const mods: number[] = [];
  for (const m of list(typeName.typmods)) {
    const c = asKind(m, "A_Const");
    if (c) mods.push(constInt(c) ?? 0);
  }
  return { name: TYPE_ALIASES[raw] ?? raw, schema, mods, array: list(typeName.arrayBounds).length > 0 };
}

export function formatType(type: ColumnType): string {
  const base = type.schema ? `${type.schema}.${type.name}` : type.name;
  return `${base}${type.mods.length ? `(${type.mods.join(",")})` : ""}${type.array ? "[]" : ""}`;
}

function constInt(aConst: AstNode): number | undefined {
  if (aConst.ival !== undefined) return Number(aConst.ival.ival ?? 0);
  return undefined;
}

/** The text of a constant (string, number, boolean) as SET or a DEFAULT would see it. */
export function constText(node: unknown): string | undefined {
  const c = asKind(node, "A_Const");
  if (!c) return undefined;
  if (c.isnull) return undefined;
  if (c.sval !== undefined) return String(c.sval.sval ?? "");
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return String(c.fval.fval ?? "0");
  if (c.boolval !== undefined) return String(Boolean(c.boolval.boolval));
  return undefined;
}

/**
 * Walks every nested node (objects and arrays), calling visit with each `{Kind: body}` pair, parent
 * before children, in the order written. An explicit stack, not recursion: `1+1+...` of a few
 * thousand terms nests as deep, and recursion overflowed the call stack there.
 */
export function walk(root: unknown, visit: (kind: string, body: AstNode) => void): void {
  // parallel stacks (no object per node): the node, and the kind to visit it as ("" for none)
  const nodes: unknown[] = [root];
  const kinds: string[] = [""];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const kind = kinds.pop()!;
    if (kind !== "") visit(kind, node as AstNode);
    const from = nodes.length;
    if (Array.isArray(node)) {
      for (const item of node) pushChild(nodes, kinds, item, "");
    } else {
      // for-in and a char-code test: this runs on every node of every default and query (hot path)
      for (const key in node as AstNode) {
        const value = (node as AstNode)[key];
        const first = key.charCodeAt(0);
        pushChild(nodes, kinds, value, first >= 65 && first <= 90 && !Array.isArray(value) ? key : "");
      }
    }
    // the first child must come off the stack first
    reverseFrom(nodes, from);
    reverseFrom(kinds, from);
  }
}

function pushChild(nodes: unknown[], kinds: string[], value: unknown, kind: string): void {
  if (!value || typeof value !== "object") return;
  nodes.push(value);
  kinds.push(kind);
}

function reverseFrom(list: unknown[], from: number): void {
  for (let i = from, j = list.length - 1; i < j; i++, j--) [list[i], list[j]] = [list[j], list[i]];
}
