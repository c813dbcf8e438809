import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonCandidates } from "../../src/alembic/offline.js";
import { run } from "../../src/cli/program.js";
import { git, makeRepository, sampleFeature } from "../support/alembic-repo.js";
import { type CliResult, DEBIAN_PYTHON, HAS_ALEMBIC, needs } from "../support/cli.js";

/**
 * `locklint alembic` without --python finds the project's Python the way users run alembic: the
 * active environment, the project's .venv or venv, then PATH. Installed with pipx or uvx, the
 * python3 first on PATH may be the tool's own environment, without the project's alembic: here a
 * python3 that runs Debian's Python without site-packages (so without alembic) stands for it.
 */

/** The CLI in-process, in `cwd`, with exactly this environment. */
async function locklint(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign((async function* () {})(), { isTTY: false });
  const code = await run(args, {
    cwd,
    env,
    stdin,
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

function executable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** An environment whose bin/python is Debian's Python, which has alembic. */
function withAlembic(prefix: string): string {
  mkdirSync(join(prefix, "bin"), { recursive: true });
  symlinkSync(DEBIAN_PYTHON, join(prefix, "bin/python"));
  return prefix;
}

/** An environment whose bin/python cannot import alembic (no site-packages). */
function withoutAlembic(prefix: string): string {
  executable(join(prefix, "bin/python"), `#!/bin/sh\nexec ${DEBIAN_PYTHON} -S "$@"\n`);
  return prefix;
}

const SELECTION = "locklint alembic: 2 revisions added or changed since main (the default branch): 0007, 0008\n";

describe.skipIf(!HAS_ALEMBIC)(
  needs(HAS_ALEMBIC, "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)", "locklint alembic: which Python runs alembic"),
  () => {
    let toolPath: string;
    let scratch: string;
    const lint = (repo: string, env: NodeJS.ProcessEnv = {}) => locklint(["alembic"], repo, { PATH: toolPath, ...env });

    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), "locklint-python-"));
      toolPath = join(withoutAlembic(join(scratch, "tool")), "bin");
      executable(join(toolPath, "python3"), `#!/bin/sh\nexec ${DEBIAN_PYTHON} -S "$@"\n`);
      expect(spawnSync(join(toolPath, "python3"), ["-c", "import alembic"]).status).not.toBe(0);
    });

    it("the project's .venv beside alembic.ini, when PATH's python3 cannot import alembic; stderr says which", async () => {
      const repo = makeRepository("shop-safe", sampleFeature());
      withAlembic(join(repo, ".venv"));
      const r = await lint(repo);
      expect(r.stderr).toBe(`${SELECTION}locklint alembic: python: .venv/bin/python (beside alembic.ini)\n`);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("migrations/versions/0007_order_status.py:17");
    });

    it("an active virtualenv comes before .venv, and $CONDA_PREFIX after it; one that cannot import alembic is passed over", async () => {
      const repo = makeRepository("shop-safe", sampleFeature());
      withAlembic(join(repo, ".venv"));
      const active = withAlembic(join(scratch, "active"));
      const conda = withAlembic(join(scratch, "conda"));
      const broken = withoutAlembic(join(scratch, "broken"));
      const python = async (env: NodeJS.ProcessEnv) => (await lint(repo, env)).stderr.split("\n")[1];
      expect(await python({ VIRTUAL_ENV: active, CONDA_PREFIX: conda })).toBe(`locklint alembic: python: ${active}/bin/python ($VIRTUAL_ENV)`);
      expect(await python({ VIRTUAL_ENV: broken, CONDA_PREFIX: conda })).toBe(`locklint alembic: python: ${conda}/bin/python ($CONDA_PREFIX)`);
      expect(await python({ VIRTUAL_ENV: broken })).toBe("locklint alembic: python: .venv/bin/python (beside alembic.ini)");
    });

    it("when none can import alembic, one line names every candidate tried, in order, and what to do", async () => {
      const repo = makeRepository("shop-safe", sampleFeature());
      withoutAlembic(join(repo, ".venv"));
      const r = await lint(repo, { VIRTUAL_ENV: "/nonexistent/env" });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `${SELECTION}locklint: no Python that can import alembic; tried /nonexistent/env/bin/python ($VIRTUAL_ENV: cannot run), .venv/bin/python (beside alembic.ini: no alembic), python3 (on PATH: no alembic), python (on PATH: no alembic): activate the project's environment or give --python PATH\n`,
      );
    });
  },
);

describe("the candidates, in order", () => {
  it("beside alembic.ini .venv before venv, then up to the git repository root and no further", () => {
    const repo = mkdtempSync(join(tmpdir(), "locklint-python-"));
    git(repo, "init", "-q");
    const ini = join(repo, "services/api/alembic.ini");
    for (const dir of ["services/api/venv", "services/api/.venv", "services/.venv", ".venv", "venv"]) withoutAlembic(join(repo, dir));
    expect(pythonCandidates(ini, { VIRTUAL_ENV: join(repo, ".venv"), CONDA_PREFIX: "/opt/conda" })).toEqual([
      { python: join(repo, ".venv/bin/python"), where: "$VIRTUAL_ENV" },
      { python: "/opt/conda/bin/python", where: "$CONDA_PREFIX" },
      { python: join(repo, "services/api/.venv/bin/python"), where: "beside alembic.ini" },
      { python: join(repo, "services/api/venv/bin/python"), where: "beside alembic.ini" },
      { python: join(repo, "services/.venv/bin/python"), where: "above alembic.ini" },
      // the root's .venv is the active one, already first
      { python: join(repo, "venv/bin/python"), where: "at the repository root" },
      { python: "python3", where: "on PATH" },
      { python: "python", where: "on PATH" },
    ]);
  });

  it("outside git, the directories above alembic.ini", () => {
    const dir = mkdtempSync(join(tmpdir(), "locklint-python-"));
    withoutAlembic(join(dir, "venv"));
    mkdirSync(join(dir, "db"));
    expect(pythonCandidates(join(dir, "db/alembic.ini"), {})).toContainEqual({ python: join(dir, "venv/bin/python"), where: "above alembic.ini" });
  });
});
