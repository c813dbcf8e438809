import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.js";

/**
 * A project file: the one named (relative to `cwd`; it must exist), else the first that `pick`
 * finds in `cwd` or a directory above it; null when none is found.
 */
export function findProjectFile(cwd: string, named: string | undefined, what: string, pick: (dir: string) => string | null): string | null {
  if (named) {
    const path = resolve(cwd, named);
    if (!existsSync(path)) throw new UsageError(`${named}: no such ${what}`);
    return path;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = pick(dir);
    if (found) return found;
    if (dirname(dir) === dir) return null;
  }
}
