import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";

/** A fresh Python virtual environment, as a user makes one to install a tool from PyPI. */
export interface Venv {
  readonly dir: string;
  /** The path of a command the environment installed (`bin/` on POSIX). */
  bin: (name: string) => string;
  /** `python -m pip ...` inside the environment. */
  pip: (...args: string[]) => SpawnSyncReturns<string>;
}

/** The first Python that can make a virtual environment with pip in it (python3 on PATH, then Debian's). */
export function venvPython(): string | undefined {
  return ["python3", "/usr/bin/python3"].find((python) => spawnSync(python, ["-c", "import venv, ensurepip"]).status === 0);
}

/** Creates the environment, or says in one line why it cannot. */
export function createVenv(dir: string): Venv | string {
  const python = venvPython();
  if (!python) return "no Python that can create a virtual environment (python3 -m venv; Debian: apt-get install python3-venv)";
  const made = spawnSync(python, ["-m", "venv", dir], { encoding: "utf8" });
  if (made.status !== 0) return `${python} -m venv failed: ${made.stderr.trim()}`;
  const bin = (name: string) => join(dir, "bin", name);
  return {
    dir,
    bin,
    // no retries: a registry this machine cannot reach answers at once, and each retry waits seconds
    pip: (...args) =>
      spawnSync(bin("python"), ["-m", "pip", "--disable-pip-version-check", ...args], { encoding: "utf8", env: { PIP_RETRIES: "0", ...process.env } }),
  };
}
