import type { StatementPlace } from "../sql/script.js";

/**
 * Settings in force for the statements of a script (lock_timeout, statement_timeout, TimeZone).
 * SET LOCAL lasts until its transaction ends. A setting made inside a revision counts only for
 * that revision: in production each revision ran on its own day, in its own session. A setting
 * made outside every revision (env.py's preamble) counts for all of them.
 */
interface SettingValue {
  value: string;
  /** The deploy unit that made it, or null for the whole session. */
  unit: string | null;
  /** SET LOCAL: the transaction it belongs to. */
  transaction: number | null;
}

export class Session {
  private readonly values = new Map<string, SettingValue>();

  set(name: string, value: string | null, local: boolean, place: StatementPlace): void {
    if (name === "all" && value === null) {
      this.values.clear();
      return;
    }
    if (local && place.transaction === null) return; // SET LOCAL outside a transaction does nothing
    if (value === null) {
      this.values.delete(name);
      return;
    }
    this.values.set(name, {
      value,
      unit: place.revision ? place.unit.key : null,
      transaction: local ? place.transaction : null,
    });
  }

  get(name: string, place: StatementPlace): string | undefined {
    const setting = this.values.get(name);
    if (!setting) return undefined;
    if (setting.unit !== null && setting.unit !== place.unit.key) return undefined;
    if (setting.transaction !== null && setting.transaction !== place.transaction) return undefined;
    return setting.value;
  }
}

/** lock_timeout / statement_timeout values that mean "wait forever". */
export function isDisabledTimeout(value: string | undefined): boolean {
  if (value === undefined) return true;
  return /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(value);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A timeout setting in milliseconds (a bare number is milliseconds, as PostgreSQL reads it); undefined when unreadable. */
export function timeoutMs(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[(match[2] ?? "ms").toLowerCase()]!;
}
