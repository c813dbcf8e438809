import { readFileSync } from "node:fs";
import { UsageError } from "../common/errors.js";
import type { Node } from "./ast.js";
import { operationsOf, type Operation } from "./operations.js";
import { utf8Length } from "./position.js";

/**
 * Statement texts in, operations out: the part of parsing that needs no file context, so that it
 * can run in a worker thread (src/parse-worker.ts) as well as here.
 */

export interface StatementParse {
  operations: Operation[];
  /** PostgreSQL's complaint, with its cursor counted in characters from the statement's start. */
  error: { message: string; cursor: number } | null;
}

/**
 * The one place the parser's JSON gets its type: libpg-query declares parseSync's result with the
 * node types of @pgsql/types (pinned with it), which every reader of the tree uses from here on.
 */
type Parser = typeof import("libpg-query");
let parser: Parser | undefined;

/** The WASM parser must be loaded once per thread before any parse. */
export async function loadParser(): Promise<void> {
  parser ??= await instantiateParser();
}

function loaded(): Parser {
  if (!parser) throw new Error("the SQL parser is used before loadParser()");
  return parser;
}

/**
 * Imported on first use, not with the CLI: its Emscripten loader starts instantiating at import, and
 * prints its own failure lines to console.error before rejecting (unhandled if nothing awaits yet).
 * Muted while it loads so that a failure is the CLI's one line.
 */
async function instantiateParser(): Promise<Parser> {
  const consoleError = console.error;
  console.error = () => {};
  try {
    const module = await import("libpg-query");
    await module.loadModule();
    return module;
  } catch (error) {
    if (isWasmReservationFailure(error)) throw new UsageError(wasmMemoryMessage());
    throw error;
  } finally {
    console.error = consoleError;
  }
}

/** V8 reserves ~10 GiB of address space per WebAssembly memory (guard regions for its trap handler). */
function isWasmReservationFailure(error: unknown): boolean {
  return /Cannot allocate Wasm memory|Out of memory/i.test(error instanceof Error ? error.message : String(error));
}

function wasmMemoryMessage(): string {
  const limit = addressSpaceLimit();
  const given = limit === undefined ? "the address-space limit" : `the address-space limit (ulimit -v: ${Math.round(limit / 1024)} KiB)`;
  return `cannot start the SQL parser: ${given} is below the ~10 GiB of virtual memory Node.js reserves for WebAssembly; raise it (ulimit -v unlimited) or run Node.js with --disable-wasm-trap-handler (Node.js 20.15 or later)`;
}

/** Linux's RLIMIT_AS in bytes, when it is set and readable. */
function addressSpaceLimit(): number | undefined {
  try {
    const match = /^Max address space\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Joins statements so that a trailing `--` comment cannot swallow the next one. */
const SEPARATOR = "\n;\n";

/**
 * Parses statements with one call of the parser (one call per statement costs a third more).
 * When that fails (a syntax error somewhere) or the parser counts the statements differently,
 * each is parsed on its own.
 */
export function parseStatements(texts: readonly string[]): StatementParse[] {
  if (texts.length > 1) {
    try {
      const stmts = loaded().parseSync(texts.join(SEPARATOR)).stmts ?? [];
      if (stmts.length === texts.length) {
        let base = 0;
        return texts.map((text, i) => {
          const parse = { operations: readOperations(stmts[i]!.stmt, base), error: null };
          base += utf8Length(text, 0, text.length) + SEPARATOR.length;
          return parse;
        });
      }
    } catch {
      // a syntax error: find it statement by statement
    }
  }
  return texts.map(parseOne);
}

function parseOne(text: string): StatementParse {
  try {
    const stmts = loaded().parseSync(text).stmts ?? [];
    if (stmts.length > 1) {
      // Only possible when the splitter and the parser disagree.
      return { operations: [], error: { message: "several statements where one was expected; is a semicolon missing inside a function body?", cursor: 0 } };
    }
    return { operations: readOperations(stmts[0]?.stmt, 0), error: null };
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // no details: not PostgreSQL's complaint but JavaScript's (a tree nested too deeply to read)
    if (!details) return { operations: [unreadable(error)], error: null };
    return { operations: [], error: { message: error instanceof Error ? error.message : String(error), cursor: details.cursorPosition ?? 0 } };
  }
}

function readOperations(ast: Node | undefined, base: number): Operation[] {
  if (!ast) return [];
  try {
    return operationsOf(ast, base);
  } catch (error) {
    return [unreadable(error)];
  }
}

/** Reported as a finding (not-analysed): a statement whose locks are unknown must not pass silently. */
function unreadable(error: unknown): Operation {
  return { op: "unknown", what: "statement locklint could not read", failure: `reading it failed: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * PostgreSQL's parse tree of SQL text (libpg-query's parseSync; throws on a syntax error), after
 * loadParser(). Modules use this rather than importing libpg-query, whose import starts the WASM.
 */
export function parseTree(sql: string): ReturnType<Parser["parseSync"]> {
  return loaded().parseSync(sql);
}

/** The identifiers of a statement as written (before PostgreSQL truncates them), with their byte offsets. */
export function identifiersOf(sql: string): { name: string; at: number }[] {
  const { scanSync } = loaded();
  try {
    return scanSync(sql)
      .tokens.filter((t) => t.tokenName === "IDENT")
      .map((t) => ({ name: t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase(), at: t.start }));
  } catch {
    return []; // the parser reports the statement as a syntax error
  }
}
