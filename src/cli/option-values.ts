import { InvalidArgumentError } from "commander";
import { parseDuration } from "../common/connection.js";
import { NEWEST_PG_VERSION, OLDEST_PG_VERSION } from "../locks/versions.js";
import { MAX_INPUT_MB_CEILING } from "../sql/source.js";

/** How the command line's values are read: each parser throws commander's InvalidArgumentError, which it prints as one line. */

/** The versions locklint knows the boundaries of (src/locks/versions.ts). */
export const MIN_PG_VERSION = OLDEST_PG_VERSION;
export const MAX_PG_VERSION = NEWEST_PG_VERSION;
/** The oldest release the PostgreSQL project still supports. */
export const DEFAULT_PG_VERSION = 14;

export const FORMATS = ["text", "json", "github", "markdown", "sarif"] as const;
export type Format = (typeof FORMATS)[number];
const isFormat = (name: string): name is Format => (FORMATS as readonly string[]).includes(name);

/** One report to write: a format, to a file, or to stdout when there is none. */
export interface Output {
  format: Format;
  file?: string;
}

/** One --format: FORMAT (stdout) or FORMAT=FILE, collected (repeatable). */
export function parseFormat(value: string, previous: Output[] = []): Output[] {
  const at = value.indexOf("=");
  const format = at < 0 ? value : value.slice(0, at);
  const file = at < 0 ? undefined : value.slice(at + 1);
  if (!isFormat(format)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}, alone or as FORMAT=FILE`);
  if (file === "") throw new InvalidArgumentError(`expected a file after ${format}=`);
  return [...previous, { format, file }];
}

/** Whether n is a major version locklint knows (the command line and the configuration file say the same when not). */
export function isPgVersion(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= MIN_PG_VERSION && n <= MAX_PG_VERSION;
}
export const PG_VERSION_EXPECTED = `expected a PostgreSQL major version from ${MIN_PG_VERSION} to ${MAX_PG_VERSION}`;

export function parsePgVersion(value: string): number {
  const n = Number(value);
  if (!isPgVersion(n)) throw new InvalidArgumentError(PG_VERSION_EXPECTED);
  return n;
}

/** A size in MB, up to the longest text Node.js holds (--max-input-mb, max-input-mb). */
export function isMegabytes(n: unknown): n is number {
  return typeof n === "number" && n > 0 && n <= MAX_INPUT_MB_CEILING;
}
export const MEGABYTES_EXPECTED = `expected a number of megabytes, more than 0 and at most ${MAX_INPUT_MB_CEILING}`;

export function parseMegabytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || !isMegabytes(n)) throw new InvalidArgumentError(MEGABYTES_EXPECTED);
  return n;
}

/** --max-lock-ms and friends: milliseconds, 0 or more. */
export function parseBudget(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of milliseconds");
  return n;
}

/** --timeout: a number of seconds, more than 0 and at most a day. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError("expected a number of seconds, more than 0 and at most 86400");
  return n;
}

/** --lock-timeout, --statement-timeout: as PostgreSQL writes a duration (500ms, 5s, 2min; a bare number is ms). */
export function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError("expected a duration such as 500ms, 5s or 2min (a bare number is milliseconds)");
  return ms;
}

/** --seed-rows. */
export function parseRowCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new InvalidArgumentError("expected a number of rows from 1 to 10000000");
  return n;
}

/** A repeatable option's values, in order. */
export const collect = (value: string, values: string[] = []): string[] => [...values, value];
