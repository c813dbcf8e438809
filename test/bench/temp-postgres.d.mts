/** A running throw-away cluster of Debian's newest installed PostgreSQL. */
export interface TempPostgres {
  url: string;
  /** The major version, e.g. "17". */
  version: string | undefined;
  stop(): void;
}

/** null when no PostgreSQL server binaries are installed. */
export function startTempPostgres(): TempPostgres | null;
