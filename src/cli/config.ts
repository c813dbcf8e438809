import { lstatSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { UsageError } from "../common/errors.js";
import { findProjectFile } from "../common/find-file.js";
import type { Severity } from "../lint/rule.js";
import { MAX_INPUT_MB_CEILING } from "../sql/source.js";

/**
 * Project configuration: `locklint.toml`, or `[tool.locklint]` in `pyproject.toml`, found from the
 * working directory upwards (`--config FILE` names one). Command-line flags override it.
 */
export interface Config {
  /** The file it came from, for messages. */
  path: string;
  pgVersion?: number;
  failOn?: "error" | "warning" | "never";
  /** `--rules` in the file: "all", "default", or rule ids. */
  rules?: string;
  /** Rules turned off. */
  disable: string[];
  /** Rule id -> severity. */
  severity: Record<string, Severity>;
  maxLockMs?: number;
  maxReadLockMs?: number;
  maxWriteLockMs?: number;
  stats?: string;
  assumeInTransaction?: boolean;
  /** Migration directories, resolved against the file's directory. */
  alembicDir?: string[];
  /** Revision id -> rules whose findings in that revision are not reported. */
  ignore: Record<string, string[]>;
  /** The size limit of each input, in MB. */
  maxInputMb?: number;
}

const KEYS = new Set(["pg-version", "fail-on", "rules", "disable", "severity", "max-lock-ms", "max-read-lock-ms", "max-write-lock-ms", "stats", "assume-in-transaction", "alembic-dir", "ignore", "max-input-mb"]);

/** The configuration file for a run: the one named, else the first found upwards from `cwd`; null when none. */
export function findConfigFile(cwd: string, named?: string): string | null {
  return findProjectFile(cwd, named, "configuration file", (dir) => {
    const own = join(dir, "locklint.toml");
    if (present(own)) return own;
    const pyproject = join(dir, "pyproject.toml");
    return present(pyproject) && configuresLocklint(pyproject) ? pyproject : null;
  });
}

/**
 * Whether a pyproject.toml has a tool.locklint table, however TOML spells it (`[tool.locklint]`,
 * `[ tool . "locklint" ]`, `tool = { locklint = {...} }`, `[tool.locklint.severity]` alone): the
 * file is parsed, not matched. One that never names locklint is not read further, so a broken
 * pyproject.toml of another tool is not locklint's error.
 */
function configuresLocklint(pyproject: string): boolean {
  const text = readConfigText(pyproject);
  if (!text.includes("locklint")) return false;
  const tool = parseConfig(pyproject, text).tool;
  return typeof tool === "object" && tool !== null && "locklint" in tool;
}

/** Whether the path names anything, a broken symbolic link included (reading it then says so, instead of passing over it). */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The text of a configuration file; one line naming it when it cannot be read (a directory, no permission). */
function readConfigText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new UsageError(`${path}: is a directory, not a configuration file`);
    if (code === "ENOENT") throw new UsageError(`${path}: a broken symbolic link (what it points to does not exist)`);
    throw new UsageError(`${path}: cannot read the configuration file (${code ?? String(error)})`);
  }
}

/** The TOML document; a syntax error names the file and line. */
function parseConfig(path: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? `line ${error.line}: ` : "";
    throw new UsageError(`${path}: ${where}${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}

export function loadConfig(path: string): Config {
  const document = parseConfig(path, readConfigText(path));
  const inPyproject = basename(path) === "pyproject.toml";
  const section = inPyproject ? (document.tool as Record<string, unknown> | undefined)?.locklint : document;
  const prefix = inPyproject ? "tool.locklint." : "";
  if (section !== undefined && (typeof section !== "object" || section === null || Array.isArray(section))) throw new UsageError(`${path}: tool.locklint: expected a table ([tool.locklint])`);
  const table = (section ?? {}) as Record<string, unknown>;
  const bad = (key: string, what: string) => new UsageError(`${path}: ${prefix}${key}: ${what}`);
  for (const key of Object.keys(table)) if (!KEYS.has(key)) throw bad(key, `unknown key (known: ${[...KEYS].join(", ")})`);
  const config: Config = { path, disable: [], severity: {}, ignore: {} };
  const pg = table["pg-version"];
  if (pg !== undefined) {
    if (typeof pg !== "number" || !Number.isInteger(pg) || pg < 11 || pg > 18) throw bad("pg-version", "expected a PostgreSQL major version from 11 to 18");
    config.pgVersion = pg;
  }
  const failOn = table["fail-on"];
  if (failOn !== undefined) {
    if (failOn !== "error" && failOn !== "warning" && failOn !== "never") throw bad("fail-on", 'expected "error", "warning" or "never"');
    config.failOn = failOn;
  }
  const rules = table.rules;
  if (rules !== undefined) {
    if (typeof rules === "string") config.rules = rules;
    else if (Array.isArray(rules) && rules.every((r) => typeof r === "string")) config.rules = rules.join(",");
    else throw bad("rules", 'expected "all", "default" or a list of rule ids');
  }
  const disable = table.disable;
  if (disable !== undefined) {
    if (!Array.isArray(disable) || !disable.every((r) => typeof r === "string")) throw bad("disable", "expected a list of rule ids");
    config.disable = disable as string[];
  }
  const severity = table.severity;
  if (severity !== undefined) {
    if (typeof severity !== "object" || severity === null || Array.isArray(severity)) throw bad("severity", 'expected a table: rule = "error" | "warning"');
    for (const [rule, value] of Object.entries(severity)) {
      if (value !== "error" && value !== "warning") throw bad(`severity.${rule}`, 'expected "error" or "warning"');
      config.severity[rule] = value;
    }
  }
  const budget = (key: string) => {
    const value = table[key];
    if (value !== undefined && (typeof value !== "number" || value < 0)) throw bad(key, "expected a number of milliseconds");
    return value as number | undefined;
  };
  config.maxLockMs = budget("max-lock-ms");
  config.maxReadLockMs = budget("max-read-lock-ms");
  config.maxWriteLockMs = budget("max-write-lock-ms");
  const stats = table.stats;
  if (stats !== undefined) {
    if (typeof stats !== "string") throw bad("stats", "expected the path of a stats file");
    config.stats = resolve(dirname(path), stats);
  }
  const assume = table["assume-in-transaction"];
  if (assume !== undefined) {
    if (typeof assume !== "boolean") throw bad("assume-in-transaction", "expected true or false");
    config.assumeInTransaction = assume;
  }
  const alembicDir = table["alembic-dir"];
  if (alembicDir !== undefined) {
    const dirs = typeof alembicDir === "string" ? [alembicDir] : alembicDir;
    if (!Array.isArray(dirs) || !dirs.every((d) => typeof d === "string")) throw bad("alembic-dir", "expected a directory, or a list of them");
    config.alembicDir = (dirs as string[]).map((d) => relative(process.cwd(), resolve(dirname(path), d)) || ".");
  }
  const maxInput = table["max-input-mb"];
  if (maxInput !== undefined) {
    if (typeof maxInput !== "number" || !(maxInput > 0) || maxInput > MAX_INPUT_MB_CEILING) throw bad("max-input-mb", `expected a number of megabytes, more than 0 and at most ${MAX_INPUT_MB_CEILING}`);
    config.maxInputMb = maxInput;
  }
  const ignore = table.ignore;
  if (ignore !== undefined) {
    if (typeof ignore !== "object" || ignore === null || Array.isArray(ignore)) throw bad("ignore", 'expected a table: "<revision>" = ["rule", ...]');
    for (const [revision, list] of Object.entries(ignore)) {
      if (!Array.isArray(list) || !list.every((r) => typeof r === "string")) throw bad(`ignore.${revision}`, "expected a list of rule ids");
      config.ignore[revision] = list as string[];
    }
  }
  return config;
}
