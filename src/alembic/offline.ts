import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { decodeSource, type SourceFile } from "../source.js";
import { DOWNGRADE_SEPARATOR, DRIVER, FAILURE_MARK } from "./driver.js";
import { gitRoot } from "./git.js";
import type { AlembicProject } from "./project.js";
import { parseRevisionMarker, stepOwner } from "../script.js";

export interface OfflineOptions {
  /** The interpreter; default: the first of pythonCandidates that can import alembic. */
  python?: string;
  /** -x key=value arguments passed to alembic. */
  x?: string[];
  /** Also render `downgrade heads:base --sql`, after the upgrade. */
  downgrade?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where locklint runs: file names in messages are given from there. */
  cwd?: string;
  /** Told, in one line, which interpreter was found when --python was not given. */
  log?: (line: string) => void;
}

/** An interpreter that may run the project's alembic, and where it was found. */
export interface PythonCandidate {
  python: string;
  where: string;
}

/**
 * The interpreters to try, in the order users run alembic: the active environment ($VIRTUAL_ENV,
 * then $CONDA_PREFIX), a .venv or venv beside alembic.ini or above it up to the repository root,
 * then python3 and python on PATH. Installed with pipx or uvx, locklint's own Python (and maybe
 * PATH's python3) is the tool's environment, not the project's: the project's comes first.
 */
export function pythonCandidates(ini: string, env: NodeJS.ProcessEnv = process.env): PythonCandidate[] {
  const windows = process.platform === "win32";
  const venvPython = (prefix: string) => (windows ? join(prefix, "Scripts", "python.exe") : join(prefix, "bin", "python"));
  const candidates: PythonCandidate[] = [];
  if (env.VIRTUAL_ENV) candidates.push({ python: venvPython(env.VIRTUAL_ENV), where: "$VIRTUAL_ENV" });
  // conda keeps python.exe at the top of the environment on Windows
  if (env.CONDA_PREFIX) candidates.push({ python: windows ? join(env.CONDA_PREFIX, "python.exe") : join(env.CONDA_PREFIX, "bin", "python"), where: "$CONDA_PREFIX" });
  for (const { dir, where } of projectDirs(resolve(dirname(ini)))) {
    for (const name of [".venv", "venv"]) {
      const python = venvPython(join(dir, name));
      if (existsSync(python)) candidates.push({ python, where });
    }
  }
  candidates.push({ python: "python3", where: "on PATH" }, { python: "python", where: "on PATH" });
  // an active environment may be the .venv found again: try it once
  return candidates.filter((c, i) => candidates.findIndex((d) => d.python === c.python) === i);
}

/** The ini's directory, then those above it up to the git top level (outside git: up to the filesystem root). */
function projectDirs(iniDir: string): { dir: string; where: string }[] {
  const top = gitRoot(iniDir);
  // git names its top level with symbolic links resolved
  const realTop = top && realpathSync(top);
  const isTop = (dir: string) => realTop !== null && realpathSync(dir) === realTop;
  const dirs = [{ dir: iniDir, where: "beside alembic.ini" }];
  for (let dir = iniDir; !isTop(dir) && dirname(dir) !== dir; ) {
    dir = dirname(dir);
    dirs.push({ dir, where: isTop(dir) ? "at the repository root" : "above alembic.ini" });
  }
  return dirs;
}

/** The first candidate that can import alembic; a one-line error naming each one tried, and why it failed, when none can. */
export function findPython(candidates: readonly PythonCandidate[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): PythonCandidate {
  const tried: string[] = [];
  for (const candidate of candidates) {
    const check = spawnSync(candidate.python, ["-c", "import alembic"], { env, stdio: "ignore" });
    if (check.status === 0) return candidate;
    tried.push(`${shownPython(candidate.python, cwd)} (${candidate.where}: ${check.error ? "cannot run" : "no alembic"})`);
  }
  throw new UsageError(`no Python that can import alembic; tried ${tried.join(", ")}: activate the project's environment or give --python PATH`);
}

/** An interpreter's path as the user would write it: from the working directory when it is below it. */
function shownPython(python: string, cwd: string): string {
  const below = relative(cwd, python);
  return isAbsolute(python) && below && !below.startsWith("..") && !isAbsolute(below) ? below : python;
}

/** The project's interpreter when --python is not given, said in one line. */
function projectPython(project: AlembicProject, options: OfflineOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = findPython(pythonCandidates(project.ini, env), env, cwd);
  options.log?.(`python: ${shownPython(found.python, cwd)} (${found.where})`);
  return found.python;
}

const UPGRADE_NAME = "<alembic upgrade base:heads --sql>";
const DOWNGRADE_NAME = "<alembic downgrade heads:base --sql>";

/**
 * `upgrade base:heads --sql` for the whole history (and `downgrade heads:base --sql` when asked),
 * in one alembic process (offline mode: no database). stdout is the SQL; stderr (alembic's log and
 * errors) is returned apart, never mixed in. A revision that fails offline leaves a failure comment
 * in the SQL; a failure alembic cannot get past ends the SQL there with the same comment, and only
 * a run that printed no SQL at all is an error.
 */
export function renderHistory(project: AlembicProject, options: OfflineOptions = {}): { sources: SourceFile[]; stderr: string } {
  const python = options.python ?? projectPython(project, options);
  const spec = { ini: project.ini, section: project.section, x: options.x ?? [], downgrade: options.downgrade ?? false };
  // alembic resolves a relative script_location against the working directory: run it beside its ini
  const run = spawnSync(python, ["-c", DRIVER, JSON.stringify(spec)], {
    cwd: dirname(project.ini),
    env: { ...(options.env ?? process.env), PYTHONIOENCODING: "utf-8" },
    encoding: "buffer",
    maxBuffer: 1024 * 1024 * 1024,
  });
  const stderr = run.stderr?.toString("utf8") ?? "";
  if (run.error) throw new UsageError(`cannot run ${python}: ${run.error.message}`);
  // the bytes are kept as alembic wrote them: decodeSource checks their encoding like any input's
  const separator = run.stdout.indexOf(`${DOWNGRADE_SEPARATOR}\n`);
  let upgrade = separator < 0 ? run.stdout : run.stdout.subarray(0, separator);
  let downgrade = separator < 0 ? null : run.stdout.subarray(separator + DOWNGRADE_SEPARATOR.length + 1);
  if (run.status !== 0) {
    const stoppedIn = downgrade ?? upgrade;
    const what = `alembic ${downgrade ? "downgrade heads:base" : "upgrade base:heads"} --sql`;
    const message = failureMessage(run.stdout.toString("utf8"), stderr);
    const marker = lastStep(stoppedIn.toString("utf8"));
    const place = failurePlace(stderr, [project.scriptLocation, ...project.versionLocations]);
    if (!marker) {
      const at = place.file ? ` in ${relative(options.cwd ?? process.cwd(), place.file)}:${place.line}` : "";
      throw new UsageError(`${what} failed (exit ${run.status})${at}: ${message}`);
    }
    // the SQL ends where alembic stopped: say so there, as the driver does for a failure it survives
    const file = place.file && relative(dirname(project.ini), place.file);
    const comment = Buffer.from(`\n-- ${FAILURE_MARK} ${JSON.stringify({ ...marker, file, line: place.line, error: message, fatal: true })}\n`);
    if (downgrade) downgrade = Buffer.concat([downgrade, comment]);
    else upgrade = Buffer.concat([upgrade, comment]);
  }
  const sources = [decodeSource(UPGRADE_NAME, upgrade)];
  if (downgrade) sources.push(decodeSource(DOWNGRADE_NAME, downgrade));
  return { sources, stderr };
}

/** The step alembic was running when it stopped: the last `-- Running ...` line it printed. */
function lastStep(sql: string): { direction: "upgrade" | "downgrade"; revision: string } | null {
  const lines = sql.match(/^--\s*Running .*$/gm) ?? [];
  const step = parseRevisionMarker(lines.at(-1)?.replace(/^--/, "") ?? "", 0);
  const revision = step && stepOwner(step);
  return step && revision && step.direction !== "stamp" ? { direction: step.direction, revision } : null;
}

/** The innermost traceback frame in the project's own files (env.py, revision files). */
function failurePlace(stderr: string, projectDirs: readonly string[]): { file: string | null; line: number | null } {
  const frames = [...stderr.matchAll(/^\s*File "(.+?)", line (\d+)/gm)].filter((m) => projectDirs.some((dir) => m[1]!.startsWith(dir + sep)));
  const frame = frames.at(-1);
  return frame ? { file: frame[1]!, line: Number(frame[2]) } : { file: null, line: null };
}

/** alembic prints `FAILED: ...` on stdout; a Python exception ends stderr with its last line. */
function failureMessage(stdout: string, stderr: string): string {
  const failed = `${stdout}\n${stderr}`.split("\n").find((line) => line.startsWith("FAILED:"));
  return (failed ?? stderr.trim().split("\n").at(-1) ?? "").trim() || "no message";
}
