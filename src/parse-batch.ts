import { loadModule, parseSync, scanSync } from "libpg-query";
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

/** The WASM parser must be loaded once per thread before any parse. */
export async function loadParser(): Promise<void> {
  await loadModule();
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
      const stmts = parseSync(texts.join(SEPARATOR)).stmts ?? [];
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
    const stmts = parseSync(text).stmts ?? [];
    if (stmts.length > 1) {
      // Only possible when the splitter and the parser disagree.
      return { operations: [], error: { message: "several statements where one was expected; is a semicolon missing inside a function body?", cursor: 0 } };
    }
    return { operations: readOperations(stmts[0]?.stmt, 0), error: null };
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    return { operations: [], error: { message: error instanceof Error ? error.message : String(error), cursor: details?.cursorPosition ?? 0 } };
  }
}

function readOperations(ast: unknown, base: number): Operation[] {
  if (!ast) return [];
  try {
    return operationsOf(ast as Record<string, unknown>, base);
  } catch {
    return [{ op: "unknown", what: "statement locklint could not read" }];
  }
}

/** The identifiers of a statement as written (before PostgreSQL truncates them), with their byte offsets. */
export function identifiersOf(sql: string): { name: string; at: number }[] {
  try {
    return scanSync(sql)
      .tokens.filter((t) => t.tokenName === "IDENT")
      .map((t) => ({ name: t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase(), at: t.start }));
  } catch {
    return []; // the parser reports the statement as a syntax error
  }
}
