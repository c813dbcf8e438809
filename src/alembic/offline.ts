import { spawnSync } from "node:child_process";
import { dirname, relative, sep } from "node:path";
import { UsageError } from "../errors.js";
import { decodeSource, type SourceFile } from "../source.js";
import { DOWNGRADE_SEPARATOR, DRIVER, FAILURE_MARK } from "./driver.js";
import type { AlembicProject } from "./project.js";
import { parseRevisionMarker, stepOwner } from "../script.js";

export interface OfflineOptions {
  /** The interpreter; default: the first of python3, python on PATH that can import alembic. */
  python?: string;
  /** -x key=value arguments passed to alembic. */
  x?: string[];
  /** Also render `downgrade heads:base --sql`, after the upgrade. */
  downgrade?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where locklint runs: file names in messages are given from there. */
  cwd?: string;
}

/** The first interpreter that can import alembic; a one-line error naming what was tried when none can. */
export function findPython(candidates: readonly string[] = ["python3", "python"], env: NodeJS.ProcessEnv = process.env): string {
  for (const python of candidates) {
    if (spawnSync(python, ["-c", "import alembic"], { env, stdio: "ignore" }).status === 0) return python;
  }
  throw new UsageError(`no Python that can import alembic (tried ${candidates.join(", ")} on PATH): activate the project's environment or give --python PATH`);
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
  const python = options.python ?? findPython(undefined, options.env);
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
