import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { UsageError } from "../errors.js";
import { decodeSource, type SourceFile } from "../source.js";
import type { AlembicProject } from "./project.js";

export interface OfflineOptions {
  /** The interpreter; default: the first of python3, python on PATH that can import alembic. */
  python?: string;
  /** -x key=value arguments passed to alembic. */
  x?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The first interpreter that can import alembic; a one-line error naming what was tried when none can. */
export function findPython(candidates: readonly string[] = ["python3", "python"], env: NodeJS.ProcessEnv = process.env): string {
  for (const python of candidates) {
    if (spawnSync(python, ["-c", "import alembic"], { env, stdio: "ignore" }).status === 0) return python;
  }
  throw new UsageError(`no Python that can import alembic (tried ${candidates.join(", ")} on PATH): activate the project's environment or give --python PATH`);
}

/**
 * `upgrade base:heads --sql` for the whole history, in one alembic process (offline mode: no
 * database). stdout is the SQL; stderr (alembic's log and errors) is returned apart, never mixed in.
 */
export function renderUpgradeSql(project: AlembicProject, options: OfflineOptions = {}): { source: SourceFile; stderr: string } {
  const python = options.python ?? findPython(undefined, options.env);
  const args = ["-m", "alembic", "-c", project.ini, "-n", project.section, ...(options.x ?? []).flatMap((x) => ["-x", x]), "upgrade", "base:heads", "--sql"];
  // alembic resolves a relative script_location against the working directory: run it beside its ini
  const run = spawnSync(python, args, { cwd: dirname(project.ini), env: options.env ?? process.env, encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 });
  const stderr = run.stderr?.toString("utf8") ?? "";
  if (run.error) throw new UsageError(`cannot run ${python}: ${run.error.message}`);
  if (run.status !== 0) throw new UsageError(`alembic upgrade base:heads --sql failed (exit ${run.status}): ${failure(run.stdout.toString("utf8"), stderr)}`);
  return { source: decodeSource(`<alembic ${project.section}: upgrade base:heads --sql>`, run.stdout), stderr };
}

/** alembic prints `FAILED: ...` on stdout; a Python exception ends stderr with its last line. */
function failure(stdout: string, stderr: string): string {
  const failed = `${stdout}\n${stderr}`.split("\n").find((line) => line.startsWith("FAILED:"));
  return (failed ?? stderr.trim().split("\n").at(-1) ?? "").trim() || "no message";
}
