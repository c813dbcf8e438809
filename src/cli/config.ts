import { lstatSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse, TomlError } from "smol-toml";
import { UsageError } from "../common/errors.js";
import { findProjectFile } from "../common/find-file.js";
import type { Severity } from "../lint/rule.js";
import { BadSetting, SETTING_NAMES, SETTINGS, type SettingValues } from "./settings.js";

/**
 * Project configuration: `locklint.toml`, or `[tool.locklint]` in `pyproject.toml`, found from the
 * working directory upwards (`--config FILE` names one). Command-line flags override it. Its keys
 * are the settings of settings.ts.
 */
export type Config = SettingValues & {
  /** The file it came from, for messages. */
  path: string;
  /** Rules turned off. */
  disable: string[];
  /** Rule id -> severity. */
  severity: Record<string, Severity>;
  /** Revision id -> rules whose findings in that revision are not reported. */
  ignore: Record<string, string[]>;
};

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
    return parse(text);
  } catch (error) {
    const where = error instanceof TomlError ? `line ${error.line}: ` : "";
    throw new UsageError(`${path}: ${where}${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}

/** The configuration file's settings, each checked (an error names the file and key). */
export function loadConfig(path: string): Config {
  const document = parseConfig(path, readConfigText(path));
  const inPyproject = basename(path) === "pyproject.toml";
  const section = inPyproject ? (document.tool as Record<string, unknown> | undefined)?.locklint : document;
  const prefix = inPyproject ? "tool.locklint." : "";
  if (section !== undefined && (typeof section !== "object" || section === null || Array.isArray(section)))
    throw new UsageError(`${path}: tool.locklint: expected a table ([tool.locklint])`);
  const table = (section ?? {}) as Record<string, unknown>;
  const bad = (key: string, what: string) => new UsageError(`${path}: ${prefix}${key}: ${what}`);
  const keys = SETTING_NAMES.map((name) => SETTINGS[name].key);
  for (const key of Object.keys(table)) if (!keys.includes(key)) throw bad(key, `unknown key (known: ${keys.join(", ")})`);
  const config: Config = { path, disable: [], severity: {}, ignore: {} };
  for (const name of SETTING_NAMES) {
    const { key } = SETTINGS[name];
    const value = table[key];
    if (value === undefined) continue;
    try {
      Object.assign(config, { [name]: SETTINGS[name].fromFile(value, path) });
    } catch (error) {
      if (error instanceof BadSetting) throw bad(error.key ?? key, error.message);
      throw error;
    }
  }
  return config;
}
