import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BIN, DEBIAN_PYTHON, HAS_ALEMBIC, ROOT, runBin, runCli, needs } from "../support/cli.js";
import { makeRepository, VERSIONS } from "../support/alembic-repo.js";
import { findPython } from "../../src/alembic/offline.js";

/**
 * `locklint alembic` and `--sql-command` as an unlucky user meets them (issue 16): a child process
 * that never ends, locklint stopped by a signal, a revision that ends alembic early, two files with
 * one revision id, a git ref that looks like an option, files in versions/ that are no files.
 */

/** A revision after shop-safe's head whose upgrade() runs `body` (Python, indented by 4). */
function revision(id: string, down: string, body: string): string {
  return `"""revision ${id}"""
from alembic import op

revision = "${id}"
down_revision = "${down}"
branch_labels = None
depends_on = None


def upgrade():
${body}


def downgrade():
    pass
`;
}

/** An upgrade() that writes its process id to `pidFile`, then sleeps for two minutes. */
const sleeping = (pidFile: string) => `    import os, time\n    open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\n    time.sleep(120)`;

/** Whether the process is gone (a zombie waiting for its reaper counts as gone: it runs nothing). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

const readPid = (file: string) => Number(readFileSync(file, "utf8"));

/** The real launcher, as a user starts it, left running (the test signals it). */
function startBin(args: string[], cwd: string) {
  const child = spawn(process.execPath, ["--liftoff-only", BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, closed };
}

const scratch = () => mkdtempSync(join(tmpdir(), "locklint-robust-"));
const pids: number[] = [];
afterEach(() => {
  // a failed test must not leave its sleeper behind
  for (const pid of pids.splice(0)) if (!gone(pid)) process.kill(pid, "SIGKILL");
});

describe("--sql-command: a command that never ends", () => {
  it("--timeout stops the shell and what it started: exit 2, one line, nothing linted", async () => {
    const pidFile = join(scratch(), "pid");
    const command = `sleep 60 & echo $! > ${pidFile}; wait`;
    const started = Date.now();
    const result = await runCli(["--sql-command", command, "--timeout", "1"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `locklint: --sql-command ${JSON.stringify(command)}: did not finish within 1 s, stopped; nothing was linted (--timeout SECONDS allows longer)\n`,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    pids.push(readPid(pidFile));
    expect(await waitFor(() => gone(readPid(pidFile)), 5000)).toBe(true);
  });

  it("what the command leaves running in the background is stopped when it ends", async () => {
    const pidFile = join(scratch(), "pid");
    const result = await runCli(["--sql-command", `echo 'SELECT 1;'; sleep 60 > /dev/null 2>&1 & echo $! > ${pidFile}`]);
    expect(result.code).toBe(0);
    const sleeper = readPid(pidFile);
    pids.push(sleeper);
    expect(await waitFor(() => gone(sleeper), 2000)).toBe(true);
  });

  it("a --timeout that is no number of seconds is a usage error", async () => {
    for (const value of ["0", "-1", "soon", "100000"]) {
      const result = await runCli(["--sql-command", "true", "--timeout", value]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `option '--timeout <seconds>' argument '${value}' is invalid. expected a number of seconds, more than 0 and at most 86400`,
      );
    }
  });

  it("locklint exiting for another reason (process.exit with a child running) kills the child's process group", async () => {
    const dir = scratch();
    const pidFile = join(dir, "pid");
    const script = join(dir, "exits.mts");
    const source = pathToFileURL(join(ROOT, "src/common/child-process.ts")).href;
    writeFileSync(
      script,
      `import { startChild } from ${JSON.stringify(source)};
const child = startChild(${JSON.stringify(`sleep 60 & echo $! > ${pidFile}; wait`)}, [], { shell: true, env: process.env, timeoutSeconds: 100, what: "x" });
child.stdout.resume();
setTimeout(() => process.exit(3), 500);
`,
    );
    expect(spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT }).status).toBe(3);
    const sleeper = readPid(pidFile);
    pids.push(sleeper);
    expect(await waitFor(() => gone(sleeper), 2000)).toBe(true);
  });

  it("SIGINT to locklint stops the shell's children: none is orphaned", async () => {
    const dir = scratch();
    const pidFile = join(dir, "pid");
    const run = startBin(["--sql-command", `sleep 60 & echo $! > ${pidFile}; wait`], dir);
    expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 10_000)).toBe(true);
    const sleeper = readPid(pidFile);
    pids.push(sleeper);
    run.child.kill("SIGINT");
    const ended = await run.closed;
    expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: null, signal: "SIGINT" });
    expect(await waitFor(() => gone(sleeper), 10_000)).toBe(true);
  });
});

const ALEMBIC = "alembic for /usr/bin/python3 (apt-get install -y python3-alembic)";

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic: a python that never ends"), () => {
  let repo: string;
  let pidFile: string;
  beforeAll(() => {
    pidFile = join(scratch(), "pid");
    repo = makeRepository("shop-safe", { "0007_sleeps.py": revision("0007", "0006", sleeping(pidFile)) });
  });
  afterEach(() => rmSync(pidFile, { force: true }));

  it("--timeout stops alembic: exit 2, one line naming what timed out, and its python is gone", async () => {
    const result = await runCli(["alembic", "--python", DEBIAN_PYTHON, "-c", join(repo, "alembic.ini"), "--all", "--timeout", "2"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `locklint alembic: every revision (7)\nlocklint: alembic upgrade base:heads --sql for ${join(repo, "alembic.ini")}: did not finish within 2 s, stopped; nothing was linted (--timeout SECONDS allows longer)\n`,
    );
    const python = readPid(pidFile);
    pids.push(python);
    expect(await waitFor(() => gone(python), 5000)).toBe(true);
  });

  it("SIGTERM to locklint stops its python: not orphaned, and locklint dies of SIGTERM", async () => {
    const run = startBin(["alembic", "--python", DEBIAN_PYTHON, "--all"], repo);
    expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "", 15_000)).toBe(true);
    const python = readPid(pidFile);
    pids.push(python);
    run.child.kill("SIGTERM");
    const ended = await run.closed;
    expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: null, signal: "SIGTERM" });
    expect(await waitFor(() => gone(python), 10_000)).toBe(true);
  });
});

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic: output over the size limit"), () => {
  it("alembic printing more than --max-input-mb is stopped: exit 2, one line", async () => {
    const repo = makeRepository("shop-safe", { "0007_loud.py": revision("0007", "0006", '    for i in range(100000):\n        op.execute("SELECT %d" % i)') });
    const ini = join(repo, "alembic.ini");
    const result = await runCli(["alembic", "--python", DEBIAN_PYTHON, "-c", ini, "--all", "--max-input-mb", "0.5"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `locklint alembic: every revision (7)\nlocklint: alembic upgrade base:heads --sql for ${ini}: printed more than 0.5 MB of SQL, stopped; nothing was linted (--max-input-mb MB allows more)\n`,
    });
  });
});

describe("locklint alembic: a Python that hangs on start", () => {
  it("is passed over after the timeout, named in the one-line error with why, and stopped", async () => {
    const dir = scratch();
    const pidFile = join(dir, "pid");
    const python = join(dir, "python");
    writeFileSync(python, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 60\n`, { mode: 0o755 });
    await expect(findPython([{ python, where: "beside alembic.ini" }], {}, dir, 1)).rejects.toThrow(
      "no Python that can import alembic; tried python (beside alembic.ini: no answer within 1 s): activate the project's environment or give --python PATH",
    );
    pids.push(readPid(pidFile));
    expect(await waitFor(() => gone(readPid(pidFile)), 5000)).toBe(true);
  });
});

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic: a revision that ends alembic early does not pass"), () => {
  const lint = (repo: string, ...args: string[]) => runBin(["alembic", "--python", DEBIAN_PYTHON, "--format", "json", ...args], { cwd: repo });

  it("an upgrade() calling sys.exit(0) is an offline failure at its line; the run exits 1", () => {
    const repo = makeRepository("shop-safe", { "0007_exits.py": revision("0007", "0006", '    op.execute("SELECT 1")\n    import sys\n    sys.exit(0)') });
    const result = lint(repo);
    expect(result.code).toBe(1);
    const findings = (
      JSON.parse(result.stdout) as { findings: { rule: string; revision: string; message: string; migration: { file: string; line: number } }[] }
    ).findings;
    expect(findings.map((f) => [f.rule, f.revision, `${f.migration.file}:${f.migration.line}`])).toEqual([
      ["alembic-offline-failure", "0007", `${VERSIONS}/0007_exits.py:13`],
    ]);
    expect(findings[0]!.message).toBe(
      "revision 0007: upgrade() (line 13) fails in offline mode: sys.exit(0) ended alembic before the end of the run; alembic stopped here: this revision's later statements and every revision after it are not linted",
    );
  });

  it("a revision that ends the process with os._exit(0) (no traceback, status 0): exit 2 naming the revisions never rendered and their files", () => {
    const repo = makeRepository("shop-safe", {
      "0007_exits.py": revision("0007", "0006", "    import os\n    os._exit(0)"),
      "0008_after.py": revision("0008", "0007", '    op.execute("SELECT 1")'),
    });
    const result = lint(repo);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe(
      "locklint alembic: 2 revisions added or changed since main (the default branch): 0007, 0008\n" +
        `locklint: alembic ended with status 0 but never ran the upgrade of revision 0008 (${VERSIONS}/0008_after.py): it stopped early, after 0007 (does a revision or env.py end the process, or does alembic not load that file?); nothing was linted\n`,
    );
  });

  it("a revision file alembic does not load (in a subdirectory of versions/, alembic 1.8) is not passed silently: exit 2 naming it", () => {
    const repo = makeRepository("shop-safe", {});
    mkdirSync(join(repo, VERSIONS, "sub"));
    writeFileSync(join(repo, VERSIONS, "sub/0007_hidden.py"), revision("0007", "0006", '    op.execute("SELECT 1")'));
    const result = lint(repo, "--all");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`locklint: alembic ended with status 0 but never ran the upgrade of revision 0007 (${VERSIONS}/sub/0007_hidden.py)`);
  });

  it("a new file reusing an existing revision id: exit 2 naming both files, before alembic runs", () => {
    const copy = readFileSync(join(makeRepository("shop-safe", {}), VERSIONS, "0006_wider_names.py"), "utf8");
    const repo = makeRepository("shop-safe", { "0007_again.py": copy.replace("def upgrade():", "def upgrade():\n    op.execute('SELECT 1')") });
    const result = lint(repo);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `locklint: ${join(repo, VERSIONS, "0007_again.py")}: revision 0006 is also the revision of ${join(repo, VERSIONS, "0006_wider_names.py")}: give one of them a new revision id\n`,
    });
  });

  it("alembic's warnings on stderr are passed on, one line each (a version location listed twice)", () => {
    const repo = makeRepository("shop-safe", {});
    const ini = readFileSync(join(repo, "alembic.ini"), "utf8");
    writeFileSync(
      join(repo, "alembic.ini"),
      ini.replace(
        "script_location = migrations",
        "script_location = migrations\nversion_locations = %(here)s/migrations/versions %(here)s/migrations/versions",
      ),
    );
    const result = lint(repo, "--all");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^locklint alembic: alembic: UserWarning: File .*0001_create_users_orders\.py loaded twice! ignoring\. Please ensure version_locations is unique\. \(.*\.py:\d+\)$/m,
    );
  });
});

describe.skipIf(!HAS_ALEMBIC)(needs(HAS_ALEMBIC, ALEMBIC, "locklint alembic --since-ref: a ref is never an option to git"), () => {
  let repo: string;
  beforeAll(() => {
    repo = makeRepository("shop-safe", { "0007_index.py": revision("0007", "0006", '    op.create_index("ix_users_name", "users", ["name"])') });
  });
  const lint = (...args: string[]) => runBin(["alembic", "--python", DEBIAN_PYTHON, ...args], { cwd: repo });

  it("--since-ref=--independent (a ref starting with -) is refused in one line, exit 2", () => {
    for (const ref of ["--independent", "-h", "--all"]) {
      expect(lint(`--since-ref=${ref}`)).toEqual({ code: 2, stdout: "", stderr: `locklint: --since-ref ${ref}: a git ref cannot start with "-"\n` });
    }
  });

  it("an unknown ref is one line saying so: no git usage text", () => {
    for (const ref of ["nope", "main..HEAD~99", "HEAD@{-9}"]) {
      expect(lint("--since-ref", ref)).toEqual({
        code: 2,
        stdout: "",
        stderr: `locklint: --since-ref ${ref}: git finds no common ancestor with HEAD: ${ref} is unknown here (no such branch, tag or commit); in a shallow CI checkout, fetch it (actions/checkout with fetch-depth: 0)\n`,
      });
    }
    // a known ref still works
    expect(lint("--since-ref", "main").code).toBe(1);
  });
});

describe("a .py in versions/ that is no regular file: exit 2 naming it, no hang", () => {
  const cases: [string, (path: string) => void, string][] = [
    ["a FIFO", (path) => spawnSync("mkfifo", [path]), "a named pipe (FIFO)"],
    ["a broken symbolic link", (path) => symlinkSync("nowhere.py", path), "a broken symbolic link"],
    ["a directory named x.py", (path) => mkdirSync(path), "a directory"],
  ];
  for (const [what, make, kind] of cases) {
    it(`${what} in versions/`, async () => {
      const dir = scratch();
      mkdirSync(join(dir, "migrations/versions"), { recursive: true });
      writeFileSync(join(dir, "alembic.ini"), "[alembic]\nscript_location = migrations\n");
      const path = join(dir, "migrations/versions/0009_odd.py");
      make(path);
      const message = `locklint: ${path}: ${kind}, not a revision file; alembic loads every .py in ${join(dir, "migrations/versions")}: remove it or rename it\n`;
      expect(await runCli(["alembic", "--python", DEBIAN_PYTHON, "-c", join(dir, "alembic.ini"), "--all"])).toEqual({ code: 2, stdout: "", stderr: message });
      // --alembic-dir reads the same directory alembic does
      expect(await runCli(["--alembic-dir", join(dir, "migrations/versions")], "SELECT 1;")).toEqual({ code: 2, stdout: "", stderr: message });
    });
  }
});
