import { formatType, type ColumnType } from "../sql/ast.js";

/**
 * Whether ALTER COLUMN ... TYPE rewrites the table. PostgreSQL skips the rewrite when the old
 * type is binary-coercible to the new one and no value can fail the new type's limits
 * (ATColumnChangeRequiresRewrite); the cases below are those, each checked in the tests
 * against a real PostgreSQL.
 */
export interface TypeChangeVerdict {
  rewrite: boolean;
  /** False when the old type is not known from the script: the verdict is then an assumption. */
  certain: boolean;
  reason: string;
  /** The rows stay, but the column's indexes are rebuilt: a new operator class (varchar -> citext). */
  rebuildsIndexes?: boolean;
}

export interface TypeChangeContext {
  /** The PostgreSQL version converts timestamp <-> timestamptz in place under UTC (12 on: locks/versions.ts decides). */
  utcConversionInPlace: boolean;
  /** The session's TimeZone is a fixed zero offset (UTC). */
  utcSession: boolean;
}

export function typeChangeVerdict(from: ColumnType | null, to: ColumnType | null, using: boolean, ctx: TypeChangeContext): TypeChangeVerdict {
  if (!to) return { rewrite: true, certain: false, reason: "the new type is not understood" };
  if (using) return { rewrite: true, certain: true, reason: `a USING expression converts every row to ${formatType(to)}` };
  if (!from) {
    return {
      rewrite: true,
      certain: false,
      reason: `the column's current type is not known from this script; changing it to ${formatType(to)} rewrites the table unless the old type is binary-compatible`,
    };
  }
  const change = `${formatType(from)} to ${formatType(to)}`;
  const noRewrite = (why: string): TypeChangeVerdict => ({ rewrite: false, certain: true, reason: `${change}: ${why}` });
  const rewrite = (why: string): TypeChangeVerdict => ({ rewrite: true, certain: true, reason: `${change}: ${why}` });
  if (from.array !== to.array) return rewrite("array and scalar types are not binary-compatible");
  const sameSchema = from.schema === to.schema;
  if (sameSchema && from.name === to.name && sameMods(from.mods, to.mods)) return noRewrite("same type, nothing to do");
  if (from.array) return rewrite("array element conversion rewrites the table");
  if (!sameSchema) return rewrite("a different type rewrites the table");
  const [a, b] = [from.name, to.name];
  const stringLike = (t: string) => t === "varchar" || t === "text";
  if (stringLike(a) && stringLike(b)) {
    if (b === "text" || to.mods.length === 0) return noRewrite("binary-compatible, the new type has no length limit");
    if (a === "varchar" && from.mods.length > 0 && to.mods[0]! >= from.mods[0]!) return noRewrite("the length limit grows, binary-compatible");
    return rewrite("a shorter or new length limit checks and rewrites every row");
  }
  if (a === "numeric" && b === "numeric") {
    if (to.mods.length === 0) return noRewrite("unconstrained numeric accepts every value");
    if (from.mods.length > 0 && (from.mods[1] ?? 0) === (to.mods[1] ?? 0) && to.mods[0]! >= from.mods[0]!) {
      return noRewrite("more precision at the same scale, binary-compatible");
    }
    return rewrite("a new precision or scale rewrites every row");
  }
  if (a === "varbit" && b === "varbit") {
    if (to.mods.length === 0 || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!)) return noRewrite("the length limit grows");
    return rewrite("a shorter length limit rewrites every row");
  }
  if ((a === "timestamp" || a === "timestamptz") && a === b) {
    if (to.mods.length === 0 || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!)) return noRewrite("more fractional-second precision");
    return rewrite("less precision rounds and rewrites every row");
  }
  if ((a === "timestamp" && b === "timestamptz") || (a === "timestamptz" && b === "timestamp")) {
    // the column's indexes change operator class (timestamp_ops <-> timestamptz_ops): rebuilt, reading the table (measured on PostgreSQL 15.18)
    if (ctx.utcConversionInPlace && ctx.utcSession)
      return {
        ...noRewrite("the session time zone is UTC, so PostgreSQL 12+ keeps the stored values; the column's indexes are rebuilt"),
        rebuildsIndexes: true,
      };
    return rewrite(
      ctx.utcConversionInPlace
        ? "rewrites every row unless the session time zone is UTC (SET TIME ZONE 'UTC' before it)"
        : "rewrites every row before PostgreSQL 12",
    );
  }
  if (a === "cidr" && b === "inet") return noRewrite("binary-compatible");
  // citext's casts from and to text and varchar are binary (WITHOUT FUNCTION), but its operator class differs:
  // measured on PostgreSQL 15.18, the table keeps its file and an index on the column is rebuilt
  if (b === "citext" && (stringLike(a) || a === "bpchar")) {
    return { ...noRewrite("binary-compatible (citext's cast from it is WITHOUT FUNCTION); the column's indexes are rebuilt"), rebuildsIndexes: true };
  }
  if (a === "citext" && stringLike(b) && (b === "text" || to.mods.length === 0)) {
    return { ...noRewrite("binary-compatible (citext's cast to it is WITHOUT FUNCTION); the column's indexes are rebuilt"), rebuildsIndexes: true };
  }
  return rewrite("not binary-compatible, every row is converted");
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

/** Zones PostgreSQL treats as a fixed zero offset. */
export function isUtcZone(zone: string): boolean {
  return /^(utc|gmt|etc\/utc|etc\/gmt|etc\/uct|etc\/universal|etc\/zulu|uct|universal|zulu|z|gmt0|etc\/gmt0|etc\/gmt\+0|etc\/gmt-0|0|\+00|00:00|\+00:00)$/i.test(
    zone.trim(),
  );
}
