import type { StatementEffects } from "./effects.js";
import { stronger, type LockMode } from "./modes.js";
import type { ParsedStatement } from "../sql/parse.js";
import type { StatementPlace } from "../sql/script.js";

/**
 * Locks held from earlier statements of the open transaction on relations that existed before it.
 * Scoped to the transaction, or to the transaction and deploy unit (a revision is reviewed on its
 * own, even when alembic prints a history as one transaction). Updated in place after each
 * statement: rules read the live map, nothing is copied per statement.
 */
export interface HeldLock {
  relation: string;
  mode: LockMode;
  /** Where the statement that took it (the first one, for the strongest mode) starts. */
  line: number;
  sql: string;
  /** The alembic revision of that statement. */
  revision: string | null;
  /** Position in the order the transaction first locked its relations (0 first). */
  order: number;
}

export class HeldLocks {
  private readonly locks = new Map<string, HeldLock>();
  private scope: string | null = null;

  constructor(private readonly perUnit: boolean) {}

  /** The locks held as the statement starts. */
  before(place: StatementPlace): ReadonlyMap<string, HeldLock> {
    const scope = place.transaction === null ? null : this.perUnit ? `${place.transaction}/${place.unit.key}` : String(place.transaction);
    if (scope !== this.scope) this.locks.clear();
    this.scope = scope;
    return this.locks;
  }

  after(statement: ParsedStatement, place: StatementPlace, effects: StatementEffects): void {
    const ends = effects.operations.some((e) => e.operation.op === "transaction" && e.operation.kind !== "begin" && e.operation.kind !== "savepoint");
    if (place.transaction === null || ends) {
      this.locks.clear();
      return;
    }
    for (const lock of effects.locks) {
      if (this.perUnit ? lock.novelty !== null : lock.newInTransaction) continue;
      const previous = this.locks.get(lock.key);
      if (previous && stronger(previous.mode, lock.mode) === previous.mode) continue;
      const order = previous?.order ?? this.locks.size;
      this.locks.set(lock.key, {
        relation: lock.relation,
        mode: lock.mode,
        line: statement.startPos.line,
        sql: statement.sql,
        revision: place.revision?.id ?? null,
        order,
      });
    }
  }
}
