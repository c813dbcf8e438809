import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAS_ALEMBIC, ROOT } from "./support/cli.js";
import { git } from "./support/alembic-repo.js";

// Installs the hooks of .pre-commit-hooks.yaml the way a user's pre-commit does (a clone of this
// repository at its HEAD commit, npm install, npm pack) and runs them on a sample alembic project.
const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });
const hasPreCommit = spawnSync("pre-commit", ["--version"]).status === 0;
const why = !hasPreCommit ? "pre-commit is not installed (apt-get install -y pre-commit)" : head.status !== 0 ? "the checkout is not a git repository" : !HAS_ALEMBIC ? "/usr/bin/python3 cannot import alembic" : "";
if (why) console.warn(`SKIPPED: pre-commit hooks: ${why}`);

describe.skipIf(why !== "")("pre-commit hooks (.pre-commit-hooks.yaml)", () => {
  const project = mkdtempSync(join(tmpdir(), "locklint-pre-commit-"));
  const env = { ...process.env, PRE_COMMIT_HOME: join(project, ".cache"), NO_COLOR: "1" };
  const preCommit = (...args: string[]) => spawnSync("pre-commit", ["run", ...args], { cwd: project, encoding: "utf8", env });

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
    expect(all.stdout).toContain("migrations/versions/0002_order_lookups.py:15:5  error  require-concurrent-index-creation\n  CREATE INDEX on existing table orders");
  }, 240_000);

  it("passes a safe SQL file, and the alembic hook does not run when no migration changed", () => {
    const safe = preCommit("--files", "safe.sql");
    expect(safe.status, safe.stdout + safe.stderr).toBe(0);
    expect(safe.stdout).toMatch(/locklint \(migration SQL files\)\.+Passed/);
    expect(safe.stdout).toMatch(/locklint \(alembic revisions\)\.+\(no files to check\)Skipped/);
  }, 120_000);
});
