import { spawnSync } from "node:child_process";
import { dirname, relative, sep } from "node:path";
import { UsageError } from "../errors.js";
import { decodeSource, type SourceFile } from "../source.js";
import { DOWNGRADE_SEPARATOR, DRIVER, FAILURE_MARK } from "./driver.js";
import type { AlembicProject } from "./project.js";

export interface OfflineOptions {
  /** The interpreter; default: the first of python3, python on PATH that can import alembic. */
  python?: string;
  /** -x key=value arguments passed to alembic. */
  x?: string[];
  /** Also render `downgrade heads:base --sql`, after the upgrade. */
  downgrade?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The first interpreter that can import alembic; a one-line error naming what was tried when none can. */
export function findPython(candidates: readonly string[] = ["python3", "python"], env: NodeJS.ProcessEnv = process.env): string {
  for (const python of candidates) {
    if (spawnSync(python, ["-c", "import alembic"], { env, stdio: "ignore" }).status === 0) return python;
  }
  throw new UsageError(`no Python that can import alembic (tried ${candidates.join(", ")} on PATH): activate the project's environment or give --python PATH`);
}

export const UPGRADE_NAME = "<alembic upgrade base:heads --sql>";
export const DOWNGRADE_NAME = "<alembic downgrade heads:base --sql>";

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
  let stdout = run.stdout.toString("utf8");
  const inDowngrade = stdout.includes(DOWNGRADE_SEPARATOR);
  const what = `alembic ${inDowngrade ? "downgrade heads:base" : "upgrade base:heads"} --sql`;
  if (run.status !== 0) {
    // the revision running when alembic stopped, in the part (upgrade or downgrade) it stopped in
    const marker = lastRevisionMarker(inDowngrade ? stdout.slice(stdout.indexOf(DOWNGRADE_SEPARATOR)) : stdout);
    const place = failurePlace(stderr, project.versionLocations);
    if (!marker) {
      const at = place.file ? ` in ${relative(process.cwd(), place.file)}:${place.line}` : "";
      throw new UsageError(`${what} failed (exit ${run.status})${at}: ${failureMessage(stdout, stderr)}`);
    }
    const file = place.file && relative(dirname(project.ini), place.file); // as the driver writes it
    stdout += `\n-- ${FAILURE_MARK} ${JSON.stringify({ ...marker, file, line: place.line, error: failureMessage(stdout, stderr), fatal: true })}\n`;
  }
  const [upgrade, downgrade] = stdout.split(`${DOWNGRADE_SEPARATOR}\n`);
  const sources = [decodeSource(UPGRADE_NAME, Buffer.from(upgrade!, "utf8"))];
  if (downgrade !== undefined) sources.push(decodeSource(DOWNGRADE_NAME, Buffer.from(downgrade, "utf8")));
  return { sources, stderr };
}

/** The revision alembic was running when it stopped: the last `-- Running ...` line it printed. */
function lastRevisionMarker(stdout: string): { direction: "upgrade" | "downgrade"; revision: string } | null {
  const markers = [...stdout.matchAll(/^-- Running (upgrade|downgrade) (.*?) -> (.*?)\s*$/gm)];
  const last = markers.at(-1);
  if (!last) return null;
  const direction = last[1] as "upgrade" | "downgrade";
  return { direction, revision: (direction === "upgrade" ? last[3] : last[2])!.trim() };
}

/** The innermost traceback frame in a revision file. */
function failurePlace(stderr: string, versionLocations: readonly string[]): { file: string | null; line: number | null } {
  const frames = [...stderr.matchAll(/^\s*File "(.+?)", line (\d+)/gm)].filter((m) => versionLocations.some((dir) => m[1]!.startsWith(dir + sep)));
  const frame = frames.at(-1);
  return frame ? { file: frame[1]!, line: Number(frame[2]) } : { file: null, line: null };
}

/** alembic prints `FAILED: ...` on stdout; a Python exception ends stderr with its last line. */
function failureMessage(stdout: string, stderr: string): string {
  const failed = `${stdout}\n${stderr}`.split("\n").find((line) => line.startsWith("FAILED:"));
  return (failed ?? stderr.trim().split("\n").at(-1) ?? "").trim() || "no message";
}
