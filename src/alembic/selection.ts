import { realpathSync } from "node:fs";
import { UsageError } from "../common/errors.js";
import { plural } from "../common/text.js";
import { changedSince, defaultBranch, gitRoot } from "./git.js";
import type { RevisionHistory } from "./history.js";

/** Which revisions `locklint alembic` reports (the whole history is always rendered and replayed). */
export interface SelectionOptions {
  all?: boolean;
  revision?: string[];
  sinceRef?: string;
}

export interface Selection {
  revisions: Set<string>;
  /**
   * The selected revisions that go out in one deploy (what a branch adds, --since-ref): judged as
   * `--since` judges the revisions after it, on a database that holds every other revision, what one
   * of them creates being new to the others. Only those every revision built on is selected too: a
   * changed revision that unselected ones build on was deployed long ago, and is judged on its own,
   * as --all and --revision judge each revision.
   */
  together: ReadonlySet<string>;
  /** One line for the user: what was selected and why. */
  description: string;
}

export function selectRevisions(history: RevisionHistory, options: SelectionOptions, cwd: string): Selection {
  const given = [options.all && "--all", options.revision?.length && "--revision", options.sinceRef !== undefined && "--since-ref"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of --all, --revision and --since-ref, not ${given.join(" and ")}`);
  if (options.all) return { revisions: new Set(history.ids), together: new Set(), description: `every revision (${history.ids.length})` };
  if (options.revision?.length) {
    const revisions = new Set(options.revision.flatMap((name) => history.resolve(name)));
    return { revisions, together: new Set(), description: `${plural(revisions.size, "revision")} named: ${listed(revisions)}` };
  }
  if (options.sinceRef !== undefined) return changedRevisions(history, cwd, options.sinceRef, "");
  const ref = gitRoot(cwd) ? defaultBranch(cwd) : null;
  if (!ref)
    return {
      revisions: new Set(history.ids),
      together: new Set(),
      description: `every revision (${history.ids.length}): git cannot tell a default branch to compare with`,
    };
  return changedRevisions(history, cwd, ref, " (the default branch)");
}

/** The revisions whose files changed since `ref`. */
function changedRevisions(history: RevisionHistory, cwd: string, ref: string, note: string): Selection {
  const byPath = new Map([...history.files.values()].map((file) => [realPath(file.path), file.revision]));
  const revisions = new Set(changedSince(cwd, ref).flatMap((path) => byPath.get(realPath(path)) ?? []));
  const description =
    revisions.size === 0
      ? `no revision file added or changed since ${ref}${note}: nothing to report (--all reports every revision)`
      : `${plural(revisions.size, "revision")} added or changed since ${ref}${note}: ${listed(revisions)}`;
  const together = new Set([...revisions].filter((id) => history.withDescendants([id]).every((d) => revisions.has(d))));
  return { revisions, together, description };
}

function listed(revisions: ReadonlySet<string>): string {
  return [...revisions].join(", ");
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
