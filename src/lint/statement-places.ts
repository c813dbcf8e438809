import type { MigrationLocation } from "./findings.js";
import type { Revision } from "../sql/script.js";

/** What the .py mapping reads of a statement (or a comment) of the script. */
export interface LocatedStatement {
  file: string;
  sql: string;
  revision: Revision | null;
}

/** Places in the migration files (`locklint alembic`, `--alembic-dir`); undefined for what belongs to no known revision file. */
export interface StatementLocator {
  /** A statement's place, asked in file order: the op.* call that printed it, else the migration function or file. */
  statement(statement: LocatedStatement): MigrationLocation | undefined;
  /** A revision step's migration function (`def upgrade` of B for `-- Running upgrade A -> B`). */
  step(revision: Revision): MigrationLocation | undefined;
  /** A place a rule read from the script (an offline failure's file, as alembic names it), as the others are shown. */
  shown(location: MigrationLocation): MigrationLocation;
}

/**
 * Where the statements of one file are, worked out before the rules run, so that a finding and a
 * message citing an earlier statement name the same place: the .py file, line and op.* call when
 * the migration files are known, else the line of the SQL.
 */
export class StatementPlaces {
  private readonly byStart = new Map<string, MigrationLocation | undefined>();
  private readonly byLine = new Map<number, MigrationLocation | undefined>();

  constructor(private readonly locator: StatementLocator | undefined) {}

  /** Locates a statement; call for each statement of the file, in order (the locator claims op.* calls in that order). */
  add(statement: LocatedStatement & { line: number; column: number }): void {
    if (!this.locator) return;
    const location = this.locator.statement(statement);
    this.byStart.set(`${statement.line}:${statement.column}`, location);
    if (!this.byLine.has(statement.line)) this.byLine.set(statement.line, location);
  }

  /** A revision marker (`-- Running upgrade A -> B`) at this line: cited as the migration function it starts. */
  addBoundary(revision: Revision): void {
    if (this.locator && !this.byLine.has(revision.line)) this.byLine.set(revision.line, this.locator.step(revision));
  }

  /** A place a rule knew (report.migration), shown as the located ones are. */
  shown(location: MigrationLocation): MigrationLocation {
    return this.locator ? this.locator.shown(location) : location;
  }

  /** The migration place of the statement starting here, if known. */
  of(line: number, column: number): MigrationLocation | undefined {
    return this.byStart.get(`${line}:${column}`);
  }

  /** A comment's place (a finding about it): the migration function it was printed by. */
  locate(comment: LocatedStatement): MigrationLocation | undefined {
    return this.locator?.statement(comment);
  }

  /** The statement (or revision marker) that starts at this line of the file, as a message names it. */
  describe(line: number): string {
    return describePlace(line, this.byLine.get(line));
  }
}

/** `versions/0007_orders.py:42 (op.create_index)` when the migration place is known, else `line 111` (of the SQL). */
export function describePlace(line: number, location: MigrationLocation | undefined): string {
  if (!location) return `line ${line}`;
  return `${location.file}:${location.line}${location.call ? ` (${location.call})` : ""}`;
}
