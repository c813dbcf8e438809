import { lockModeFromLevel, type LockMode } from "./lock-mode-names.js";
import {
  asKind,
  columnType,
  constText,
  list,
  nameList,
  nodeKind,
  relationName,
  requiredRelation,
  required,
  requiredKind,
  requiredRelationFromNames,
  unhandledKind,
  walk,
  isStatement,
  type ColumnType,
  type Node,
  type NodeOf,
  type pg,
  type RelationName,
  type UnwrappedStatement,
} from "./ast.js";
import { analyzeDefault, type DefaultAnalysis } from "./volatility.js";

/**
 * Turns one parse tree into the schema operations it performs, in a form that neither effects
 * nor replay has to dig out of the tree again. Purely syntactic: no schema is consulted here.
 */

export interface ConstraintSpec {
  kind: "check" | "foreign-key" | "unique" | "primary-key" | "exclude" | "not-null";
  name: string | null;
  columns: string[];
  notValid: boolean;
  /** ADD CONSTRAINT ... USING INDEX name */
  usingIndex: string | null;
  references: RelationName | null;
  /** Foreign keys: the referenced columns as written; [] when the key names none (the referenced table's primary key). */
  referencedColumns: string[];
  /** CHECK (col IS NOT NULL) or NOT NULL col: the column proven non-null. */
  provesNotNull: string | null;
  /** ON DELETE action of a foreign key: a = no action, r = restrict, c = cascade, n = set null, d = set default. */
  onDelete: string;
  /** CHECK ... NO INHERIT: the inheritance children are not checked. */
  noInherit?: boolean;
  /** Byte offset in the statement, for pointing at it. */
  location: number;
}

/**
 * What a statement on another object locks: the sequence of ALTER SEQUENCE ... RENAME / OWNER TO and
 * DROP SEQUENCE, the table of CREATE STATISTICS, the table of ALTER POLICY / RULE ... RENAME.
 */
export type SideLock =
  /** `cascade`: DROP SEQUENCE ... CASCADE, which drops the column defaults that draw from it. */
  | { kind: "sequence-ddl"; sequence: RelationName; cascade?: boolean }
  | { kind: "create-statistics"; table: RelationName; statistics: RelationName | null }
  /** DROP STATISTICS: its table, when the script created it, is locked. */
  | { kind: "drop-statistics"; statistics: RelationName }
  | { kind: "rename-table-object"; table: RelationName }
  /** ALTER DOMAIN ... SET NOT NULL: every column of the domain is checked. */
  | { kind: "domain-not-null"; domain: RelationName }
  /** CREATE SEQUENCE ... OWNED BY table.column: the table is looked up. */
  | { kind: "owned-by"; table: RelationName };

export interface ColumnSpec {
  name: string;
  type: ColumnType | null;
  notNull: boolean;
  default: DefaultAnalysis | null;
  generated: "stored" | "virtual" | null;
  identity: boolean;
  serial: boolean;
  constraints: ConstraintSpec[];
  location: number;
  /** The sequences its default draws from (nextval('name')): DROP SEQUENCE ... CASCADE drops the default. */
  sequences?: string[];
}

export type Operation =
  | {
      op: "create-table";
      table: RelationName;
      kind: "table" | "partitioned table";
      temporary: boolean;
      unlogged: boolean;
      columns: ColumnSpec[];
      constraints: ConstraintSpec[];
      partitionOf: RelationName | null;
      defaultPartition: boolean;
      inherits: RelationName[];
      likes: RelationName[];
      partitionKey: string[];
      /** IF NOT EXISTS: PostgreSQL does nothing (and locks nothing) when the table exists. */
      ifNotExists: boolean;
      /** TABLESPACE or USING (access method) named. */
      storageNamed?: boolean;
    }
  /** `noData`: CREATE MATERIALIZED VIEW ... WITH NO DATA reads nothing. */
  /** `columns`: the column names its query mentions (null with a `*`): DROP COLUMN ... CASCADE drops the views that use the column. */
  | { op: "create-view"; view: RelationName; materialized: boolean; reads: RelationName[]; orReplace: boolean; noData?: boolean; columns?: string[] | null }
  /** `noData`: WITH NO DATA reads nothing. */
  | { op: "create-table-as"; table: RelationName; reads: RelationName[]; noData?: boolean }
  | { op: "drop-relation"; relation: RelationName; kind: "table" | "view" | "materialized view"; cascade: boolean }
  | { op: "drop-index"; index: RelationName; concurrent: boolean }
  /** `ifNotExists`: ADD COLUMN IF NOT EXISTS (still ACCESS EXCLUSIVE, nothing added when the column exists). */
  | { op: "add-column"; table: RelationName; column: ColumnSpec; ifNotExists: boolean }
  | { op: "drop-column"; table: RelationName; column: string; cascade?: boolean }
  /** `collation`: the COLLATE clause, when there is one (indexes on the column are then rebuilt). */
  | { op: "alter-column-type"; table: RelationName; column: string; type: ColumnType | null; using: boolean; location: number; collation: string | null }
  | { op: "set-not-null"; table: RelationName; column: string }
  | { op: "drop-not-null"; table: RelationName; column: string }
  | { op: "set-default"; table: RelationName; column: string; default: DefaultAnalysis }
  | { op: "drop-default"; table: RelationName; column: string }
  | { op: "add-constraint"; table: RelationName; constraint: ConstraintSpec }
  | { op: "validate-constraint"; table: RelationName; name: string }
  | { op: "drop-constraint"; table: RelationName; name: string; cascade: boolean }
  | { op: "rename-table"; table: RelationName; newName: string }
  | { op: "rename-column"; table: RelationName; column: string; newName: string }
  | { op: "rename-index"; index: RelationName; newName: string }
  | { op: "rename-constraint"; table: RelationName; name: string; newName: string }
  | { op: "set-schema"; relation: RelationName; newSchema: string }
  | {
      op: "create-index";
      table: RelationName;
      index: RelationName | null;
      unique: boolean;
      concurrent: boolean;
      columns: string[];
      /** ON ONLY a partitioned table: an invalid index on the parent alone, no partition touched. */
      only: boolean;
      /** IF NOT EXISTS: when the index exists, the table is still locked but nothing is built. */
      ifNotExists: boolean;
    }
  /** `schema`: REINDEX SCHEMA's schema. */
  | { op: "reindex"; target: "index" | "table" | "schema" | "database" | "system"; relation: RelationName | null; concurrent: boolean; schema?: string }
  | { op: "create-enum"; type: RelationName; values: string[] }
  /** `position`: where the value goes; "end" without BEFORE/AFTER. */
  | { op: "add-enum-value"; type: RelationName; value: string; position: "end" | "before" | "after" }
  | { op: "rename-enum-value"; type: RelationName; from: string; to: string }
  /** `cascade`: the columns of the type go too (their tables are locked). */
  | { op: "drop-type"; type: RelationName; cascade?: boolean; ifExists?: boolean }
  /** `only`: TRUNCATE ONLY, the inheritance children are left as they are. */
  | { op: "truncate"; table: RelationName; cascade: boolean; only: boolean }
  /** `where`: the columns its WHERE clause reads, null without a WHERE. */
  /** `joined`: UPDATE ... FROM / DELETE ... USING: the join reads the target in full (measured on PostgreSQL 15.18). */
  | { op: "update"; table: RelationName; columns: string[]; where: string[] | null; reads: RelationName[]; joined?: boolean }
  | { op: "delete"; table: RelationName; where: string[] | null; reads: RelationName[]; joined?: boolean }
  | { op: "insert"; table: RelationName; reads: RelationName[] }
  /** `where`: the columns its WHERE clause reads (null without one): a lookup by an index reads no table in full. */
  | { op: "select"; reads: RelationName[]; locking: boolean; where?: string[] | null }
  | { op: "vacuum"; table: RelationName | null; full: boolean; analyzeOnly: boolean }
  | { op: "cluster"; table: RelationName | null }
  /** `withData` false: WITH NO DATA empties the view without reading its tables. */
  | { op: "refresh-materialized-view"; view: RelationName; concurrent: boolean; withData: boolean }
  | { op: "attach-partition"; table: RelationName; partition: RelationName; defaultPartition: boolean }
  | { op: "detach-partition"; table: RelationName; partition: RelationName; concurrent: boolean; finalize: boolean }
  /** `only`: LOCK TABLE ONLY, the partitions and children are not locked. */
  | { op: "lock-table"; table: RelationName; mode: LockMode; only: boolean }
  /** CREATE / ALTER / DROP of a policy or rule on a table (ACCESS EXCLUSIVE on it). */
  /** `name`: the policy or rule; `ifExists`: DROP ... IF EXISTS (nothing is locked when it is absent). */
  | { op: "table-object"; table: RelationName; object: "policy" | "rule"; action: "create" | "alter" | "drop"; name?: string; ifExists?: boolean }
  /** ALTER INDEX parent ATTACH PARTITION child: a partition's index joins a partitioned index. */
  | { op: "attach-index"; index: RelationName; partitionIndex: RelationName }
  | { op: "create-trigger"; table: RelationName; replace: boolean; name?: string }
  | { op: "drop-trigger"; table: RelationName; name?: string; ifExists?: boolean }
  | { op: "enable-disable-trigger"; table: RelationName }
  /**
   * `tableOf`: the table of a constraint, trigger or policy commented on (ACCESS SHARE on it);
   * `type`: the type or domain commented on (an object lock).
   */
  | { op: "comment"; relation: RelationName | null; on: string; tableOf?: RelationName; type?: RelationName }
  | { op: "grant"; relation: RelationName }
  | { op: "set"; name: string; value: string | null; local: boolean }
  | { op: "transaction"; kind: "begin" | "commit" | "rollback" | "savepoint" | "other"; chain: boolean }
  | { op: "drop-schema"; schema: string; cascade: boolean }
  | { op: "rename-schema"; schema: string; newName: string }
  | { op: "drop-database"; name: string }
  /** CREATE DOMAIN with CHECK constraints, ALTER DOMAIN ... ADD CONSTRAINT / VALIDATE CONSTRAINT. */
  | { op: "domain-constraint"; domain: RelationName; action: "create" | "add" | "validate"; notValid: boolean }
  /** An ALTER TABLE form with a fixed lock level and no further analysis (OWNER TO, SET STATISTICS, ...). */
  | {
      op: "alter-table-other";
      table: RelationName;
      form: AlterTableForm;
      what: string;
      options: string[];
      column: string | null;
      /** INHERIT / NO INHERIT: the parent (locked too). */
      parent?: RelationName;
      /** ALTER INDEX: `table` names an index. */
      onIndex?: boolean;
      /** SET TABLESPACE / SET ACCESS METHOD: the name set. */
      target?: string;
    }
  /** A statement that takes no lock on an existing table (CREATE FUNCTION, CREATE EXTENSION, ...). */
  /**
   * DDL on an object that is not a table (the rules read `what`), with the relation it still locks
   * when it locks one: see `SideLock`.
   */
  | { op: "no-table-lock"; what: string; locks?: SideLock }
  /** ALTER SEQUENCE; with OWNED BY table.column, the table (PostgreSQL looks it up under ACCESS SHARE); OWNED BY NONE names none. */
  | { op: "alter-sequence"; sequence: RelationName; ownedBy: RelationName | null }
  /**
   * A statement whose locks locklint does not model (DO blocks, unknown ALTER forms); with `failure`,
   * one it should have read but could not (the error), which is reported rather than passed over.
   */
  | { op: "unknown"; what: string; failure?: string };

export type OperationKind = Operation["op"];

/** The ALTER TABLE forms without an operation of their own; locks/facts.ts says what each one locks. */
export const ALTER_TABLE_FORMS = [
  "ADD CONSTRAINT",
  "SET LOGGED",
  "SET UNLOGGED",
  "SET TABLESPACE",
  "SET ACCESS METHOD",
  "ALTER COLUMN SET EXPRESSION",
  "ALTER COLUMN SET STATISTICS",
  "ALTER COLUMN SET/RESET (attribute options)",
  "ALTER COLUMN SET STORAGE",
  "CLUSTER ON",
  "SET WITHOUT CLUSTER",
  "ALTER CONSTRAINT",
  "OWNER TO",
  "ALTER COLUMN ADD GENERATED AS IDENTITY",
  "ALTER COLUMN SET (identity options)",
  "ALTER COLUMN DROP IDENTITY",
  "ALTER COLUMN DROP EXPRESSION",
  "ALTER COLUMN SET COMPRESSION",
  "REPLICA IDENTITY",
  "ROW LEVEL SECURITY",
  "ENABLE/DISABLE RULE",
  "SET (storage parameters)",
  "RESET (storage parameters)",
  "INHERIT",
  "NO INHERIT",
  "ALTER INDEX",
  "ALTER TRIGGER RENAME",
  "other",
] as const;
export type AlterTableForm = (typeof ALTER_TABLE_FORMS)[number];

/**
 * The operations of one statement's tree. `base` is the byte offset of the statement in the text
 * the tree was parsed from (several statements are parsed at once): locations are made relative
 * to the statement.
 */
export function operationsOf(ast: Node, base = 0): Operation[] {
  const operations = readOperations(ast);
  if (base > 0) rebaseLocations(operations, base);
  return operations;
}

function rebaseLocations(value: unknown, base: number): void {
  if (Array.isArray(value)) for (const item of value) rebaseLocations(item, base);
  else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const v = record[key];
      if (key === "location" && typeof v === "number") record[key] = v >= base ? v - base : v;
      else if (typeof v === "object") rebaseLocations(v, base);
    }
  }
}

function readOperations(ast: Node): Operation[] {
  const node = nodeKind(ast);
  // only a statement node stands at the top of a statement's tree
  if (!isStatement(node)) return [{ op: "unknown", what: describeKind(node[0]) }];
  return [...modifyingCtes(node), ...statementOperations(node)];
}

/** WITH gone AS (DELETE ... RETURNING *) ...: the INSERT, UPDATE and DELETE of a statement's WITH clause are operations of their own. */
function modifyingCtes(node: UnwrappedStatement): Operation[] {
  const [kind, stmt] = node;
  if (kind !== "InsertStmt" && kind !== "UpdateStmt" && kind !== "DeleteStmt" && kind !== "SelectStmt") return [];
  return list(stmt.withClause?.ctes).flatMap((cte) => {
    const query = asKind(cte, "CommonTableExpr")?.ctequery;
    if (!query) return [];
    const inner = nodeKind(query);
    return isStatement(inner) && (inner[0] === "InsertStmt" || inner[0] === "UpdateStmt" || inner[0] === "DeleteStmt") ? readOperations(query) : [];
  });
}

/** Every statement kind of the grammar is handled here or listed as no-table-lock or unknown. */
function statementOperations(node: UnwrappedStatement): Operation[] {
  const [kind, stmt] = node;
  switch (kind) {
    case "CreateStmt":
      return [createTable(stmt)];
    case "ViewStmt": {
      return [
        {
          op: "create-view",
          view: requiredRelation(stmt.view),
          materialized: false,
          reads: readRelations(stmt.query),
          orReplace: Boolean(stmt.replace),
          columns: mentionedColumns(stmt.query),
        },
      ];
    }
    case "CreateTableAsStmt": {
      const target = requiredRelation(stmt.into?.rel);
      const reads = readRelations(stmt.query);
      return stmt.objtype === "OBJECT_MATVIEW"
        ? [
            {
              op: "create-view",
              view: target,
              materialized: true,
              reads,
              orReplace: false,
              columns: mentionedColumns(stmt.query),
              ...(stmt.into?.skipData ? { noData: true } : {}),
            },
          ]
        : [{ op: "create-table-as", table: target, reads, ...(stmt.into?.skipData ? { noData: true } : {}) }];
    }
    case "DropStmt":
      return dropStatement(stmt);
    case "AlterTableStmt":
      return alterTable(stmt);
    case "RenameStmt":
      return renameStatement(stmt);
    case "AlterObjectSchemaStmt": {
      const relation = relationName(stmt.relation);
      return relation ? [{ op: "set-schema", relation, newSchema: stmt.newschema ?? "" }] : [{ op: "no-table-lock", what: "ALTER ... SET SCHEMA" }];
    }
    case "IndexStmt": {
      const table = requiredRelation(stmt.relation);
      const index = stmt.idxname ? { schema: table.schema, name: stmt.idxname, written: stmt.idxname } : null;
      const columns = list(stmt.indexParams).flatMap((p) => {
        const e = asKind(p, "IndexElem");
        return e?.name ? [e.name] : [];
      });
      // the parser leaves out `inh` when it is false (ON ONLY)
      const only = stmt.relation?.inh !== true;
      return [
        {
          op: "create-index",
          table,
          index,
          unique: Boolean(stmt.unique),
          concurrent: Boolean(stmt.concurrent),
          columns,
          only,
          ifNotExists: Boolean(stmt.if_not_exists),
        },
      ];
    }
    case "ReindexStmt":
      return [reindex(stmt)];
    case "CreateEnumStmt": {
      return [{ op: "create-enum", type: requiredRelationFromNames(nameList(stmt.typeName)), values: nameList(stmt.vals) }];
    }
    case "AlterEnumStmt": {
      const type = requiredRelationFromNames(nameList(stmt.typeName));
      if (stmt.oldVal !== undefined) return [{ op: "rename-enum-value", type, from: stmt.oldVal, to: stmt.newVal ?? "" }];
      const position = stmt.newValNeighbor === undefined ? "end" : stmt.newValIsAfter === true ? "after" : "before";
      return [{ op: "add-enum-value", type, value: stmt.newVal ?? "", position }];
    }
    case "TruncateStmt":
      return list(stmt.relations).map((r) => {
        const rangeVar = asKind(r, "RangeVar");
        return { op: "truncate", table: requiredRelation(rangeVar), cascade: stmt.behavior === "DROP_CASCADE", only: rangeVar?.inh !== true };
      });
    case "UpdateStmt": {
      const table = requiredRelation(stmt.relation);
      const columns = list(stmt.targetList).flatMap((t) => {
        const r = asKind(t, "ResTarget");
        return r?.name ? [r.name] : [];
      });
      const reads = readRelations([stmt.fromClause, stmt.whereClause, stmt.targetList, stmt.withClause]);
      const joined = list(stmt.fromClause).length > 0;
      return [{ op: "update", table, columns, where: whereColumns(stmt.whereClause), reads, ...(joined ? { joined } : {}) }];
    }
    case "DeleteStmt": {
      const table = requiredRelation(stmt.relation);
      const reads = readRelations([stmt.usingClause, stmt.whereClause, stmt.withClause]);
      const joined = list(stmt.usingClause).length > 0;
      return [{ op: "delete", table, where: whereColumns(stmt.whereClause), reads, ...(joined ? { joined } : {}) }];
    }
    case "InsertStmt": {
      return [{ op: "insert", table: requiredRelation(stmt.relation), reads: readRelations([stmt.selectStmt, stmt.withClause]) }];
    }
    case "CreateStatsStmt":
      return list(stmt.relations).flatMap((r) => {
        const table = relationName(asKind(r, "RangeVar"));
        const names = nameList(stmt.defnames);
        const statistics = names.length ? requiredRelationFromNames(names) : null;
        return table ? [{ op: "no-table-lock" as const, what: "CREATE STATS", locks: { kind: "create-statistics" as const, table, statistics } }] : [];
      });
    case "SelectStmt":
      return [{ op: "select", reads: readRelations(stmt), locking: list(stmt.lockingClause).length > 0, where: whereColumns(stmt.whereClause) }];
    case "VacuumStmt":
      return vacuum(stmt);
    case "ClusterStmt":
      return [{ op: "cluster", table: relationName(stmt.relation) ?? null }];
    case "RefreshMatViewStmt": {
      return [{ op: "refresh-materialized-view", view: requiredRelation(stmt.relation), concurrent: Boolean(stmt.concurrent), withData: !stmt.skipData }];
    }
    case "LockStmt": {
      const mode = lockModeFromLevel(stmt.mode ?? 8);
      return list(stmt.relations).map((r) => {
        const rangeVar = asKind(r, "RangeVar");
        return { op: "lock-table", table: requiredRelation(rangeVar), mode, only: rangeVar?.inh !== true };
      });
    }
    case "CreateTrigStmt": {
      return [
        { op: "create-trigger", table: requiredRelation(stmt.relation), replace: Boolean(stmt.replace), ...(stmt.trigname ? { name: stmt.trigname } : {}) },
      ];
    }
    case "CommentStmt":
      return [comment(stmt)];
    case "GrantStmt":
      if (stmt.targtype === "ACL_TARGET_OBJECT" && (stmt.objtype === "OBJECT_TABLE" || stmt.objtype === undefined)) {
        return list(stmt.objects).map((o) => ({ op: "grant", relation: requiredRelation(asKind(o, "RangeVar")) }));
      }
      return [{ op: "no-table-lock", what: "GRANT" }];
    case "VariableSetStmt":
      return [variableSet(stmt)];
    case "TransactionStmt":
      return [transaction(stmt)];
    case "DoStmt":
      return [{ op: "unknown", what: "DO block (its statements are not analysed)" }];
    case "CreateSeqStmt": {
      const owner = ownedByTable(stmt.options);
      return [{ op: "no-table-lock", what: "CREATE SEQUENCE", ...(owner ? { locks: { kind: "owned-by" as const, table: owner } } : {}) }];
    }
    case "AlterSeqStmt":
      return [alterSequence(stmt)];
    case "CreateFunctionStmt":
      return [{ op: "no-table-lock", what: stmt.is_procedure ? "CREATE PROCEDURE" : "CREATE FUNCTION" }];
    case "CreateExtensionStmt":
      return [{ op: "no-table-lock", what: "CREATE EXTENSION" }];
    case "AlterExtensionStmt":
      return [{ op: "no-table-lock", what: "ALTER EXTENSION" }];
    case "CreateSchemaStmt":
      return [{ op: "no-table-lock", what: "CREATE SCHEMA" }];
    case "CompositeTypeStmt":
      return [{ op: "no-table-lock", what: "CREATE TYPE ... AS (composite type)" }];
    case "CreateDomainStmt": {
      const domain = requiredRelationFromNames(nameList(stmt.domainname));
      const checks = list(stmt.constraints).some((c) => asKind(c, "Constraint")?.contype === "CONSTR_CHECK");
      return checks ? [{ op: "domain-constraint", domain, action: "create", notValid: false }] : [{ op: "no-table-lock", what: "CREATE DOMAIN" }];
    }
    case "AlterDomainStmt": {
      const domain = requiredRelationFromNames(nameList(stmt.typeName));
      // subtype C: ADD CONSTRAINT, V: VALIDATE CONSTRAINT (src/include/nodes/parsenodes.h)
      if (stmt.subtype === "C") {
        const notValid = asKind(stmt.def, "Constraint")?.skip_validation === true;
        return [{ op: "domain-constraint", domain, action: "add", notValid }];
      }
      if (stmt.subtype === "V") return [{ op: "domain-constraint", domain, action: "validate", notValid: false }];
      // subtype O: SET NOT NULL
      if (stmt.subtype === "O") return [{ op: "no-table-lock", what: "ALTER DOMAIN", locks: { kind: "domain-not-null", domain } }];
      return [{ op: "no-table-lock", what: "ALTER DOMAIN" }];
    }
    case "CreatePolicyStmt":
      return [
        {
          op: "table-object",
          table: requiredRelation(stmt.table),
          object: "policy",
          action: "create",
          ...(stmt.policy_name ? { name: stmt.policy_name } : {}),
        },
      ];
    case "AlterPolicyStmt":
      return [{ op: "table-object", table: requiredRelation(stmt.table), object: "policy", action: "alter" }];
    case "RuleStmt":
      return [
        { op: "table-object", table: requiredRelation(stmt.relation), object: "rule", action: "create", ...(stmt.rulename ? { name: stmt.rulename } : {}) },
      ];
    case "DropdbStmt":
      return [{ op: "drop-database", name: stmt.dbname ?? "" }];
    case "CreateRangeStmt":
    case "DefineStmt":
    case "CreateRoleStmt":
    case "AlterRoleStmt":
    case "AlterRoleSetStmt":
    case "GrantRoleStmt":
    case "AlterDefaultPrivilegesStmt":
    case "AlterOwnerStmt":
    case "AlterFunctionStmt":
    case "CreateCastStmt":
    case "ExplainStmt":
    case "VariableShowStmt":
    case "DiscardStmt":
    case "CheckPointStmt":
    case "NotifyStmt":
    case "ListenStmt":
    case "CallStmt":
    case "CreateEventTrigStmt":
    case "AlterEventTrigStmt":
    case "CreateSubscriptionStmt":
    case "CreatePublicationStmt":
    case "AlterPublicationStmt":
    case "CreateFdwStmt":
    case "CreateForeignServerStmt":
    case "CreateUserMappingStmt":
    case "CreateTransformStmt":
    case "CreateOpClassStmt":
    case "CreateConversionStmt":
    case "CreatedbStmt":
    case "AlterDatabaseStmt":
    case "AlterDatabaseSetStmt":
    case "AlterSystemStmt":
    case "DeallocateStmt":
    case "PrepareStmt":
    case "ExecuteStmt":
    case "DeclareCursorStmt":
    case "ClosePortalStmt":
    case "FetchStmt":
    case "CopyStmt":
    case "ConstraintsSetStmt":
    case "ReassignOwnedStmt":
    case "DropOwnedStmt":
    case "DropRoleStmt":
    case "CreatePLangStmt":
    case "SecLabelStmt":
    case "LoadStmt":
      return [{ op: "no-table-lock", what: describeKind(kind) }];
    // not modelled: their locks are unknown to locklint
    case "AlterCollationStmt":
    case "AlterDatabaseRefreshCollStmt":
    case "AlterExtensionContentsStmt":
    case "AlterFdwStmt":
    case "AlterForeignServerStmt":
    case "AlterObjectDependsStmt":
    case "AlterOpFamilyStmt":
    case "AlterOperatorStmt":
    case "AlterStatsStmt":
    case "AlterSubscriptionStmt":
    case "AlterTSConfigurationStmt":
    case "AlterTSDictionaryStmt":
    case "AlterTableMoveAllStmt":
    case "AlterTableSpaceOptionsStmt":
    case "AlterTypeStmt":
    case "AlterUserMappingStmt":
    case "CreateAmStmt":
    case "CreateForeignTableStmt":
    case "CreateOpFamilyStmt":
    case "CreateTableSpaceStmt":
    case "DropSubscriptionStmt":
    case "DropTableSpaceStmt":
    case "DropUserMappingStmt":
    case "ImportForeignSchemaStmt":
    case "MergeStmt":
    case "UnlistenStmt":
      return [{ op: "unknown", what: describeKind(kind) }];
    default:
      return [{ op: "unknown", what: describeKind(unhandledKind(kind)) }];
  }
}

function describeKind(kind: string): string {
  return kind
    .replace(/Stmt$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
}

function createTable(stmt: NodeOf<"CreateStmt">): Operation {
  const table = requiredRelation(stmt.relation);
  const columns: ColumnSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  const likes: RelationName[] = [];
  for (const element of list(stmt.tableElts)) {
    const [kind, body] = nodeKind(element);
    if (kind === "ColumnDef") {
      const column = columnSpec(body);
      columns.push(column);
      for (const c of column.constraints) constraints.push(c); // no spread: one argument per element overflows on huge lists
    } else if (kind === "Constraint") {
      const c = constraintSpec(body);
      if (c) constraints.push(c);
    } else if (kind === "TableLikeClause") {
      likes.push(requiredRelation(body.relation));
    }
  }
  const parents = list(stmt.inhRelations).map((r) => requiredRelation(asKind(r, "RangeVar")));
  const isPartition = stmt.partbound !== undefined;
  const partitionKey = list(stmt.partspec?.partParams).flatMap((p) => {
    const e = asKind(p, "PartitionElem");
    return e?.name ? [e.name] : [];
  });
  return {
    op: "create-table",
    table,
    kind: stmt.partspec ? "partitioned table" : "table",
    temporary: stmt.relation?.relpersistence === "t",
    unlogged: stmt.relation?.relpersistence === "u",
    ...(stmt.tablespacename || stmt.accessMethod ? { storageNamed: true } : {}),
    columns,
    constraints,
    partitionOf: isPartition ? (parents[0] ?? null) : null,
    defaultPartition: Boolean(stmt.partbound?.is_default),
    inherits: isPartition ? [] : parents,
    likes,
    partitionKey,
    ifNotExists: Boolean(stmt.if_not_exists),
  };
}

const SERIAL_TYPES = new Set(["serial", "bigserial", "smallserial"]);

function columnSpec(def: NodeOf<"ColumnDef">): ColumnSpec {
  const type = columnType(def.typeName);
  const spec: ColumnSpec = {
    name: def.colname ?? "",
    type,
    notNull: false,
    default: null,
    generated: null,
    identity: false,
    serial: type !== null && type.schema === null && SERIAL_TYPES.has(type.name),
    constraints: [],
    location: def.location ?? 0,
  };
  for (const c of list(def.constraints)) {
    const body = asKind(c, "Constraint");
    if (!body) continue;
    const contype = required(body.contype, "a constraint type");
    switch (contype) {
      case "CONSTR_NOTNULL":
        spec.notNull = true;
        break;
      case "CONSTR_DEFAULT":
        spec.default = analyzeDefault(required(body.raw_expr, "a default expression"));
        if (spec.default.isNull) spec.default = null;
        spec.sequences = nextvalSequences(body.raw_expr);
        break;
      case "CONSTR_IDENTITY":
        spec.identity = true;
        break;
      case "CONSTR_GENERATED":
        spec.generated = body.generated_kind === "v" ? "virtual" : "stored";
        break;
      case "CONSTR_PRIMARY":
        spec.notNull = true;
        spec.constraints.push(columnConstraint(body, spec.name));
        break;
      case "CONSTR_CHECK":
      case "CONSTR_UNIQUE":
      case "CONSTR_FOREIGN":
      case "CONSTR_EXCLUSION":
        spec.constraints.push(columnConstraint(body, spec.name));
        break;
      // NULL, and the attributes of the constraint before (DEFERRABLE, ...): nothing the column keeps
      case "CONSTR_NULL":
      case "CONSTR_ATTR_DEFERRABLE":
      case "CONSTR_ATTR_NOT_DEFERRABLE":
      case "CONSTR_ATTR_DEFERRED":
      case "CONSTR_ATTR_IMMEDIATE":
      case "CONSTR_ATTR_ENFORCED":
      case "CONSTR_ATTR_NOT_ENFORCED":
        break;
      default:
        unhandledKind(contype);
    }
  }
  if (spec.serial || spec.identity) spec.notNull = true;
  return spec;
}

function columnConstraint(body: NodeOf<"Constraint">, column: string): ConstraintSpec {
  const spec = constraintSpec(body)!;
  if (spec.columns.length === 0) spec.columns = [column];
  return spec;
}

/** The constraints a table keeps under a name; the rest are column properties or attributes of another. */
const CONSTRAINT_KINDS: Record<pg.ConstrType, ConstraintSpec["kind"] | null> = {
  CONSTR_CHECK: "check",
  CONSTR_FOREIGN: "foreign-key",
  CONSTR_UNIQUE: "unique",
  CONSTR_PRIMARY: "primary-key",
  CONSTR_EXCLUSION: "exclude",
  CONSTR_NOTNULL: "not-null",
  CONSTR_NULL: null,
  CONSTR_DEFAULT: null,
  CONSTR_IDENTITY: null,
  CONSTR_GENERATED: null,
  CONSTR_ATTR_DEFERRABLE: null,
  CONSTR_ATTR_NOT_DEFERRABLE: null,
  CONSTR_ATTR_DEFERRED: null,
  CONSTR_ATTR_IMMEDIATE: null,
  CONSTR_ATTR_ENFORCED: null,
  CONSTR_ATTR_NOT_ENFORCED: null,
};

export function constraintSpec(body: NodeOf<"Constraint">): ConstraintSpec | null {
  const kind = CONSTRAINT_KINDS[required(body.contype, "a constraint type")];
  if (!kind) return null;
  let columns = nameList(kind === "foreign-key" ? body.fk_attrs : body.keys);
  if (kind === "exclude") {
    columns = list(body.exclusions).flatMap((pair) => {
      const elem = asKind(list(asKind(pair, "List")?.items)[0], "IndexElem");
      return elem?.name ? [elem.name] : [];
    });
  }
  let provesNotNull: string | null = kind === "not-null" ? (columns[0] ?? null) : null;
  if (kind === "check") {
    const test = asKind(body.raw_expr, "NullTest");
    const ref = test && test.nulltesttype === "IS_NOT_NULL" ? asKind(test.arg, "ColumnRef") : undefined;
    if (ref) {
      const fields = nameList(ref.fields);
      provesNotNull = fields[fields.length - 1] ?? null;
      columns = provesNotNull ? [provesNotNull] : [];
    } else {
      const referenced = new Set<string>();
      walk(body.raw_expr, (k, b) => {
        if (k === "ColumnRef") {
          const fields = nameList(b.fields);
          if (fields.length) referenced.add(fields[fields.length - 1]!);
        }
      });
      columns = [...referenced];
    }
  }
  return {
    kind,
    name: body.conname ? body.conname : null,
    columns,
    notValid: Boolean(body.skip_validation),
    usingIndex: body.indexname ? body.indexname : null,
    references: kind === "foreign-key" ? (relationName(body.pktable) ?? null) : null,
    referencedColumns: kind === "foreign-key" ? nameList(body.pk_attrs) : [],
    provesNotNull,
    onDelete: body.fk_del_action ?? "a",
    ...(body.is_no_inherit ? { noInherit: true } : {}),
    location: body.location ?? 0,
  };
}

/**
 * What DROP, ALTER ... RENAME and COMMENT ON read of each kind of object: the relation (or column,
 * index, ...) they act on, or "other": no lock on a table ("no-table-lock", COMMENT without a
 * relation). Every kind of the grammar is listed, so a new one must be placed to compile.
 * Known gaps kept as they are: RENAME of a POLICY or RULE, and DROP STATISTICS, do lock their
 * table in PostgreSQL.
 */
interface ObjectReading {
  drop: "table" | "view" | "materialized view" | "index" | "trigger" | "policy" | "rule" | "type" | "schema" | "other";
  rename: "table" | "column" | "index" | "constraint" | "trigger" | "schema" | "other";
  comment: "relation" | "column" | "other";
}

const NO_RELATION: ObjectReading = { drop: "other", rename: "other", comment: "other" };

const OBJECTS: Record<pg.ObjectType, ObjectReading> = {
  OBJECT_TABLE: { drop: "table", rename: "table", comment: "relation" },
  OBJECT_VIEW: { drop: "view", rename: "table", comment: "relation" },
  OBJECT_MATVIEW: { drop: "materialized view", rename: "table", comment: "relation" },
  OBJECT_FOREIGN_TABLE: { drop: "other", rename: "table", comment: "other" },
  OBJECT_INDEX: { drop: "index", rename: "index", comment: "relation" },
  OBJECT_COLUMN: { drop: "other", rename: "column", comment: "column" },
  OBJECT_TABCONSTRAINT: { drop: "other", rename: "constraint", comment: "other" },
  OBJECT_TRIGGER: { drop: "trigger", rename: "trigger", comment: "other" },
  OBJECT_TYPE: { drop: "type", rename: "other", comment: "other" },
  OBJECT_DOMAIN: { drop: "type", rename: "other", comment: "other" },
  OBJECT_SCHEMA: { drop: "schema", rename: "schema", comment: "other" },
  OBJECT_ACCESS_METHOD: NO_RELATION,
  OBJECT_AGGREGATE: NO_RELATION,
  OBJECT_AMOP: NO_RELATION,
  OBJECT_AMPROC: NO_RELATION,
  OBJECT_ATTRIBUTE: NO_RELATION,
  OBJECT_CAST: NO_RELATION,
  OBJECT_COLLATION: NO_RELATION,
  OBJECT_CONVERSION: NO_RELATION,
  OBJECT_DATABASE: NO_RELATION,
  OBJECT_DEFAULT: NO_RELATION,
  OBJECT_DEFACL: NO_RELATION,
  OBJECT_DOMCONSTRAINT: NO_RELATION,
  OBJECT_EVENT_TRIGGER: NO_RELATION,
  OBJECT_EXTENSION: NO_RELATION,
  OBJECT_FDW: NO_RELATION,
  OBJECT_FOREIGN_SERVER: NO_RELATION,
  OBJECT_FUNCTION: NO_RELATION,
  OBJECT_LANGUAGE: NO_RELATION,
  OBJECT_LARGEOBJECT: NO_RELATION,
  OBJECT_OPCLASS: NO_RELATION,
  OBJECT_OPERATOR: NO_RELATION,
  OBJECT_OPFAMILY: NO_RELATION,
  OBJECT_PARAMETER_ACL: NO_RELATION,
  OBJECT_POLICY: { drop: "policy", rename: "other", comment: "other" },
  OBJECT_PROCEDURE: NO_RELATION,
  OBJECT_PUBLICATION: NO_RELATION,
  OBJECT_PUBLICATION_NAMESPACE: NO_RELATION,
  OBJECT_PUBLICATION_REL: NO_RELATION,
  OBJECT_ROLE: NO_RELATION,
  OBJECT_ROUTINE: NO_RELATION,
  OBJECT_RULE: { drop: "rule", rename: "other", comment: "other" },
  OBJECT_SEQUENCE: NO_RELATION,
  OBJECT_SUBSCRIPTION: NO_RELATION,
  OBJECT_STATISTIC_EXT: NO_RELATION,
  OBJECT_TABLESPACE: NO_RELATION,
  OBJECT_TRANSFORM: NO_RELATION,
  OBJECT_TSCONFIGURATION: NO_RELATION,
  OBJECT_TSDICTIONARY: NO_RELATION,
  OBJECT_TSPARSER: NO_RELATION,
  OBJECT_TSTEMPLATE: NO_RELATION,
  OBJECT_USER_MAPPING: NO_RELATION,
};

/** The object kind as SQL names it in messages: OBJECT_FOREIGN_TABLE to FOREIGN_TABLE. */
function objectName(type: pg.ObjectType): string {
  return type.replace(/^OBJECT_/, "");
}

function dropStatement(stmt: NodeOf<"DropStmt">): Operation[] {
  const objects = list(stmt.objects).map((o) => nameList(asKind(o, "List")?.items ?? [o]));
  const cascade = stmt.behavior === "DROP_CASCADE";
  const type = required(stmt.removeType, "the kind of object dropped");
  const dropped = OBJECTS[type].drop;
  // IF EXISTS: the sequence may be absent (then nothing is locked); the schema does not track sequences
  if (type === "OBJECT_SEQUENCE" && !stmt.missing_ok)
    return objects.map((names) => ({
      op: "no-table-lock",
      what: "DROP SEQUENCE",
      locks: { kind: "sequence-ddl", sequence: requiredRelationFromNames(names), ...(cascade ? { cascade } : {}) },
    }));
  if (type === "OBJECT_STATISTIC_EXT")
    return objects.map((names) => ({
      op: "no-table-lock",
      what: "DROP STATISTICS",
      locks: { kind: "drop-statistics", statistics: requiredRelationFromNames(names) },
    }));
  switch (dropped) {
    case "table":
    case "view":
    case "materialized view":
      return objects.map((names) => ({ op: "drop-relation", relation: requiredRelationFromNames(names), kind: dropped, cascade }));
    case "index":
      return objects.map((names) => ({ op: "drop-index", index: requiredRelationFromNames(names), concurrent: Boolean(stmt.concurrent) }));
    case "trigger":
      // DROP TRIGGER name ON table: [schema?, table, name]
      return objects.map((names) => ({
        op: "drop-trigger",
        table: requiredRelationFromNames(names.slice(0, -1)),
        name: names[names.length - 1] ?? "",
        ...(stmt.missing_ok ? { ifExists: true } : {}),
      }));
    case "policy":
    case "rule":
      // DROP POLICY / RULE name ON table: [schema?, table, name]
      return objects.map((names) => ({
        op: "table-object",
        table: requiredRelationFromNames(names.slice(0, -1)),
        object: dropped,
        action: "drop",
        name: names[names.length - 1] ?? "",
        ...(stmt.missing_ok ? { ifExists: true } : {}),
      }));
    case "type":
      return list(stmt.objects).map((o) => ({
        op: "drop-type",
        type: requiredRelationFromNames(nameList(requiredKind(o, "TypeName").names)),
        ...(cascade ? { cascade } : {}),
        ...(stmt.missing_ok ? { ifExists: true } : {}),
      }));
    case "schema":
      return list(stmt.objects).map((o) => ({ op: "drop-schema", schema: requiredKind(o, "String").sval ?? "", cascade }));
    case "other":
      return [{ op: "no-table-lock", what: `DROP ${objectName(type)}` }];
  }
}

function alterSequence(stmt: NodeOf<"AlterSeqStmt">): Operation {
  return { op: "alter-sequence", sequence: requiredRelation(stmt.sequence), ownedBy: ownedByTable(stmt.options) };
}

/** The table of a sequence's OWNED BY [schema.]table.column option (null for NONE or none). */
function ownedByTable(options: pg.Node[] | undefined): RelationName | null {
  const ownedBy = list(options)
    .map((o) => asKind(o, "DefElem"))
    .find((d) => d?.defname === "owned_by");
  const names = list(asKind(ownedBy?.arg, "List")?.items).map((n) => asKind(n, "String")?.sval ?? "");
  return names.length >= 2 ? requiredRelationFromNames(names.slice(0, -1)) : null;
}

function alterTable(stmt: NodeOf<"AlterTableStmt">): Operation[] {
  const table = requiredRelation(stmt.relation);
  if (stmt.objtype === "OBJECT_INDEX") return list(stmt.cmds).map((c) => alterIndexCommand(table, requiredKind(c, "AlterTableCmd")));
  if (stmt.objtype === "OBJECT_SEQUENCE") return [{ op: "no-table-lock", what: "ALTER SEQUENCE", locks: { kind: "sequence-ddl", sequence: table } }];
  if (stmt.objtype === "OBJECT_TYPE") {
    return [{ op: "no-table-lock", what: "ALTER TYPE" }];
  }
  return list(stmt.cmds).flatMap((c) => alterTableCommand(table, requiredKind(c, "AlterTableCmd")));
}

/** ALTER INDEX: ATTACH PARTITION, SET/RESET of storage parameters (their own lock level), or another form (ACCESS EXCLUSIVE). */
function alterIndexCommand(index: RelationName, cmd: NodeOf<"AlterTableCmd">): Operation {
  if (cmd.subtype === "AT_AttachPartition") {
    return { op: "attach-index", index, partitionIndex: requiredRelation(requiredKind(cmd.def, "PartitionCmd").name) };
  }
  if (cmd.subtype === "AT_SetRelOptions" || cmd.subtype === "AT_ResetRelOptions") {
    const [operation] = alterTableCommand(index, cmd);
    if (operation?.op === "alter-table-other") return { ...operation, what: `ALTER INDEX ${operation.what}`, onIndex: true };
  }
  if (cmd.subtype === "AT_SetStatistics")
    return {
      op: "alter-table-other",
      table: index,
      form: "ALTER COLUMN SET STATISTICS",
      what: "ALTER INDEX ... SET STATISTICS",
      options: [],
      column: null,
      onIndex: true,
    };
  return { op: "alter-table-other", table: index, form: "ALTER INDEX", what: "ALTER INDEX", options: [], column: null, onIndex: true };
}

function alterTableCommand(table: RelationName, cmd: NodeOf<"AlterTableCmd">): Operation[] {
  const column = cmd.name ?? "";
  const other = (form: AlterTableForm, what: string = form, options: string[] = [], named: string | null = null): Operation[] => [
    { op: "alter-table-other", table, form, what, options, column: named },
  ];
  const subtype = required(cmd.subtype, "an ALTER TABLE form");
  if (isExecutionForm(subtype)) return other("other", subtype.replace(/^AT_/, ""));
  switch (subtype) {
    case "AT_AddColumn":
    case "AT_AddColumnToView":
      return [{ op: "add-column", table, column: columnSpec(requiredKind(cmd.def, "ColumnDef")), ifNotExists: Boolean(cmd.missing_ok) }];
    case "AT_DropColumn":
      return [{ op: "drop-column", table, column, ...(cmd.behavior === "DROP_CASCADE" ? { cascade: true } : {}) }];
    case "AT_AlterColumnType": {
      const def = requiredKind(cmd.def, "ColumnDef");
      const collation = def.collClause ? nameList(def.collClause.collname).join(".") : null;
      return [
        {
          op: "alter-column-type",
          table,
          column,
          type: columnType(def.typeName),
          using: def.raw_default !== undefined,
          location: def.location ?? 0,
          collation,
        },
      ];
    }
    case "AT_SetNotNull":
      return [{ op: "set-not-null", table, column }];
    case "AT_DropNotNull":
      return [{ op: "drop-not-null", table, column }];
    case "AT_ColumnDefault":
      return cmd.def === undefined ? [{ op: "drop-default", table, column }] : [{ op: "set-default", table, column, default: analyzeDefault(cmd.def) }];
    case "AT_AddConstraint": {
      const constraint = constraintSpec(requiredKind(cmd.def, "Constraint"));
      return constraint ? [{ op: "add-constraint", table, constraint }] : other("ADD CONSTRAINT");
    }
    case "AT_ValidateConstraint":
      return [{ op: "validate-constraint", table, name: column }];
    case "AT_DropConstraint":
      return [{ op: "drop-constraint", table, name: column, cascade: cmd.behavior === "DROP_CASCADE" }];
    case "AT_AttachPartition": {
      const part = requiredKind(cmd.def, "PartitionCmd");
      return [{ op: "attach-partition", table, partition: requiredRelation(part.name), defaultPartition: Boolean(part.bound?.is_default) }];
    }
    case "AT_DetachPartition":
    case "AT_DetachPartitionFinalize": {
      const part = requiredKind(cmd.def, "PartitionCmd");
      const finalize = subtype === "AT_DetachPartitionFinalize";
      return [{ op: "detach-partition", table, partition: requiredRelation(part.name), concurrent: Boolean(part.concurrent), finalize }];
    }
    case "AT_EnableTrig":
    case "AT_EnableAlwaysTrig":
    case "AT_EnableReplicaTrig":
    case "AT_DisableTrig":
    case "AT_EnableTrigAll":
    case "AT_DisableTrigAll":
    case "AT_EnableTrigUser":
    case "AT_DisableTrigUser":
      return [{ op: "enable-disable-trigger", table }];
    case "AT_SetLogged":
      return other("SET LOGGED");
    case "AT_SetUnLogged":
      return other("SET UNLOGGED");
    case "AT_SetTableSpace":
    case "AT_SetAccessMethod": {
      const [operation] = other(subtype === "AT_SetTableSpace" ? "SET TABLESPACE" : "SET ACCESS METHOD");
      return operation?.op === "alter-table-other" && cmd.name ? [{ ...operation, target: cmd.name }] : operation ? [operation] : [];
    }
    case "AT_SetExpression":
      return other("ALTER COLUMN SET EXPRESSION", "ALTER COLUMN SET EXPRESSION", [], column);
    case "AT_SetRelOptions":
    case "AT_ResetRelOptions": {
      const names = list(cmd.def).map((d) => {
        const e = asKind(d, "DefElem");
        return `${e?.defnamespace ? `${e.defnamespace}.` : ""}${e?.defname ?? ""}`;
      });
      const form = subtype === "AT_SetRelOptions" ? "SET (storage parameters)" : "RESET (storage parameters)";
      return other(form, form, names);
    }
    case "AT_SetStatistics":
      return other("ALTER COLUMN SET STATISTICS");
    case "AT_SetOptions":
    case "AT_ResetOptions":
      return other("ALTER COLUMN SET/RESET (attribute options)");
    case "AT_SetStorage":
      return other("ALTER COLUMN SET STORAGE");
    case "AT_ClusterOn":
      return other("CLUSTER ON");
    case "AT_DropCluster":
      return other("SET WITHOUT CLUSTER");
    case "AT_AlterConstraint":
      return other("ALTER CONSTRAINT");
    case "AT_ChangeOwner":
      return other("OWNER TO");
    case "AT_AddIdentity":
      return other("ALTER COLUMN ADD GENERATED AS IDENTITY");
    case "AT_SetIdentity":
      return other("ALTER COLUMN SET (identity options)");
    case "AT_DropIdentity":
      return other("ALTER COLUMN DROP IDENTITY");
    case "AT_DropExpression":
      return other("ALTER COLUMN DROP EXPRESSION");
    case "AT_SetCompression":
      return other("ALTER COLUMN SET COMPRESSION");
    case "AT_ReplicaIdentity":
      return other("REPLICA IDENTITY");
    case "AT_EnableRowSecurity":
    case "AT_DisableRowSecurity":
    case "AT_ForceRowSecurity":
    case "AT_NoForceRowSecurity":
      return other("ROW LEVEL SECURITY");
    case "AT_EnableRule":
    case "AT_EnableAlwaysRule":
    case "AT_EnableReplicaRule":
    case "AT_DisableRule":
      return other("ENABLE/DISABLE RULE");
    case "AT_AddInherit":
    case "AT_DropInherit":
      return [
        {
          op: "alter-table-other",
          table,
          form: subtype === "AT_AddInherit" ? "INHERIT" : "NO INHERIT",
          what: subtype === "AT_AddInherit" ? "INHERIT" : "NO INHERIT",
          options: [],
          column: null,
          parent: requiredRelation(asKind(cmd.def, "RangeVar")),
        },
      ];
    // forms with nothing to analyse: PostgreSQL's conservative default for ALTER TABLE (locks/facts.ts)
    case "AT_AddOf":
    case "AT_DropOf":
    case "AT_GenericOptions":
    case "AT_AlterColumnGenericOptions":
      return other("other", subtype.replace(/^AT_/, ""));
    default:
      return other("other", unhandledKind(subtype).replace(/^AT_/, ""));
  }
}

/** ALTER TABLE forms PostgreSQL makes while it executes another, never parsed from SQL. */
const EXECUTION_FORMS = [
  "AT_AddIndex",
  "AT_AddIndexConstraint",
  "AT_CookedColumnDefault",
  "AT_DropOids",
  "AT_ReAddComment",
  "AT_ReAddConstraint",
  "AT_ReAddDomainConstraint",
  "AT_ReAddIndex",
  "AT_ReAddStatistics",
  "AT_ReplaceRelOptions",
] as const satisfies readonly pg.AlterTableType[];

function isExecutionForm(subtype: pg.AlterTableType): subtype is (typeof EXECUTION_FORMS)[number] {
  return (EXECUTION_FORMS as readonly string[]).includes(subtype);
}

function renameStatement(stmt: NodeOf<"RenameStmt">): Operation[] {
  const relation = () => requiredRelation(stmt.relation);
  const newName = stmt.newname ?? "";
  const type = required(stmt.renameType, "the kind of object renamed");
  if (type === "OBJECT_SEQUENCE") return [{ op: "no-table-lock", what: "RENAME SEQUENCE", locks: { kind: "sequence-ddl", sequence: relation() } }];
  // ALTER POLICY / RULE name ON table RENAME TO: the table is locked as for CREATE / DROP of the object
  if (type === "OBJECT_POLICY" || type === "OBJECT_RULE")
    return [{ op: "no-table-lock", what: `RENAME ${objectName(type)}`, locks: { kind: "rename-table-object", table: relation() } }];
  switch (OBJECTS[type].rename) {
    case "table":
      return [{ op: "rename-table", table: relation(), newName }];
    case "column":
      return [{ op: "rename-column", table: relation(), column: stmt.subname ?? "", newName }];
    case "index":
      return [{ op: "rename-index", index: relation(), newName }];
    case "constraint":
      return [{ op: "rename-constraint", table: relation(), name: stmt.subname ?? "", newName }];
    case "trigger":
      return [{ op: "alter-table-other", table: relation(), form: "ALTER TRIGGER RENAME", what: "ALTER TRIGGER RENAME", options: [], column: null }];
    case "schema":
      return [{ op: "rename-schema", schema: stmt.subname ?? "", newName }];
    case "other":
      return [{ op: "no-table-lock", what: `RENAME ${objectName(type)}` }];
  }
}

const REINDEX_TARGETS: Record<pg.ReindexObjectType, "index" | "table" | "schema" | "database" | "system"> = {
  REINDEX_OBJECT_INDEX: "index",
  REINDEX_OBJECT_TABLE: "table",
  REINDEX_OBJECT_SCHEMA: "schema",
  REINDEX_OBJECT_DATABASE: "database",
  REINDEX_OBJECT_SYSTEM: "system",
};

function reindex(stmt: NodeOf<"ReindexStmt">): Operation {
  const concurrent = list(stmt.params).some((p) => asKind(p, "DefElem")?.defname === "concurrently");
  const target = stmt.kind ? REINDEX_TARGETS[stmt.kind] : "table";
  return {
    op: "reindex",
    target,
    relation: relationName(stmt.relation) ?? null,
    concurrent,
    ...(target === "schema" && stmt.name ? { schema: stmt.name } : {}),
  };
}

function vacuum(stmt: NodeOf<"VacuumStmt">): Operation[] {
  const options = list(stmt.options).map((o) => asKind(o, "DefElem")?.defname ?? "");
  const full = options.includes("full");
  const analyzeOnly = !stmt.is_vacuumcmd;
  const tables = list(stmt.rels).map((r) => relationName(asKind(r, "VacuumRelation")?.relation) ?? null);
  if (tables.length === 0) return [{ op: "vacuum", table: null, full, analyzeOnly }];
  return tables.map((table) => ({ op: "vacuum" as const, table, full, analyzeOnly }));
}

function comment(stmt: NodeOf<"CommentStmt">): Operation {
  const names = nameList(asKind(stmt.object, "List")?.items ?? []);
  const type = required(stmt.objtype, "the kind of object commented");
  const on = objectName(type);
  switch (OBJECTS[type].comment) {
    case "relation":
      return { op: "comment", relation: requiredRelationFromNames(names), on };
    case "column":
      return { op: "comment", relation: requiredRelationFromNames(names.slice(0, -1)), on };
    case "other":
      // COMMENT ON CONSTRAINT / TRIGGER / POLICY name ON table: [schema?, table, name]
      if ((type === "OBJECT_TABCONSTRAINT" || type === "OBJECT_TRIGGER" || type === "OBJECT_POLICY") && names.length >= 2)
        return { op: "comment", relation: null, on, tableOf: requiredRelationFromNames(names.slice(0, -1)) };
      if (type === "OBJECT_TYPE" || type === "OBJECT_DOMAIN") {
        const typeNames = nameList(asKind(stmt.object, "TypeName")?.names ?? []);
        if (typeNames.length) return { op: "comment", relation: null, on, type: requiredRelationFromNames(typeNames) };
      }
      return { op: "comment", relation: null, on };
  }
}

function variableSet(stmt: NodeOf<"VariableSetStmt">): Operation {
  const name = (stmt.name ?? "").toLowerCase();
  const local = Boolean(stmt.is_local);
  if (stmt.kind === "VAR_SET_VALUE") {
    const value = list(stmt.args)
      .map((a) => constText(a) ?? "")
      .join(", ");
    return { op: "set", name, value, local };
  }
  return { op: "set", name: stmt.kind === "VAR_RESET_ALL" ? "all" : name, value: null, local };
}

const TRANSACTION_KINDS: Record<pg.TransactionStmtKind, Extract<Operation, { op: "transaction" }>["kind"]> = {
  TRANS_STMT_BEGIN: "begin",
  TRANS_STMT_START: "begin",
  TRANS_STMT_COMMIT: "commit",
  TRANS_STMT_ROLLBACK: "rollback",
  TRANS_STMT_PREPARE: "commit",
  TRANS_STMT_SAVEPOINT: "savepoint",
  TRANS_STMT_RELEASE: "savepoint",
  TRANS_STMT_ROLLBACK_TO: "savepoint",
  TRANS_STMT_COMMIT_PREPARED: "other",
  TRANS_STMT_ROLLBACK_PREPARED: "other",
};

function transaction(stmt: NodeOf<"TransactionStmt">): Operation {
  return { op: "transaction", kind: stmt.kind ? TRANSACTION_KINDS[stmt.kind] : "other", chain: Boolean(stmt.chain) };
}

/** The column names a WHERE clause reads (the last part of each reference), or null without one. */
function whereColumns(where: unknown): string[] | null {
  if (where === undefined) return null;
  const columns = new Set<string>();
  walk(where, (kind, body) => {
    if (kind !== "ColumnRef") return;
    const name = asKind(list(body.fields).at(-1), "String")?.sval;
    if (typeof name === "string") columns.add(name);
  });
  return [...columns];
}

/**
 * Relations a query reads: every RangeVar inside it, minus the names of its own CTEs.
 * Accepts a node or a list of nodes (parts of a statement).
 */
/** The sequence names of the nextval('name') calls in an expression (the last part of a qualified name). */
function nextvalSequences(expr: unknown): string[] {
  const found: string[] = [];
  walk(expr, (kind, body) => {
    if (kind !== "FuncCall") return;
    const name = nameList(body.funcname);
    if (name[name.length - 1] !== "nextval") return;
    walk(list(body.args)[0], (k, b) => {
      const text = k === "String" ? b.sval : k === "A_Const" ? (b.sval as { sval?: unknown } | undefined)?.sval : undefined;
      if (typeof text === "string") found.push(text.split(".").pop()!.replace(/"/g, ""));
    });
  });
  return found;
}

/** The column names a query mentions (the last part of each reference), or null when it selects `*`. */
function mentionedColumns(node: unknown): string[] | null {
  const found = new Set<string>();
  let star = false;
  walk(node, (kind, body) => {
    if (kind !== "ColumnRef") return;
    const fields = list(body.fields);
    if (fields.some((f) => asKind(f, "A_Star"))) star = true;
    const last = asKind(fields[fields.length - 1], "String")?.sval;
    if (last) found.add(last);
  });
  return star ? null : [...found];
}

export function readRelations(node: unknown): RelationName[] {
  const ctes = new Set<string>();
  const found: RelationName[] = [];
  walk(node, (kind, body) => {
    if (kind === "CommonTableExpr" && body.ctename) ctes.add(body.ctename);
    else if (kind === "RangeVar") {
      const rel = relationName(body);
      if (rel) found.push(rel);
    }
  });
  const seen = new Set<string>();
  return found.filter((r) => {
    if (r.schema === null && ctes.has(r.name)) return false;
    if (seen.has(r.written)) return false;
    seen.add(r.written);
    return true;
  });
}
