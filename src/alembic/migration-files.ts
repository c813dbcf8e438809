import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../common/errors.js";
import { LineIndex } from "../sql/position.js";

/** An `op.*` (or `batch_op.*`) call in a migration function: where it is and its text. */
export interface OpCall {
  /** e.g. `op.create_index` */
  name: string;
  line: number;
  column: number;
  text: string;
}

export interface MigrationFunction {
  line: number;
  calls: OpCall[];
}

/** One alembic migration file: its revision id, its place in the history and its upgrade/downgrade functions. */
export interface MigrationFile {
  path: string;
  revision: string;
  /** down_revision: none for a first revision, several for a merge. */
  downRevisions: string[];
  branchLabels: string[];
  upgrade?: MigrationFunction;
  downgrade?: MigrationFunction;
}

const REVISION = /^revision\s*(?::\s*[\w.[\], ]+)?=\s*(['"])([^'"]+)\1/m;
/** `name = <value>` at the start of a line, with an optional type annotation; the value runs to the end of its brackets. */
const assignment = (name: string) => new RegExp(`^${name}\\s*(?::\\s*[\\w.[\\], ]+)?=\\s*(\\([^)]*\\)|\\[[^\\]]*\\]|.*)$`, "m");
const DOWN_REVISION = assignment("down_revision");
const BRANCH_LABELS = assignment("branch_labels");
const FUNCTION = /^def (upgrade|downgrade)\s*\(/;
const CALL = /\b((?:op|batch_op)\.\w+)\s*\(/g;

/**
 * Every .py file under the directories, by revision id; `what` names the directories in errors.
 * Two files with one revision id are an error naming both (alembic would keep one of them, and
 * only warn).
 */
export function indexMigrationFiles(dirs: readonly string[], what = "--alembic-dir"): Map<string, MigrationFile> {
  const index = new Map<string, MigrationFile>();
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const path of pythonFiles(dir, what)) {
      // one file reached twice (a location listed twice, a link to a file beside it) is read once, as alembic does
      const real = realpathSync(path);
      if (seen.has(real)) continue;
      seen.add(real);
      const file = readMigrationFile(path, readPython(path));
      if (!file) continue;
      const first = index.get(file.revision);
      if (first) throw new UsageError(`${path}: revision ${file.revision} is also the revision of ${first.path}: give one of them a new revision id`);
      index.set(file.revision, file);
    }
  }
  return index;
}

function readPython(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function pythonFiles(dir: string, what: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${what} ${dir}: not a directory`);
    entries = readdirSync(dir);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} ${dir}: no such directory`);
  }
  return entries.sort().flatMap((name) => {
    const path = join(dir, name);
    if (name === "__pycache__" || name.startsWith(".")) return [];
    const kind = entryKind(path);
    if (kind === "a directory" && !name.endsWith(".py")) return pythonFiles(path, what);
    if (!name.endsWith(".py")) return [];
    // alembic loads every .py here: it fails on these, and a FIFO would hang it (and us, reading it)
    if (kind !== "file") throw new UsageError(`${path}: ${kind}, not a revision file; alembic loads every .py in ${dir}: remove it or rename it`);
    return [path];
  });
}

/** What a directory entry is, following a symbolic link, without opening it (a FIFO blocks on open). */
function entryKind(path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "a broken symbolic link" : `cannot be read (${code ?? String(error)})`;
  }
  if (stat.isFile()) return "file";
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  return "a special file";
}

/** Reads a migration file's revision id, its upgrade/downgrade functions and their op calls; null when it has no `revision = "..."`. */
export function readMigrationFile(path: string, text: string): MigrationFile | null {
  const revision = REVISION.exec(text)?.[2];
  if (!revision) return null;
  const file: MigrationFile = {
    path,
    revision,
    downRevisions: stringsIn(DOWN_REVISION.exec(text)?.[1]),
    branchLabels: stringsIn(BRANCH_LABELS.exec(text)?.[1]),
  };
  const lines = new LineIndex(text);
  for (let line = 1; line <= lines.lineCount; line++) {
    const kind = FUNCTION.exec(lines.lineText(line))?.[1] as "upgrade" | "downgrade" | undefined;
    if (!kind) continue;
    // the body ends at the next line that starts at column 0 with code
    let end = line + 1;
    while (end <= lines.lineCount && !/^[^\s#]/.test(lines.lineText(end))) end++;
    const offset = lines.lineStart(line);
    file[kind] = { line, calls: opCalls(text.slice(offset, lines.lineStart(end)), offset, lines) };
  }
  return file;
}

/** The string literals of a Python value: "a", ("a", "b"), ["a"], None. */
function stringsIn(value: string | undefined): string[] {
  return [...(value ?? "").matchAll(/(['"])([^'"]*)\1/g)].map((m) => m[2]!);
}

function opCalls(body: string, offset: number, lines: LineIndex): OpCall[] {
  return [...body.matchAll(CALL)].map((match) => {
    const open = match.index + match[0].length - 1;
    return { name: match[1]!, ...lines.position(offset + match.index), text: body.slice(match.index, closingParen(body, open) + 1) };
  });
}

/** Index of the parenthesis closing the one at `open`, skipping string literals. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      let j = i + triple.length;
      while (j < text.length && !text.startsWith(triple, j)) j += text[j] === "\\" ? 2 : 1;
      i = j + triple.length - 1;
    } else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return text.length - 1;
}

const LITERAL = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;

/**
 * How well an op call explains a statement: an `op.execute` string that is the statement counts
 * most; else each quoted name of the call (table, column, index, constraint) the SQL mentions.
 */
export function callScore(call: OpCall, sql: string): number {
  const normalizedSql = normalize(sql);
  const op = call.name.slice(call.name.indexOf(".") + 1);
  if (op !== "execute" && !opsThatPrint(normalizedSql).includes(op)) return 0;
  const words = new Set(normalizedSql.match(/[\w$]+/g) ?? []);
  let score = 0;
  for (const literal of call.text.match(LITERAL) ?? []) {
    const value = literal.replace(/^("""|'''|"|')|("""|'''|"|')$/g, "");
    if (/^[\w$]+$/.test(value)) {
      if (words.has(value.toLowerCase())) score += 1;
    } else if (value.trim().length > 0) {
      const normalizedValue = normalize(value);
      if (normalizedValue.length > 0 && (normalizedSql.includes(normalizedValue) || normalizedValue.includes(normalizedSql))) score += 5;
    }
  }
  return score;
}

function normalize(sql: string): string {
  return sql
    .toLowerCase()
    .replace(/["`]/g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*;\s*$/, "")
    .trim();
}

const CONSTRAINT_OPS = ["create_foreign_key", "create_unique_constraint", "create_check_constraint", "create_primary_key", "create_exclude_constraint"];

/** The op functions that print a statement of this kind (op.execute prints anything). */
function opsThatPrint(sql: string): string[] {
  if (/^create (unique )?index/.test(sql)) return ["create_index", "create_table", "add_column"];
  if (/^drop index/.test(sql)) return ["drop_index"];
  if (/^create table/.test(sql)) return ["create_table"];
  if (/^drop table/.test(sql)) return ["drop_table"];
  if (/^(create|drop) type/.test(sql)) return ["create_table", "add_column", "drop_table", "alter_column", "drop_column"];
  if (/^comment on/.test(sql)) return ["create_table_comment", "drop_table_comment", "alter_column", "create_table", "add_column"];
  if (/^insert /.test(sql)) return ["bulk_insert"];
  if (/^alter table/.test(sql)) {
    if (/ rename to /.test(sql)) return ["rename_table"];
    if (/ add column /.test(sql)) return ["add_column"];
    if (/ drop column /.test(sql)) return ["drop_column"];
    if (/ drop constraint /.test(sql)) return ["drop_constraint"];
    if (/ add (constraint|primary key|unique|foreign key|check|exclude)/.test(sql)) return CONSTRAINT_OPS;
    return ["alter_column"];
  }
  return [];
}
