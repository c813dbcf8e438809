import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { UsageError } from "../common/errors.js";

/** What git says about the working tree: the files a branch changes, and which branch is the default one. */

/** git answers from the local repository: a minute is plenty (a hung git must not hang locklint). */
const GIT_TIMEOUT_MS = 60_000;

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const run = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: GIT_TIMEOUT_MS });
  return { ok: !run.error && run.status === 0, out: run.stdout ?? "", err: (run.stderr ?? run.error?.message ?? "").trim() };
}

/** The top of the git work tree holding `cwd`, or null outside one (or without git). */
export function gitRoot(cwd: string): string | null {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  return top.ok ? top.out.trim() : null;
}

/**
 * The default branch, as far as git can tell: origin's HEAD, else the first of origin/main,
 * origin/master, main, master that exists; null when none does.
 */
export function defaultBranch(cwd: string): string | null {
  const remoteHead = git(cwd, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  if (remoteHead.ok && remoteHead.out.trim()) return remoteHead.out.trim();
  return ["origin/main", "origin/master", "main", "master"].find((ref) => git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).ok) ?? null;
}

/**
 * Absolute paths of the files added or changed since `ref`, as a pull request shows them
 * (`git diff ref...HEAD`), plus what is not committed yet (staged, unstaged, untracked): in CI the
 * two are the same; locally a new revision file counts before its commit.
 */
export function changedSince(cwd: string, ref: string): string[] {
  const root = gitRoot(cwd);
  if (!root) throw new UsageError(`--since-ref ${ref}: ${cwd} is not in a git work tree`);
  const commit = resolveCommit(root, ref);
  const base = git(root, ["merge-base", commit, "HEAD"]);
  if (!base.ok) throw new UsageError(`--since-ref ${ref}: git finds no common ancestor with HEAD (the histories are unrelated)`);
  const diff = git(root, ["diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", base.out.trim()]);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard", "-z"]);
  if (!diff.ok) throw new UsageError(`--since-ref ${ref}: git diff failed: ${diff.err}`);
  return [...new Set([...diff.out.split("\0"), ...untracked.out.split("\0")].filter(Boolean))].map((path) => join(root, path));
}

/**
 * The commit a user's ref names. Never given to git where it could be read as an option (a ref
 * starting with "-", e.g. --independent, would change what git does and pass the run); git's own
 * usage text or messages do not reach the user: one line says the ref is unknown.
 */
function resolveCommit(root: string, ref: string): string {
  if (ref.startsWith("-")) throw new UsageError(`--since-ref ${ref}: a git ref cannot start with "-"`);
  const commit = git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (!commit.ok) {
    throw new UsageError(
      `--since-ref ${ref}: git finds no common ancestor with HEAD: ${ref} is unknown here (no such branch, tag or commit); in a shallow CI checkout, fetch it (actions/checkout with fetch-depth: 0)`,
    );
  }
  return commit.out.trim();
}
