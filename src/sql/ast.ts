/**
 * Small readers over libpg-query's JSON parse tree, typed by the parser's own node types. Nodes
 * arrive as `{ "Kind": { ...fields } }`; fields holding a known node type (a statement's
 * `relation`) arrive bare. Protobuf drops false, zero and empty values, so the readers treat a
 * missing field as its zero value, except where the grammar always sets one: required() then
 * makes its absence a statement locklint could not read (reported, never passed over).
 */

import type * as pg from "@pgsql/types";

/** The parser's node types and enums (@pgsql/types, pinned with libpg-query), for the readers of the tree. */
export type * as pg from "@pgsql/types";

/** A parse tree node as the parser wraps it: `{ Kind: body }` (the parser's own node types). */
export type Node = pg.Node;

type KindsOf<N> = N extends unknown ? keyof N : never;
/** Every kind of node of the grammar: the one key of a `{ Kind: body }` wrapper. */
export type NodeKind = KindsOf<Node>;
/** The body of a node of kind K (`NodeOf<"RangeVar">` is pg.RangeVar). */
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];
/** A node unwrapped into [kind, body]; switching on the kind narrows the body. */
export type Unwrapped = { [K in NodeKind]: [kind: K, body: NodeOf<K>] }[NodeKind];

/**
 * Node kinds named ...Stmt that never stand as a statement of their own: the wrapper of one, a
 * PL/pgSQL assignment, a SQL function's RETURN, a UNION inside a SELECT, ALTER TABLE's REPLICA IDENTITY.
 */
const NOT_STATEMENTS = ["RawStmt", "PLAssignStmt", "ReturnStmt", "SetOperationStmt", "ReplicaIdentityStmt"] as const;
/** The statement kinds of the grammar: a new one in a newer parser's types must be handled to compile. */
export type StatementKind = Exclude<Extract<NodeKind, `${string}Stmt`>, (typeof NOT_STATEMENTS)[number]>;
export type UnwrappedStatement = Extract<Unwrapped, [StatementKind, unknown]>;

/** `{ Kind: body }` to [kind, body]. */
export function nodeKind(node: Node): Unwrapped {
  // the parser's types say which body goes with which key; this is where the pair is rebuilt
  const kind = Object.keys(node)[0]!;
  return [kind, (node as Record<string, unknown>)[kind]] as Unwrapped;
}

export function isStatement(node: Unwrapped): node is UnwrappedStatement {
  return node[0].endsWith("Stmt") && !(NOT_STATEMENTS as readonly string[]).includes(node[0]);
}

/** The body of a wrapped node when it is of the given kind. */
export function asKind<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  return node && kind in node ? ((node as Record<string, unknown>)[kind] as NodeOf<K>) : undefined;
}

/** The items of a node list: a plain array, or a `{List: {items}}` node (as in ALTER TABLE ... SET (...)). */
export function list(value: Node[] | Node | undefined): Node[] {
  if (Array.isArray(value)) return value;
  return asKind(value, "List")?.items ?? [];
}

/** Strings of a name list such as `[{String:{sval:"public"}},{String:{sval:"t"}}]`. */
export function nameList(value: Node[] | Node | undefined): string[] {
  return list(value).map((n) => asKind(n, "String")?.sval ?? "");
}

/**
 * For the `default` of a switch over node kinds: compiles only when every kind is handled, and
 * names a kind a newer parser might still produce, for an explicit `unknown` operation.
 */
export function unhandledKind(kind: never): string {
  return String(kind);
}

/** A relation reference as written in the statement, and the key the schema replay files it under. */
export interface RelationName {
  schema: string | null;
  name: string;
  /** As written: `orders` or `sales.orders`. */
  written: string;
}

export function relationName(rangeVar: pg.RangeVar | undefined): RelationName | undefined {
  const name = rangeVar?.relname;
  return name === undefined ? undefined : relation(rangeVar?.schemaname ?? null, name);
}

/** A relation the grammar always names (a statement's target): missing, locklint misreads the tree. */
export function requiredRelation(rangeVar: pg.RangeVar | undefined): RelationName {
  return required(relationName(rangeVar), "a relation");
}

/** A relation named by a list of strings the grammar never leaves empty (DROP, COMMENT ON): [schema?, name]. */
export function requiredRelationFromNames(names: string[]): RelationName {
  const name = required(names[names.length - 1], "a name");
  return relation(names.length > 1 ? names[names.length - 2]! : null, name);
}

function relation(schema: string | null, name: string): RelationName {
  return { schema, name, written: schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name) };
}

/** A field the grammar always sets (protobuf omits only zero values, which it never has). */
export function required<T>(value: T | undefined, what: string): T {
  return value ?? malformed(what);
}

/** The body of a node the grammar puts there (an ALTER TABLE's commands, say), of the kind it must be. */
export function requiredKind<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> {
  return required(asKind(node, kind), `the ${kind}`);
}

/** Reported by the parse stage as a statement locklint could not read (not-analysed), never passed over. */
function malformed(what: string): never {
  throw new Error(`its parse tree lacks ${what} the grammar requires`);
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

export function columnType(typeName: pg.TypeName | undefined): ColumnType | null {
  if (!typeName) return null;
  const names = nameList(typeName.names);
  const raw = required(names[names.length - 1], "a type name").toLowerCase();
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

function constInt(aConst: pg.A_Const): number | undefined {
  return aConst.ival === undefined ? undefined : (aConst.ival.ival ?? 0);
}

/** The text of a constant as SET sees it: its grammar allows strings (on, true, ... included) and numbers. */
export function constText(node: Node | undefined): string | undefined {
  const c = asKind(node, "A_Const");
  if (c?.sval !== undefined) return c.sval.sval ?? "";
  if (c?.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c?.fval !== undefined) return c.fval.fval ?? "0";
  return undefined;
}

/**
 * Walks every nested node (objects and arrays), calling visit with each `{Kind: body}` pair, parent
 * before children, in the order written; a visit that returns "skip" keeps walk out of that node's
 * body. An explicit stack, not recursion: `1+1+...` of a few thousand terms nests as deep, and
 * recursion overflowed the call stack there.
 */
export function walk(root: unknown, visit: (...node: Unwrapped) => "skip" | void): void {
  // a key starting with a capital letter wraps a node of that kind: the pair walk passes is one of Unwrapped
  const visitPair = visit as (kind: string, body: unknown) => "skip" | void;
  // parallel stacks (no object per node): the node, and the kind to visit it as ("" for none)
  const nodes: unknown[] = [root];
  const kinds: string[] = [""];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const kind = kinds.pop()!;
    if (kind !== "" && visitPair(kind, node) === "skip") continue;
    const from = nodes.length;
    if (Array.isArray(node)) {
      for (const item of node) pushChild(nodes, kinds, item, "");
    } else {
      // for-in and a char-code test: this runs on every node of every default and query (hot path)
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
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
