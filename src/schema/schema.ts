import type { ColumnType, RelationName } from "../sql/ast.js";

/**
 * The catalog that schema replay builds: what exists before each statement. Objects are
 * shared by reference (a foreign key points at its Table), so renames need no fix-ups.
 */

export interface Column {
  name: string;
  /** null when the column was never declared in the script (a table that existed before it). */
  type: ColumnType | null;
  notNull: boolean;
  hasDefault: boolean;
  /** GENERATED ALWAYS AS (...) STORED or VIRTUAL; null for other columns and unknown ones. */
  generated: "stored" | "virtual" | null;
  /** The sequences its default draws from (nextval). */
  sequences?: string[];
}

export type ConstraintKind = "check" | "foreign-key" | "unique" | "primary-key" | "exclude" | "not-null";

export interface Constraint {
  name: string;
  kind: ConstraintKind;
  validated: boolean;
  columns: string[];
  /** Foreign keys: the referenced table. */
  references?: Table;
  /** Foreign keys: the referenced columns as written; [] for the referenced table's primary key. */
  referencedColumns?: string[];
  /** CHECK (col IS NOT NULL) and NOT NULL constraints: the column they prove non-null. */
  provesNotNull?: string;
  /** Foreign keys: ON DELETE action (a no action, r restrict, c cascade, n set null, d set default). */
  onDelete?: string;
}

export type RelationKind = "table" | "partitioned table" | "view" | "materialized view";

/** Where an object was created: the deploy unit (revision or transaction) that made it. */
export type UnitKey = string;

/** Where an object was created: its deploy unit, and its transaction (null outside one). */
export interface Origin {
  unit: UnitKey;
  transaction: number | null;
}

export interface Table {
  schema: string | null;
  name: string;
  kind: RelationKind;
  /** False for tables the script only alters: they existed before it, with unknown contents. */
  declared: boolean;
  createdIn: Origin | null;
  unlogged: boolean;
  /** Created with a TABLESPACE or access method of its own, or moved since (else pg_default and heap). */
  customStorage: boolean;
  columns: Map<string, Column>;
  constraints: Map<string, Constraint>;
  indexes: Set<Index>;
  /** Tables whose foreign keys reference this one. */
  referencedBy: Set<Table>;
  partitionOf: Table | null;
  partitions: Set<Table>;
  isDefaultPartition: boolean;
  partitionKey: string[];
  /** Tables created with INHERITS (this one) or given INHERIT this one: ALTER TABLE, TRUNCATE and LOCK TABLE reach them too. */
  inheritors: Set<Table>;
  /** The tables this one inherits from. */
  inheritsFrom: Set<Table>;
  /** Triggers, policies and rules the script created on the table ("trigger:name", ...). */
  objects: Set<string>;
  /** Views and materialized views: the column names their query mentions (null: `*`, or not known). */
  viewColumns: string[] | null;
  /** Views and materialized views: the relations their query reads. */
  readsFrom: Table[];
  dropped: boolean;
}

export interface Index {
  schema: string | null;
  name: string;
  table: Table | null;
  unique: boolean;
  columns: string[];
  createdIn: Origin | null;
  /** The constraint that owns it (primary key, unique, exclude), if any. */
  constraint: string | null;
}

export interface EnumType {
  schema: string | null;
  name: string;
  values: string[];
  createdIn: Origin | null;
}

/** `public.t` and `t` are the same table for a script that does not change search_path. */
export function relationKey(schema: string | null, name: string): string {
  return schema && schema !== "public" ? `${schema}.${name}` : name;
}

export interface SchemaSnapshot {
  tables: Map<string, Table>;
  indexes: Map<string, Index>;
  enums: Map<string, EnumType>;
  checkedDomains: Set<string>;
  statistics: Map<string, Table>;
}

export class Schema {
  private tables = new Map<string, Table>();
  private indexes = new Map<string, Index>();
  private enums = new Map<string, EnumType>();
  /** Domains with a CHECK constraint (by relationKey): a column of one added to a table is checked row by row. */
  private checkedDomains = new Set<string>();
  /** Extended statistics (by relationKey) and the table each is on. */
  private statistics = new Map<string, Table>();

  /** A copy of everything, for a transaction that may be rolled back (one structured clone keeps the cross-references). */
  snapshot(): SchemaSnapshot {
    return structuredClone({ tables: this.tables, indexes: this.indexes, enums: this.enums, checkedDomains: this.checkedDomains, statistics: this.statistics });
  }

  restore(snapshot: SchemaSnapshot): void {
    ({ tables: this.tables, indexes: this.indexes, enums: this.enums, checkedDomains: this.checkedDomains, statistics: this.statistics } = snapshot);
  }

  addStatistics(ref: Pick<RelationName, "schema" | "name">, table: Table): void {
    this.statistics.set(relationKey(ref.schema, ref.name), table);
  }

  /** The table extended statistics are on (as the script created them), removed with `drop`. */
  statisticsTable(ref: Pick<RelationName, "schema" | "name">, drop = false): Table | undefined {
    const key = relationKey(ref.schema, ref.name);
    const table = this.statistics.get(key);
    if (drop) this.statistics.delete(key);
    return table;
  }

  addCheckedDomain(ref: Pick<RelationName, "schema" | "name">): void {
    this.checkedDomains.add(relationKey(ref.schema, ref.name));
  }

  /** Whether the type is a domain with a CHECK constraint (as the script declared it). */
  isCheckedDomain(ref: Pick<RelationName, "schema" | "name">): boolean {
    return this.checkedDomains.has(relationKey(ref.schema, ref.name));
  }

  table(ref: Pick<RelationName, "schema" | "name">): Table | undefined {
    return this.tables.get(relationKey(ref.schema, ref.name));
  }

  /** The table, or a placeholder for one that existed before the script (not declared by it). */
  tableOrAssumed(ref: Pick<RelationName, "schema" | "name">): Table {
    const existing = this.table(ref);
    if (existing) return existing;
    const table = newTable(ref.schema, ref.name, "table", null, false);
    this.tables.set(relationKey(ref.schema, ref.name), table);
    return table;
  }

  addTable(ref: Pick<RelationName, "schema" | "name">, kind: RelationKind, createdIn: Origin): Table {
    const table = newTable(ref.schema, ref.name, kind, createdIn, true);
    const previous = this.table(ref);
    if (previous) this.dropTable(previous);
    this.tables.set(relationKey(ref.schema, ref.name), table);
    return table;
  }

  dropTable(table: Table): void {
    table.dropped = true;
    this.tables.delete(relationKey(table.schema, table.name));
    for (const index of table.indexes) this.indexes.delete(relationKey(index.schema, index.name));
    for (const constraint of table.constraints.values()) constraint.references?.referencedBy.delete(table);
    for (const referencing of table.referencedBy) {
      for (const [name, c] of referencing.constraints) if (c.references === table) referencing.constraints.delete(name);
    }
    table.partitionOf?.partitions.delete(table);
    for (const parent of table.inheritsFrom) parent.inheritors.delete(table);
    for (const child of table.inheritors) child.inheritsFrom.delete(table);
  }

  /** RENAME TO (a new name) and SET SCHEMA (a new schema). */
  relocateTable(table: Table, to: { schema?: string; name?: string }): void {
    this.tables.delete(relationKey(table.schema, table.name));
    if (to.schema !== undefined) table.schema = to.schema;
    if (to.name !== undefined) table.name = to.name;
    this.tables.set(relationKey(table.schema, table.name), table);
  }

  index(ref: Pick<RelationName, "schema" | "name">): Index | undefined {
    return this.indexes.get(relationKey(ref.schema, ref.name));
  }

  /** Adds the index; one of the same name is replaced, on its table too (a table's index list must not grow with every re-creation). */
  addIndex(index: Index): void {
    const key = relationKey(index.schema, index.name);
    const replaced = this.indexes.get(key);
    if (replaced) replaced.table?.indexes.delete(replaced);
    this.indexes.set(key, index);
    index.table?.indexes.add(index);
  }

  dropIndex(index: Index): void {
    this.indexes.delete(relationKey(index.schema, index.name));
    index.table?.indexes.delete(index);
  }

  renameIndex(index: Index, newName: string): void {
    this.indexes.delete(relationKey(index.schema, index.name));
    index.name = newName;
    this.indexes.set(relationKey(index.schema, index.name), index);
  }

  addConstraint(table: Table, constraint: Constraint): void {
    table.constraints.set(constraint.name, constraint);
    constraint.references?.referencedBy.add(table);
  }

  dropConstraint(table: Table, constraint: Constraint): void {
    table.constraints.delete(constraint.name);
    if (constraint.references && ![...table.constraints.values()].some((c) => c.references === constraint.references)) {
      constraint.references.referencedBy.delete(table);
    }
    for (const index of table.indexes) if (index.constraint === constraint.name) this.dropIndex(index);
  }

  /** Tables with a column of the named type (a domain, say); only domain changes ask, so a scan is fine. */
  /** The views and materialized views that read `table`, and those that read them (each once): DROP ... CASCADE drops them. */
  dependentViews(table: Table): Table[] {
    const found = new Set<Table>();
    const walk = (t: Table): void => {
      for (const view of this.tables.values())
        if (view.readsFrom.includes(t) && !found.has(view)) {
          found.add(view);
          walk(view);
        }
    };
    walk(table);
    return [...found];
  }

  /** The tables, views and materialized views of a schema (`public` for the unqualified). */
  /** The views DROP COLUMN ... CASCADE drops: those over `table` that use `column` (or `*`), and the views over them. */
  viewsUsingColumn(table: Table, column: string): Table[] {
    const direct = [...this.tables.values()].filter((v) => v.readsFrom.includes(table) && (v.viewColumns === null || v.viewColumns.includes(column)));
    return [...new Set(direct.flatMap((v) => [v, ...this.dependentViews(v)]))];
  }

  /** The tables with a column whose default draws from the sequence (by name). */
  tablesUsingSequence(name: string): Table[] {
    return [...this.tables.values()].filter((t) => [...t.columns.values()].some((c) => c.sequences?.includes(name)));
  }

  tablesInSchema(name: string): Table[] {
    return [...this.tables.values()].filter((t) => (t.schema ?? "public") === name);
  }

  tablesUsingType(type: Pick<RelationName, "schema" | "name">): Table[] {
    return [...this.tables.values()].filter((t) =>
      [...t.columns.values()].some((c) => c.type?.name === type.name && (type.schema === null || c.type.schema === type.schema)),
    );
  }

  enumType(schema: string | null, name: string): EnumType | undefined {
    return this.enums.get(relationKey(schema, name));
  }

  addEnum(type: EnumType): void {
    this.enums.set(relationKey(type.schema, type.name), type);
  }

  dropEnum(schema: string | null, name: string): void {
    this.enums.delete(relationKey(schema, name));
  }
}

function newTable(schema: string | null, name: string, kind: RelationKind, createdIn: Origin | null, declared: boolean): Table {
  return {
    schema,
    name,
    kind,
    declared,
    createdIn,
    unlogged: false,
    customStorage: false,
    columns: new Map(),
    constraints: new Map(),
    indexes: new Set(),
    referencedBy: new Set(),
    partitionOf: null,
    partitions: new Set(),
    isDefaultPartition: false,
    partitionKey: [],
    inheritors: new Set(),
    inheritsFrom: new Set(),
    objects: new Set(),
    viewColumns: null,
    readsFrom: [],
    dropped: false,
  };
}

/** An index whose leading columns are exactly these (in any order): what a foreign-key lookup can use. */
export function hasIndexLeadingWith(table: Table, columns: readonly string[]): boolean {
  // the columns in any order among the index's first ones; no copy per index (this runs for every foreign key)
  for (const index of table.indexes) {
    if (index.columns.length < columns.length) continue;
    if (columns.every((c) => isAmongFirst(index.columns, c, columns.length))) return true;
  }
  return false;
}

function isAmongFirst(columns: readonly string[], column: string, count: number): boolean {
  const at = columns.indexOf(column);
  return at >= 0 && at < count;
}

/** PostgreSQL's default constraint and index names (before its 63-byte truncation). */
export function defaultConstraintName(table: string, columns: string[], kind: ConstraintKind): string {
  switch (kind) {
    case "primary-key":
      return `${table}_pkey`;
    case "foreign-key":
      return `${table}_${columns.join("_")}_fkey`;
    case "unique":
      return `${table}_${columns.join("_")}_key`;
    case "exclude":
      return `${table}_${columns.join("_")}_excl`;
    case "not-null":
      return `${table}_${columns.join("_")}_not_null`;
    case "check":
      return `${table}_${columns.length ? columns.join("_") : ""}_check`.replace("__", "_");
  }
}

/** The columns of a table's primary key, empty when the script declared none. */
export function primaryKeyColumns(table: Table): string[] {
  for (const c of table.constraints.values()) if (c.kind === "primary-key") return c.columns;
  return [];
}

/**
 * The foreign keys one column of `table` takes part in, by the other table: the ones it holds
 * (`referenced`: the tables they point at) and, when the column is in the table's primary key, the
 * ones pointing at it (`referencing`). A foreign key is taken to reference the primary key: what
 * REFERENCES t without a column list means and what migration histories write; the referenced
 * columns themselves are not recorded (ConstraintSpec has no pk_attrs). A table's foreign keys to
 * itself are left out.
 */
export function foreignKeysOnColumn(table: Table, column: string): { referenced: Map<Table, Constraint[]>; referencing: Map<Table, Constraint[]> } {
  const referenced = new Map<Table, Constraint[]>();
  const referencing = new Map<Table, Constraint[]>();
  for (const c of table.constraints.values()) {
    if (c.kind !== "foreign-key" || !c.references || c.references === table || !c.columns.includes(column)) continue;
    referenced.set(c.references, [...(referenced.get(c.references) ?? []), c]);
  }
  const primaryKey = primaryKeyColumns(table);
  const refersTo = (c: Constraint) => (c.referencedColumns?.length ? c.referencedColumns : primaryKey).includes(column);
  for (const other of table.referencedBy) {
    if (other === table) continue;
    const keys = [...other.constraints.values()].filter((c) => c.kind === "foreign-key" && c.references === table && refersTo(c));
    if (keys.length) referencing.set(other, keys);
  }
  return { referenced, referencing };
}

/** A table's inheritance children, theirs, and so on (each once). */
export function allInheritors(table: Table): Table[] {
  const found = new Set<Table>();
  const walk = (t: Table): void => {
    for (const child of t.inheritors)
      if (!found.has(child)) {
        found.add(child);
        walk(child);
      }
  };
  walk(table);
  return [...found];
}
