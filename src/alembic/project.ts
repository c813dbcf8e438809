import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../common/errors.js";
import { findProjectFile } from "../common/find-file.js";

/**
 * An alembic project as its alembic.ini describes it: where the migration scripts are.
 * (Groundwork for `locklint alembic`, issue 8; `--alembic-dir` can be derived from it.)
 */
export interface AlembicProject {
  ini: string;
  section: string;
  /** The script directory (env.py, versions/). */
  scriptLocation: string;
  /** The directories holding revision files. */
  versionLocations: string[];
}

/** alembic.ini: the one named, else the first found from `cwd` upwards. */
export function findAlembicIni(cwd: string, named?: string): string {
  const ini = findProjectFile(cwd, named, "alembic configuration file", (dir) => (existsSync(join(dir, "alembic.ini")) ? join(dir, "alembic.ini") : null));
  if (!ini) throw new UsageError(`no alembic.ini in ${resolve(cwd)} or above it: run in an alembic project, or name the file`);
  return ini;
}

export function readAlembicProject(ini: string, section = "alembic"): AlembicProject {
  const sections = parseIni(readFileSync(ini, "utf8"));
  const values = sections.get(section);
  if (!values) throw new UsageError(`${ini}: no [${section}] section`);
  const here = dirname(ini);
  const get = (key: string) => values.get(key)?.replace(/%\(here\)s/g, here);
  const location = get("script_location");
  if (!location) throw new UsageError(`${ini}: [${section}] has no script_location`);
  if (/^[\w.]+:/.test(location) && !isAbsolute(location))
    throw new UsageError(`${ini}: script_location ${location} names a Python package; give the directory instead`);
  const scriptLocation = resolve(here, location);
  const versions = get("version_locations");
  const versionLocations = versions
    ? splitLocations(versions, values.get("version_path_separator")).map((v) => resolve(here, v))
    : [join(scriptLocation, "versions")];
  return { ini, section, scriptLocation, versionLocations };
}

/** version_locations, split as alembic does: by version_path_separator, else (legacy) by whitespace and commas. */
function splitLocations(value: string, separator: string | undefined): string[] {
  const by: Record<string, RegExp> = { os: /:/, ":": /:/, ";": /;/, space: / /, newline: /\n/ };
  const pattern = separator === undefined ? /[\s,]+/ : (by[separator.trim()] ?? /[\s,]+/);
  return value
    .split(pattern)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** configparser's INI subset alembic uses: [sections], key = value (or key: value), indented continuation lines, # and ; comments. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(line) || line.trim() === "") {
      lastKey = undefined;
      continue;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? new Map();
      sections.set(header[1]!, current);
      lastKey = undefined;
    } else if (/^\s/.test(line) && current && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey)}\n${line.trim()}`.trim());
    } else if (current) {
      const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (pair) {
        lastKey = pair[1]!.trim().toLowerCase();
        current.set(lastKey, pair[2]!.trim());
      }
    }
  }
  return sections;
}
