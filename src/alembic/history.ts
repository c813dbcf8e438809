import { UsageError } from "../common/errors.js";
import type { MigrationFile } from "./migration-files.js";

/**
 * The revision graph of an alembic project, read from its revision files: ids, down_revision
 * links (several for a merge), branch labels; and how a name given by the user resolves in it.
 */
export class RevisionHistory {
  private readonly children = new Map<string, string[]>();

  constructor(readonly files: ReadonlyMap<string, MigrationFile>) {
    for (const file of files.values()) {
      for (const down of file.downRevisions) this.children.set(down, [...(this.children.get(down) ?? []), file.revision]);
    }
  }

  get ids(): string[] {
    return [...this.files.keys()];
  }

  /** Revisions no other revision builds on. */
  get heads(): string[] {
    return this.ids.filter((id) => !this.children.has(id));
  }

  /**
   * What `--revision NAME` means: a revision id, a unique prefix of one, a branch label (the labelled
   * revisions and everything built on them), or `heads`.
   */
  resolve(name: string): string[] {
    if (this.files.has(name)) return [name];
    if (name === "heads" || name === "head") return this.heads;
    const labelled = this.ids.filter((id) => this.files.get(id)!.branchLabels.includes(name));
    if (labelled.length > 0) return this.withDescendants(labelled);
    const prefixed = this.ids.filter((id) => id.startsWith(name));
    if (prefixed.length === 1) return prefixed;
    if (prefixed.length > 1) throw new UsageError(`revision ${name} is ambiguous: ${prefixed.sort().join(", ")} start with it`);
    throw new UsageError(`no revision ${name} in the project: give a revision id (or a unique start of one), a branch label, or heads`);
  }

  /** The revisions and every revision built on them. */
  withDescendants(roots: readonly string[]): string[] {
    const found = new Set<string>();
    const visit = (id: string) => {
      if (found.has(id)) return;
      found.add(id);
      for (const child of this.children.get(id) ?? []) visit(child);
    };
    roots.forEach(visit);
    return [...found];
  }
}
