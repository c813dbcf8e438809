import type { ColumnSpec, ConstraintSpec, Operation } from "../sql/operations.js";
import { allInheritors, defaultConstraintName, foreignKeysOnColumn, type Column, type Constraint, type Schema, type Table, type Origin } from "./schema.js";
import type { RelationName } from "../sql/ast.js";

/**
 * Schema replay: applies one operation to the catalog, so that the next statement sees what
 * exists, with which types, constraints and indexes, and in which deploy unit it was created.
 */
export function applyOperation(schema: Schema, operation: Operation, origin: Origin): void {
  switch (operation.op) {
    case "create-table": {
      if (operation.temporary) return;
      // IF NOT EXISTS on a table that exists: PostgreSQL only notices it
      if (operation.ifNotExists && schema.table(operation.table)) return;
      const table = schema.addTable(operation.table, operation.kind, origin);
      table.unlogged = operation.unlogged;
      table.customStorage = Boolean(operation.storageNamed);
      table.partitionKey = operation.partitionKey;
      for (const column of operation.columns) table.columns.set(column.name, columnOf(column));
      for (const like of operation.likes) {
        for (const column of schema.table(like)?.columns.values() ?? []) table.columns.set(column.name, { ...column });
      }
      for (const spec of operation.constraints) addConstraint(schema, table, spec, origin);
      if (operation.partitionOf) {
        const parent = schema.tableOrAssumed(operation.partitionOf);
        table.partitionOf = parent;
        table.isDefaultPartition = operation.defaultPartition;
        parent.partitions.add(table);
      }
      for (const ref of operation.inherits) inherit(schema.tableOrAssumed(ref), table);
      return;
    }
    case "create-view": {
      const view = schema.addTable(operation.view, operation.materialized ? "materialized view" : "view", origin);
      view.viewColumns = operation.columns ?? null;
      view.readsFrom = operation.reads.flatMap((r) => {
        const t = schema.table(r);
        return t ? [t] : [];
      });
      return;
    }
    case "create-table-as":
      schema.addTable(operation.table, "table", origin);
      return;
    case "drop-relation": {
      const table = schema.table(operation.relation);
      if (table) {
        for (const partition of table.partitions) schema.dropTable(partition);
        if (operation.cascade) for (const dependent of [...allInheritors(table), ...schema.dependentViews(table)]) schema.dropTable(dependent);
        schema.dropTable(table);
      }
      return;
    }
    case "drop-index": {
      const index = schema.index(operation.index);
      if (index) schema.dropIndex(index);
      return;
    }
    case "add-column": {
      const table = schema.tableOrAssumed(operation.table);
      if (operation.ifNotExists && table.columns.has(operation.column.name)) return;
      table.columns.set(operation.column.name, columnOf(operation.column));
      for (const spec of operation.column.constraints) addConstraint(schema, table, spec, origin);
      return;
    }
    case "drop-column": {
      const table = schema.table(operation.table);
      if (!table) return;
      if (operation.cascade) for (const view of schema.viewsUsingColumn(table, operation.column)) schema.dropTable(view);
      // a referenced key can only be dropped with CASCADE, which drops the foreign keys to it
      for (const [other, keys] of foreignKeysOnColumn(table, operation.column).referencing) for (const c of keys) schema.dropConstraint(other, c);
      table.columns.delete(operation.column);
      for (const c of [...table.constraints.values()]) if (c.columns.includes(operation.column)) schema.dropConstraint(table, c);
      for (const index of [...table.indexes]) if (index.columns.includes(operation.column)) schema.dropIndex(index);
      return;
    }
    case "alter-column-type":
      column(schema, operation.table, operation.column).type = operation.type;
      return;
    case "set-not-null":
      column(schema, operation.table, operation.column).notNull = true;
      return;
    case "drop-not-null":
      column(schema, operation.table, operation.column).notNull = false;
      return;
    case "set-default":
      column(schema, operation.table, operation.column).hasDefault = true;
      return;
    case "drop-default":
      column(schema, operation.table, operation.column).hasDefault = false;
      return;
    case "add-constraint":
      addConstraint(schema, schema.tableOrAssumed(operation.table), operation.constraint, origin);
      return;
    case "validate-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      if (table && constraint) {
        constraint.validated = true;
        if (constraint.kind === "not-null" && constraint.provesNotNull) setNotNull(table, constraint.provesNotNull, true);
      }
      return;
    }
    case "drop-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      if (table && constraint) {
        schema.dropConstraint(table, constraint);
        // Dropping a NOT NULL constraint makes its column nullable; a dropped primary key leaves NOT NULL in place.
        if (constraint.kind === "not-null") for (const col of constraint.columns) setNotNull(table, col, false);
      }
      return;
    }
    case "rename-table": {
      const table = schema.table(operation.table);
      if (table) schema.relocateTable(table, { name: operation.newName });
      return;
    }
    case "rename-column": {
      const table = schema.table(operation.table);
      const col = table?.columns.get(operation.column);
      if (!table) return;
      if (col) {
        table.columns.delete(operation.column);
        col.name = operation.newName;
        table.columns.set(operation.newName, col);
      }
      const rename = (cols: string[]) => cols.map((c) => (c === operation.column ? operation.newName : c));
      for (const c of table.constraints.values()) {
        c.columns = rename(c.columns);
        if (c.provesNotNull === operation.column) c.provesNotNull = operation.newName;
      }
      for (const index of table.indexes) index.columns = rename(index.columns);
      return;
    }
    case "rename-index": {
      const index = schema.index(operation.index);
      if (index) {
        const owner = index.table?.constraints.get(index.name);
        schema.renameIndex(index, operation.newName);
        if (owner && index.table) {
          index.table.constraints.delete(owner.name);
          owner.name = operation.newName;
          index.table.constraints.set(owner.name, owner);
          index.constraint = owner.name;
        }
      }
      return;
    }
    case "rename-constraint": {
      const table = schema.table(operation.table);
      const constraint = table?.constraints.get(operation.name);
      if (table && constraint) {
        table.constraints.delete(operation.name);
        constraint.name = operation.newName;
        table.constraints.set(operation.newName, constraint);
        for (const index of table.indexes) {
          if (index.constraint === operation.name) {
            index.constraint = operation.newName;
            schema.renameIndex(index, operation.newName);
          }
        }
      }
      return;
    }
    case "set-schema": {
      const table = schema.table(operation.relation);
      if (table) schema.relocateTable(table, { schema: operation.newSchema });
      return;
    }
    case "create-index": {
      if (operation.ifNotExists && operation.index && schema.index(operation.index)) return;
      const table = schema.tableOrAssumed(operation.table);
      const name = operation.index?.name ?? `${table.name}_${operation.columns.join("_") || "expr"}_idx`;
      schema.addIndex({
        schema: operation.table.schema,
        name,
        table,
        unique: operation.unique,
        columns: operation.columns,
        createdIn: origin,
        constraint: null,
      });
      return;
    }
    case "create-enum":
      schema.addEnum({ schema: operation.type.schema, name: operation.type.name, values: [...operation.values], createdIn: origin });
      return;
    case "add-enum-value": {
      const type = schema.enumType(operation.type.schema, operation.type.name);
      if (type && !type.values.includes(operation.value)) type.values.push(operation.value);
      return;
    }
    case "rename-enum-value": {
      const type = schema.enumType(operation.type.schema, operation.type.name);
      if (type) type.values = type.values.map((v) => (v === operation.from ? operation.to : v));
      return;
    }
    case "drop-type":
      schema.dropEnum(operation.type.schema, operation.type.name);
      return;
    case "attach-partition": {
      const parent = schema.tableOrAssumed(operation.table);
      const partition = schema.tableOrAssumed(operation.partition);
      partition.partitionOf = parent;
      partition.isDefaultPartition = operation.defaultPartition;
      parent.partitions.add(partition);
      return;
    }
    case "detach-partition": {
      const partition = schema.table(operation.partition);
      if (partition) {
        partition.partitionOf?.partitions.delete(partition);
        partition.partitionOf = null;
      }
      return;
    }
    case "alter-table-other": {
      const table = schema.table(operation.table);
      if (table && operation.form === "SET LOGGED") table.unlogged = false;
      if (table && operation.form === "SET UNLOGGED") table.unlogged = true;
      if (table && (operation.form === "SET TABLESPACE" || operation.form === "SET ACCESS METHOD") && !isDefaultStorage(operation.form, operation.target))
        table.customStorage = true;
      if (operation.parent && (operation.form === "INHERIT" || operation.form === "NO INHERIT")) {
        const parent = schema.tableOrAssumed(operation.parent);
        const child = schema.tableOrAssumed(operation.table);
        if (operation.form === "INHERIT") inherit(parent, child);
        else {
          parent.inheritors.delete(child);
          child.inheritsFrom.delete(parent);
        }
      }
      return;
    }
    // no change to the schema
    case "select":
    case "insert":
    case "update":
    case "delete":
    case "truncate":
    case "lock-table":
    case "vacuum":
    case "cluster":
    case "reindex":
    case "refresh-materialized-view":
    case "comment":
    case "grant":
    case "set":
    case "transaction":
    case "enable-disable-trigger":
    case "alter-sequence":
    case "attach-index":
    case "unknown":
      return;
    // changes to what the schema model does not hold (triggers, domains, schemas, databases)
    case "drop-schema":
      if (operation.cascade) for (const table of schema.tablesInSchema(operation.schema)) schema.dropTable(table);
      return;
    case "create-trigger":
      if (operation.name) schema.tableOrAssumed(operation.table).objects.add(`trigger:${operation.name}`);
      return;
    case "drop-trigger":
      if (operation.name) schema.table(operation.table)?.objects.delete(`trigger:${operation.name}`);
      return;
    case "table-object":
      if (operation.name && operation.action === "create") schema.tableOrAssumed(operation.table).objects.add(`${operation.object}:${operation.name}`);
      if (operation.name && operation.action === "drop") schema.table(operation.table)?.objects.delete(`${operation.object}:${operation.name}`);
      return;
    case "no-table-lock":
      if (operation.locks?.kind === "create-statistics" && operation.locks.statistics)
        schema.addStatistics(operation.locks.statistics, schema.tableOrAssumed(operation.locks.table));
      if (operation.locks?.kind === "drop-statistics") schema.statisticsTable(operation.locks.statistics, true);
      return;
    case "domain-constraint":
      if (operation.action === "create" || operation.action === "add") schema.addCheckedDomain(operation.domain);
      return;
    case "rename-schema":
    case "drop-database":
      return;
    default: {
      const unhandled: never = operation;
      throw new Error(`schema replay has no case for the operation ${JSON.stringify(unhandled)}`);
    }
  }
}

const SERIAL_TYPES: Record<string, string> = { serial: "int4", bigserial: "int8", smallserial: "int2" };

function columnOf(spec: ColumnSpec): Column {
  return {
    name: spec.name,
    // serial is int4 with a default (bigserial int8, smallserial int2): what a later type change compares with
    type: spec.serial && spec.type ? { ...spec.type, name: SERIAL_TYPES[spec.type.name] ?? spec.type.name } : spec.type,
    notNull: spec.notNull,
    hasDefault: spec.default !== null || spec.serial || spec.identity || spec.generated !== null,
    generated: spec.generated,
    ...(spec.sequences?.length ? { sequences: spec.sequences } : {}),
  };
}

/** The column, created as unknown on a table the script did not declare. */
function column(schema: Schema, ref: RelationName, name: string): Column {
  const table = schema.tableOrAssumed(ref);
  let col = table.columns.get(name);
  if (!col) {
    col = { name, type: null, notNull: false, hasDefault: false, generated: null };
    table.columns.set(name, col);
  }
  return col;
}

function setNotNull(table: Table, name: string, notNull: boolean): void {
  const col = table.columns.get(name);
  if (col) col.notNull = notNull;
  // a column of a table from before the script, first seen here: what is known of it is that it is NOT NULL now
  else if (!table.declared && notNull) table.columns.set(name, { name, type: null, notNull, hasDefault: false, generated: null });
}

function addConstraint(schema: Schema, table: Table, spec: ConstraintSpec, origin: Origin): void {
  const name = spec.name ?? defaultConstraintName(table.name, spec.columns, spec.kind);
  const constraint: Constraint = {
    name,
    kind: spec.kind,
    validated: !spec.notValid,
    columns: spec.columns,
    onDelete: spec.onDelete,
  };
  if (spec.provesNotNull) constraint.provesNotNull = spec.provesNotNull;
  if (spec.references) {
    constraint.references = schema.tableOrAssumed(spec.references);
    constraint.referencedColumns = spec.referencedColumns;
  }
  schema.addConstraint(table, constraint);
  if (spec.kind === "primary-key" || (spec.kind === "not-null" && !spec.notValid)) {
    for (const col of spec.columns) setNotNull(table, col, true);
  }
  if (spec.kind === "primary-key" || spec.kind === "unique" || spec.kind === "exclude") {
    const existing = spec.usingIndex ? schema.index({ schema: table.schema, name: spec.usingIndex }) : undefined;
    if (existing) {
      schema.renameIndex(existing, name);
      existing.constraint = name;
      existing.unique = true;
      if (constraint.columns.length === 0) constraint.columns = existing.columns;
      if (spec.kind === "primary-key") for (const col of existing.columns) setNotNull(table, col, true);
    } else {
      schema.addIndex({ schema: table.schema, name, table, unique: spec.kind !== "exclude", columns: spec.columns, createdIn: origin, constraint: name });
    }
  }
}

/** SET TABLESPACE pg_default and SET ACCESS METHOD heap: where a table is unless the script said otherwise. */
export function isDefaultStorage(form: string, target: string | undefined): boolean {
  return (form === "SET TABLESPACE" && target === "pg_default") || (form === "SET ACCESS METHOD" && target === "heap");
}

function inherit(parent: Table, child: Table): void {
  parent.inheritors.add(child);
  child.inheritsFrom.add(parent);
}
