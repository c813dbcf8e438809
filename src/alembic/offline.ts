import { text } from "node:stream/consumers";
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { DEFAULT_TIMEOUT_SECONDS, startChild } from "../common/child-process.js";
import { UsageError } from "../common/errors.js";
import type { MigrationFile } from "./migration-files.js";
import { decodeSource, DEFAULT_MAX_INPUT_MB, MB, type SourceFile } from "../sql/source.js";
import { DOWNGRADE_SEPARATOR, DRIVER } from "./driver.js";
import { FAILURE_MARK } from "../sql/script.js";
import { gitRoot } from "./git.js";
import type { AlembicProject } from "./project.js";
import { parseRevisionMarker, stepOwner } from "../sql/script.js";

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
  /** Told, in one line each: which interpreter was found when --python was not given; alembic's warnings. */
  log?: (line: string) => void;
  /** --timeout: alembic is stopped after this many seconds (default DEFAULT_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
  /** --max-input-mb: alembic is stopped when its SQL grows past this (default DEFAULT_MAX_INPUT_MB). */
  maxBytes?: number;
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
  if (env.CONDA_PREFIX)
    candidates.push({ python: windows ? join(env.CONDA_PREFIX, "python.exe") : join(env.CONDA_PREFIX, "bin", "python"), where: "$CONDA_PREFIX" });
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
  for (let dir = iniDir; !isTop(dir) && dirname(dir) !== dir;) {
    dir = dirname(dir);
    dirs.push({ dir, where: isTop(dir) ? "at the repository root" : "above alembic.ini" });
  }
  return dirs;
}

/**
 * The first candidate that can import alembic; a one-line error naming each one tried, and why it
 * failed, when none can. Each check runs as alembic will (its own process group, the timeout).
 */
export async function findPython(
  candidates: readonly PythonCandidate[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
): Promise<PythonCandidate> {
  const tried: string[] = [];
  for (const candidate of candidates) {
    const failure = await cannotImportAlembic(candidate.python, env, timeoutSeconds);
    if (!failure) return candidate;
    tried.push(`${shownPath(candidate.python, cwd)} (${candidate.where}: ${failure})`);
  }
  throw new UsageError(`no Python that can import alembic; tried ${tried.join(", ")}: activate the project's environment or give --python PATH`);
}

/** Why this interpreter cannot import alembic, or null when it can. */
async function cannotImportAlembic(python: string, env: NodeJS.ProcessEnv, timeoutSeconds: number): Promise<string | null> {
  const child = startChild(python, ["-c", "import alembic"], { env, timeoutSeconds, what: python });
  child.stdout.resume();
  child.stderr.resume();
  try {
    return (await child.exited).code === 0 ? null : "no alembic";
  } catch (error) {
    // a Python that hangs on start (a site hook waiting on something) is one that cannot run alembic either
    return error instanceof UsageError ? `no answer within ${timeoutSeconds} s` : "cannot run";
  }
}

/** A path as the user would write it: from the working directory when it is below it. */
function shownPath(path: string, cwd: string): string {
  const below = relative(cwd, path);
  return isAbsolute(path) && below && !below.startsWith("..") && !isAbsolute(below) ? below : path;
}

/** The project's interpreter when --python is not given, said in one line. */
async function projectPython(project: AlembicProject, options: OfflineOptions): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = await findPython(pythonCandidates(project.ini, env), env, cwd, options.timeoutSeconds);
  options.log?.(`python: ${shownPath(found.python, cwd)} (${found.where})`);
  return found.python;
}

const UPGRADE_NAME = "<alembic upgrade base:heads --sql>";
const DOWNGRADE_NAME = "<alembic downgrade heads:base --sql>";

/** What renderHistory gives: the SQL, and whether a failure comment ended it (alembic stopped early, and said so). */
export interface Rendering {
  sources: SourceFile[];
  stopped: boolean;
}

/**
 * `upgrade base:heads --sql` for the whole history (and `downgrade heads:base --sql` when asked),
 * in one alembic process (offline mode: no database). stdout is the SQL; stderr (alembic's log and
 * errors) is kept apart, never mixed in: its warnings are passed to `log`. A revision that fails
 * offline leaves a failure comment in the SQL; a failure alembic cannot get past ends the SQL there
 * with the same comment, and only a run that printed no SQL at all is an error. The process is
 * stopped after --timeout seconds, and when locklint ends.
 */
export async function renderHistory(project: AlembicProject, options: OfflineOptions = {}): Promise<Rendering> {
  const python = options.python ?? (await projectPython(project, options));
  const spec = { ini: project.ini, section: project.section, x: options.x ?? [], downgrade: options.downgrade ?? false };
  const run = await runDriver(python, project, spec, options);
  const stderr = run.stderr;
  for (const warning of alembicWarnings(stderr)) options.log?.(`alembic: ${warning}`);
  // the bytes are kept as alembic wrote them: decodeSource checks their encoding like any input's
  const separator = run.stdout.indexOf(`${DOWNGRADE_SEPARATOR}\n`);
  let upgrade = separator < 0 ? run.stdout : run.stdout.subarray(0, separator);
  let downgrade = separator < 0 ? null : run.stdout.subarray(separator + DOWNGRADE_SEPARATOR.length + 1);
  const stopped = run.status !== 0;
  if (stopped) {
    const stoppedIn = downgrade ?? upgrade;
    const what = `alembic ${downgrade ? "downgrade heads:base" : "upgrade base:heads"} --sql`;
    const message = failureMessage(run.stdout.toString("utf8"), stderr);
    const marker = lastStep(stoppedIn.toString("utf8"));
    const place = failurePlace(stderr, [project.scriptLocation, ...project.versionLocations]);
    if (!marker) {
      const at = place.file ? ` in ${relative(options.cwd ?? process.cwd(), place.file)}:${place.line}` : "";
      throw new UsageError(`${what} failed (${run.signal ? `killed by ${run.signal}` : `exit ${run.status}`})${at}: ${message}`);
    }
    // the SQL ends where alembic stopped: say so there, as the driver does for a failure it survives
    const file = place.file && relative(dirname(project.ini), place.file);
    const comment = Buffer.from(`\n-- ${FAILURE_MARK} ${JSON.stringify({ ...marker, file, line: place.line, error: message, fatal: true })}\n`);
    if (downgrade) downgrade = Buffer.concat([downgrade, comment]);
    else upgrade = Buffer.concat([upgrade, comment]);
  }
  const sources = [decodeSource(UPGRADE_NAME, upgrade)];
  if (downgrade) sources.push(decodeSource(DOWNGRADE_NAME, downgrade));
  return { sources, stopped };
}

/**
 * The driver in the project's Python, in its own process group, with the timeout; its output once
 * it has ended. Output over the size limit stops it at once.
 */
async function runDriver(
  python: string,
  project: AlembicProject,
  spec: object,
  options: OfflineOptions,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }> {
  const what = `alembic ${options.downgrade ? "upgrade and downgrade" : "upgrade base:heads"} --sql for ${shownPath(project.ini, options.cwd ?? process.cwd())}`;
  // alembic resolves a relative script_location against the working directory: run it beside its ini
  const child = startChild(python, ["-c", DRIVER, JSON.stringify(spec)], {
    cwd: dirname(project.ini),
    env: { ...(options.env ?? process.env), PYTHONIOENCODING: "utf-8" },
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    what,
  });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_MB * MB;
  let tooBig = false;
  const stdout = readAtMost(child.stdout, maxBytes, () => {
    tooBig = true;
    child.stop();
  });
  const stderr = text(child.stderr);
  let ended: { code: number | null; signal: NodeJS.Signals | null };
  try {
    ended = await child.exited;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot run ${python}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (tooBig) throw new UsageError(`${what}: printed more than ${maxBytes / MB} MB of SQL, stopped; nothing was linted (--max-input-mb MB allows more)`);
  return { status: ended.code, signal: ended.signal, stdout: await stdout, stderr: await stderr };
}

/** The whole stream; past maxBytes, `tooBig` is called and the rest is left unread. */
async function readAtMost(stream: AsyncIterable<Buffer>, maxBytes: number, tooBig: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) {
      tooBig();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * What alembic warned about on stderr (Python warnings, e.g. `UserWarning: Revision X is present
 * more than once`, and log records at WARNING or above), each in one line; its INFO log and the
 * traceback of a failure (reported apart) are left out.
 */
export function alembicWarnings(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => /^\S.*:\d+: \w*Warning: /.test(line) || /^(WARN|WARNI|WARNING|ERROR|CRITI|CRITICAL)\s+\[/.test(line))
    .map((line) => line.replace(/^(\S.*?):(\d+): (\w*Warning: .*)$/, "$3 ($1:$2)").trim());
}

/**
 * A run that ended with status 0 must have rendered every revision asked for: one that did not
 * (a revision ended the process with os._exit(0), a wrapper swallowed the failure) would pass
 * unlinted. Each missing revision is named with its file, in one line.
 */
export function checkRendered(rendering: Rendering, wanted: readonly MigrationFile[], options: { downgrade?: boolean; cwd: string }): void {
  if (rendering.stopped) return; // the failure comment says what was not linted
  const [upgrade, downgrade] = rendering.sources;
  const directions = options.downgrade
    ? ([
        ["upgrade", upgrade],
        ["downgrade", downgrade],
      ] as const)
    : ([["upgrade", upgrade]] as const);
  for (const [direction, source] of directions) {
    const rendered = renderedSteps(source?.text ?? "", direction);
    // nothing at all: the caller says that (SQL sent elsewhere)
    if (direction === "upgrade" && rendered.length === 0) return;
    const missing = wanted.filter((file) => !rendered.includes(file.revision));
    if (missing.length === 0) continue;
    const named = missing.slice(0, 3).map((file) => `${file.revision} (${relative(options.cwd, file.path)})`);
    const more = missing.length > named.length ? ` and ${missing.length - named.length} more` : "";
    const last = rendered.at(-1);
    throw new UsageError(
      `alembic ended with status 0 but never ran the ${direction} of revision${missing.length > 1 ? "s" : ""} ${named.join(", ")}${more}: it stopped early${last ? `, after ${last}` : ""} (does a revision or env.py end the process, or does alembic not load that file?); nothing was linted`,
    );
  }
}

/** The revisions whose migration function ran in this direction, in order: their `-- Running ...` lines. */
function renderedSteps(sql: string, direction: "upgrade" | "downgrade"): string[] {
  return (sql.match(/^--\s*Running .*$/gm) ?? []).flatMap((line) => {
    const step = parseRevisionMarker(line.replace(/^--/, ""), 0);
    const owner = step?.direction === direction ? stepOwner(step) : null;
    return owner ? [owner] : [];
  });
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
