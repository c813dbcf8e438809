import { asKind, nameList, walk, type Node } from "./ast.js";

/**
 * How often PostgreSQL evaluates a DEFAULT expression when a column is added. Since PostgreSQL 11
 * a non-volatile default is evaluated once and stored in the catalog (no rewrite); a volatile one
 * is evaluated per row, which rewrites the table. The lists below are pg_proc.provolatile of the
 * built-in functions (a test checks them against a real PostgreSQL) plus common extensions.
 */
export type Volatility = "immutable" | "stable" | "volatile" | "unknown";

const VOLATILE = new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "setval",
  "currval",
  "lastval",
  // extensions: uuid-ossp and pgcrypto
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
]);

const STABLE = new Set([
  "now",
  "transaction_timestamp",
  "statement_timestamp",
  "current_setting",
  "current_schema",
  "current_database",
  "to_timestamp",
  "timezone",
  "date_trunc",
  "to_char",
  "age",
  "txid_current",
  "pg_current_xact_id",
  // stable through some overload (type output functions depend on settings)
  "length",
  "concat",
  "to_jsonb",
  "to_json",
  "jsonb_build_object",
  "json_build_object",
  "jsonb_build_array",
  "json_build_array",
  "date_part",
  "extract",
]);

const IMMUTABLE = new Set(["lower", "upper", "abs", "round", "md5", "make_interval", "btrim", "trim", "replace", "substring", "array_fill"]);

export interface DefaultAnalysis {
  volatility: Volatility;
  /** Functions whose volatility locklint does not know (user-defined or unlisted). */
  unknownFunctions: string[];
  /** The volatile functions found. */
  volatileFunctions: string[];
  /** `DEFAULT NULL` behaves as no default. */
  isNull: boolean;
}

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };

export function analyzeDefault(expr: Node): DefaultAnalysis {
  const result: DefaultAnalysis = { volatility: "immutable", unknownFunctions: [], volatileFunctions: [], isNull: false };
  const constant = asKind(expr, "A_Const");
  if (constant?.isnull) result.isNull = true;
  const raise = (v: Volatility) => {
    if (RANK[v] > RANK[result.volatility]) result.volatility = v;
  };
  walk(expr, (kind, body) => {
    if (kind === "FuncCall") {
      const names = nameList(body.funcname);
      const name = (names[names.length - 1] ?? "").toLowerCase();
      const qualifiedElsewhere = names.length > 1 && names[0] !== "pg_catalog";
      if (!qualifiedElsewhere && VOLATILE.has(name)) {
        result.volatileFunctions.push(name);
        raise("volatile");
      } else if (!qualifiedElsewhere && STABLE.has(name)) raise("stable");
      else if (!qualifiedElsewhere && IMMUTABLE.has(name)) raise("immutable");
      else {
        result.unknownFunctions.push(names.join("."));
        raise("unknown");
      }
    } else if (kind === "SQLValueFunction") raise("stable");
    else if (kind === "SubLink") raise("unknown");
  });
  return result;
}

/** For tests: the classification of a function name, as the lists above give it. */
export function listedVolatility(name: string): Volatility {
  if (VOLATILE.has(name)) return "volatile";
  if (STABLE.has(name)) return "stable";
  if (IMMUTABLE.has(name)) return "immutable";
  return "unknown";
}

export const LISTED_FUNCTIONS = [...VOLATILE, ...STABLE, ...IMMUTABLE];
