import { dirname, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import type { Severity } from "../lint/rule.js";
import { DEFAULT_MAX_INPUT_MB } from "../sql/source.js";
import {
  collect,
  DEFAULT_PG_VERSION,
  isMegabytes,
  isPgVersion,
  MAX_PG_VERSION,
  MEGABYTES_EXPECTED,
  MIN_PG_VERSION,
  parseBudget,
  parseMegabytes,
  parsePgVersion,
  PG_VERSION_EXPECTED,
} from "./option-values.js";

/**
 * The settings of the configuration file, one entry each: its key, how its TOML value is read,
 * and the command-line option of the same name (--KEY) that overrides it. config.ts reads the
 * file with this table, the commands declare their options from it, and withConfig fills the
 * options in from the file with it: a new setting is added here, once.
 */

/** What is wrong with a value in the configuration file: written after "FILE: KEY: " (`key` names a key inside the setting's table). */
export class BadSetting extends Error {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

interface Setting<T> {
  /** The key in locklint.toml and [tool.locklint]; the option that overrides it is --KEY. */
  key: string;
  /** The value of the file's TOML value, checked (a BadSetting when wrong); `file` is the configuration file. */
  fromFile(value: unknown, file: string): T;
  /** The command-line option, for the commands that take it (`what`: the input a limit applies to); none: only in the file. */
  option?(what?: string): Option;
  /** Whether the file's value applies, given the command line's options (default: always, unless the option is given). */
  appliesWith?(options: object): boolean;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

/** A list of strings (rule ids, revisions, directories). */
function strings(value: unknown, expected: string, key?: string): string[] {
  if (!Array.isArray(value) || !value.every((r): r is string => typeof r === "string")) throw new BadSetting(expected, key);
  return value;
}

function table(value: unknown, expected: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BadSetting(expected);
  return value as Record<string, unknown>;
}

/** A lock budget: the same in the file and on the command line but for its words. */
function budget(key: string, description: string): Setting<number> {
  return setting({
    key,
    fromFile: (value) => {
      if (typeof value !== "number" || value < 0) throw new BadSetting("expected a number of milliseconds");
      return value;
    },
    option: () => new Option(`--${key} <ms>`, description).argParser(parseBudget),
  });
}

export const SETTINGS = {
  pgVersion: setting({
    key: "pg-version",
    fromFile: (value) => {
      if (!isPgVersion(value)) throw new BadSetting(PG_VERSION_EXPECTED);
      return value;
    },
    option: () =>
      new Option("--pg-version <major>", `PostgreSQL major version the migration runs on (${MIN_PG_VERSION}-${MAX_PG_VERSION})`)
        .argParser(parsePgVersion)
        .default(DEFAULT_PG_VERSION),
  }),
  failOn: setting({
    key: "fail-on",
    fromFile: (value) => {
      if (value !== "error" && value !== "warning" && value !== "never") throw new BadSetting('expected "error", "warning" or "never"');
      return value;
    },
    option: () => new Option("--fail-on <severity>", "exit 1 when a finding reaches this severity").choices(["error", "warning", "never"]).default("error"),
  }),
  rules: setting({
    key: "rules",
    fromFile: (value) => (typeof value === "string" ? value : strings(value, 'expected "all", "default" or a list of rule ids').join(",")),
    option: () =>
      new Option("--rules <ids>", "rules to run: all, default, or a comma-separated list of rule ids (default: every rule not marked off in `locklint rules`)"),
  }),
  disable: setting({ key: "disable", fromFile: (value) => strings(value, "expected a list of rule ids") }),
  severity: setting({
    key: "severity",
    fromFile: (value) => {
      const severity: Record<string, Severity> = {};
      for (const [rule, level] of Object.entries(table(value, 'expected a table: rule = "error" | "warning"'))) {
        if (level !== "error" && level !== "warning") throw new BadSetting('expected "error" or "warning"', `severity.${rule}`);
        severity[rule] = level;
      }
      return severity;
    },
  }),
  maxLockMs: budget("max-lock-ms", "with --stats or --db-url: report tables blocked for reads or writes longer than this (rule lock-budget)"),
  maxReadLockMs: budget("max-read-lock-ms", "as --max-lock-ms, for locks that block reads (overrides it for them)"),
  maxWriteLockMs: budget("max-write-lock-ms", "as --max-lock-ms, for locks that block writes (overrides it for them)"),
  stats: setting({
    key: "stats",
    fromFile: (value, file) => {
      if (typeof value !== "string") throw new BadSetting("expected the path of a stats file");
      return resolve(dirname(file), value);
    },
    option: () => new Option("--stats <file>", "table sizes written by `locklint stats`: lock facts get hold-time estimates"),
    // --db-url reads the sizes instead
    appliesWith: (options) => !("dbUrl" in options && options.dbUrl),
  }),
  assumeInTransaction: setting({
    key: "assume-in-transaction",
    fromFile: (value) => {
      if (typeof value !== "boolean") throw new BadSetting("expected true or false");
      return value;
    },
    option: () =>
      new Option(
        "--assume-in-transaction",
        "each file runs inside one transaction its migration tool opens (not needed for alembic --sql output, which prints BEGIN/COMMIT)",
      ),
  }),
  alembicDir: setting({
    key: "alembic-dir",
    fromFile: (value, file) => {
      const dirs = strings(typeof value === "string" ? [value] : value, "expected a directory, or a list of them");
      // as the user would write them: from where locklint runs
      return dirs.map((d) => relative(process.cwd(), resolve(dirname(file), d)) || ".");
    },
    option: () =>
      new Option("--alembic-dir <dir>", "alembic versions directory (repeatable): findings also point at the revision's .py file and its op.* call").argParser(
        collect,
      ),
  }),
  ignore: setting({
    key: "ignore",
    fromFile: (value) => {
      const ignore: Record<string, string[]> = {};
      for (const [revision, list] of Object.entries(table(value, 'expected a table: "<revision>" = ["rule", ...]'))) {
        ignore[revision] = strings(list, "expected a list of rule ids", `ignore.${revision}`);
      }
      return ignore;
    },
  }),
  maxInputMb: setting({
    key: "max-input-mb",
    fromFile: (value) => {
      if (!isMegabytes(value)) throw new BadSetting(MEGABYTES_EXPECTED);
      return value;
    },
    // no default here, so that the configuration file's value can apply
    option: (what = "an input (a file, stdin, the --sql-command's output)") =>
      new Option("--max-input-mb <mb>", `stop reading ${what} larger than this, in MB of 1,048,576 bytes: exit 2 (default: ${DEFAULT_MAX_INPUT_MB})`).argParser(
        parseMegabytes,
      ),
  }),
};

export type SettingName = keyof typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
/** The settings a configuration file gave. */
export type SettingValues = { [N in SettingName]?: ValueOf<(typeof SETTINGS)[N]> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The command-line option of a setting; its flag is --KEY and commander stores it under the setting's name (checked, so the two cannot drift). */
export function settingOption(name: SettingName, what?: string): Option {
  const option = SETTINGS[name].option?.(what);
  if (!option || option.long !== `--${SETTINGS[name].key}` || option.attributeName() !== name)
    throw new Error(`setting ${name}: no option --${SETTINGS[name].key} stored as ${name}`);
  return option;
}

/** Flags given on the command line win; the file fills in the rest, for the options this command has. */
export function withConfig<T extends object>(options: T, config: SettingValues | null, command: Command): T {
  if (!config) return options;
  const declared = new Set(command.options.map((o) => o.attributeName()));
  const filled: Partial<Record<SettingName, unknown>> = {};
  for (const name of SETTING_NAMES) {
    const value = config[name];
    if (value === undefined || !declared.has(name) || command.getOptionValueSource(name) === "cli") continue;
    if (SETTINGS[name].appliesWith?.(options) === false) continue;
    filled[name] = value;
  }
  return { ...options, ...filled };
}
