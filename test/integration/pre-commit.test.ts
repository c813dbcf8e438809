import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_ALEMBIC, ROOT } from "../support/cli.js";
import { git } from "../support/alembic-repo.js";
import { createVenv } from "../support/venv.js";

// Installs the hooks of .pre-commit-hooks.yaml the way a user's pre-commit does (a clone of this
// repository at its HEAD commit, installed with npm) and runs them on a sample alembic project, with the
// current pre-commit from PyPI (installed into a fresh venv, as users do) and Debian's when it is there.
const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });

/** A pre-commit to test: its name, and its executable or why it is not there. */
type PreCommit = { name: string; executable: string } | { name: string; executable?: undefined; why: string };

function preCommits(): PreCommit[] {
  const venv = createVenv(mkdtempSync(join(tmpdir(), "locklint-pre-commit-venv-")));
  let fromPypi: { executable: string } | { why: string };
  if (typeof venv === "string") fromPypi = { why: venv };
  else {
    const installed = venv.pip("install", "--quiet", "pre-commit");
    fromPypi =
      installed.status === 0 ? { executable: venv.bin("pre-commit") } : { why: `pip install pre-commit failed: ${installed.stderr.trim().split("\n").at(-1)}` };
  }
  const debian =
    spawnSync("/usr/bin/pre-commit", ["--version"]).status === 0
      ? { executable: "/usr/bin/pre-commit" }
      : { why: "Debian's pre-commit is not installed (apt-get install -y pre-commit)" };
  return [
    { name: "pre-commit from PyPI", ...fromPypi },
    { name: "Debian's pre-commit", ...debian },
  ];
}

const unable = head.status !== 0 ? "the checkout is not a git repository" : !HAS_ALEMBIC ? "/usr/bin/python3 cannot import alembic" : "";

const tools: PreCommit[] = unable ? [{ name: "pre-commit", why: unable }] : preCommits();
for (const tool of tools) {
  const { name, executable } = tool;
  const version = executable ? spawnSync(executable, ["--version"], { encoding: "utf8" }).stdout.trim() : name;

  const title =
    tool.executable === undefined ? `pre-commit hooks with ${name} (skipped: ${tool.why})` : `pre-commit hooks (.pre-commit-hooks.yaml) with ${version}`;
  describe.skipIf(!executable)(title, () => {
    const project = mkdtempSync(join(tmpdir(), "locklint-pre-commit-"));
    const env = { ...process.env, PRE_COMMIT_HOME: join(project, ".cache"), NO_COLOR: "1" };
    const preCommit = (...args: string[]) => spawnSync(executable!, ["run", ...args], { cwd: project, encoding: "utf8", env });

    it("installs from a clone and fails the commit on the risky sample, both as SQL files and through alembic", () => {
      cpSync(join(ROOT, "samples/shop-risky"), project, { recursive: true });
      writeFileSync(join(project, "safe.sql"), "ALTER TABLE orders ADD COLUMN note text;\n");
      writeFileSync(
        join(project, ".pre-commit-config.yaml"),
        [
          "repos:",
          `  - repo: ${ROOT}`,
          `    rev: ${head.stdout.trim()}`,
          "    hooks:",
          "      - id: locklint",
          "        exclude: downgrade\\.sql$",
          "      - id: locklint-alembic",
          "        args: [--python, /usr/bin/python3]",
          "",
        ].join("\n"),
      );
      git(project, "init", "-q");
      git(project, "add", "-A");
      const all = preCommit("--all-files");
      expect(all.status, all.stdout + all.stderr).toBe(1);
      expect(all.stdout).toMatch(/locklint \(migration SQL files\)\.+Failed/);
      expect(all.stdout).toMatch(/locklint \(alembic revisions\)\.+Failed/);
      expect(all.stdout).toContain("upgrade.sql:31:1  error  require-concurrent-index-creation");
      // no commit yet, so no default branch to compare with: every revision, at its .py line
      expect(all.stdout).toContain("locklint alembic: every revision (5): git cannot tell a default branch to compare with");
      expect(all.stdout).toContain(
        "migrations/versions/0002_order_lookups.py:15:5  error  require-concurrent-index-creation\n  CREATE INDEX on existing table orders",
      );
    }, 240_000);

    it("passes a safe SQL file, and the alembic hook does not run when no migration changed", () => {
      const safe = preCommit("--files", "safe.sql");
      expect(safe.status, safe.stdout + safe.stderr).toBe(0);
      expect(safe.stdout).toMatch(/locklint \(migration SQL files\)\.+Passed/);
      expect(safe.stdout).toMatch(/locklint \(alembic revisions\)\.+\(no files to check\)Skipped/);
    }, 120_000);
  });
}
