import { formatType, type ColumnType } from "../sql/ast.js";

/** Column types as advice writes them: in SQL, and as SQLAlchemy types for alembic snippets. */

const SQL_NAMES: Record<string, string> = {
  int2: "smallint",
  int4: "integer",
  int8: "bigint",
  float4: "real",
  float8: "double precision",
  bool: "boolean",
  bpchar: "char",
};

/** A type in SQL, standard names for the canonical ones (int8 is printed bigint). */
export function sqlType(type: ColumnType): string {
  return formatType({ ...type, name: SQL_NAMES[type.name] ?? type.name });
}

/** The SQLAlchemy type for an alembic snippet, or null when there is no plain one (the snippet then runs the SQL). */
export function saType(type: ColumnType): string | null {
  const base = saBaseType(type);
  if (!base) return null;
  return type.array ? `postgresql.ARRAY(${base})` : base;
}

function saBaseType(type: ColumnType): string | null {
  if (type.schema) return null;
  const [p, s] = type.mods;
  switch (type.name) {
    case "int2":
      return "sa.SmallInteger()";
    case "int4":
      return "sa.Integer()";
    case "int8":
      return "sa.BigInteger()";
    case "text":
      return "sa.Text()";
    case "varchar":
      return p === undefined ? "sa.String()" : `sa.String(length=${p})`;
    case "bpchar":
      return p === undefined ? "sa.CHAR()" : `sa.CHAR(length=${p})`;
    case "bool":
      return "sa.Boolean()";
    case "numeric":
      return p === undefined ? "sa.Numeric()" : s === undefined ? `sa.Numeric(precision=${p})` : `sa.Numeric(precision=${p}, scale=${s})`;
    case "float8":
      return "sa.Float(precision=53)";
    case "float4":
      return "sa.REAL()";
    case "date":
      return "sa.Date()";
    case "timestamp":
      return "sa.DateTime()";
    case "timestamptz":
      return "sa.DateTime(timezone=True)";
    case "time":
      return "sa.Time()";
    case "interval":
      return "sa.Interval()";
    case "bytea":
      return "sa.LargeBinary()";
    case "uuid":
      return "sa.Uuid()";
    case "json":
      return "sa.JSON()";
    case "jsonb":
      return "postgresql.JSONB()";
    case "inet":
      return "postgresql.INET()";
    case "cidr":
      return "postgresql.CIDR()";
    default:
      return null;
  }
}
