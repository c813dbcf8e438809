import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.js";

export const VERSIONS = "migrations/versions";

export function git(cwd: string, ...args: string[]): void {
  const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
}

/** The revision files of samples/feature-branch (a pull request on shop-safe), by name. */
export function sampleFeature(): Record<string, string> {
  const dir = join(ROOT, "samples/feature-branch");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((n) => n.endsWith(".py"))
      .map((n) => [n, readFileSync(join(dir, n), "utf8")]),
  );
}

/**
 * A git repository holding a sample alembic project on main, with a feature branch checked out
 * that adds these revision files. With `clone`, main lives in an "origin" repository and this is
 * a clone of it (so origin/main and origin/HEAD exist, as in CI).
 */
export function makeRepository(sample: "shop-risky" | "shop-safe", feature: Record<string, string>, options: { clone?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "locklint-alembic-"));
  const main = options.clone ? join(dir, "origin") : dir;
  cpSync(join(ROOT, "samples", sample, "alembic.ini"), join(main, "alembic.ini"));
  cpSync(join(ROOT, "samples", sample, "migrations"), join(main, "migrations"), { recursive: true });
  git(main, "init", "-q", "-b", "main");
  git(main, "add", "-A");
  git(main, "commit", "-qm", sample);
  let repo = main;
  if (options.clone) {
    repo = join(dir, "work");
    git(dir, "clone", "-q", main, repo);
  }
  git(repo, "checkout", "-qb", "feature");
  for (const [name, text] of Object.entries(feature)) writeFileSync(join(repo, VERSIONS, name), text);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "--allow-empty", "-m", "feature revisions");
  return repo;
}
