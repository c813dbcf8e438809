import { loadModule, parseSync, type Node } from "libpg-query";
import { indexOfCodePoint, LineIndex, utf8Length, type Position } from "./position.js";
import type { SourceFile } from "./source.js";
import { splitStatements } from "./split.js";

export interface SyntaxProblem {
  /** PostgreSQL's message, e.g. `syntax error at or near "TABLEE"`. */
  message: string;
  /** Where the parser stopped, inside the statement. */
  position: Position;
  /** The same place as a byte offset into the statement. */
  at: number;
}

/** One statement of a file, located, with its parse tree or the parser's complaint. */
export interface ParsedStatement {
  file: SourceFile;
  /** 0-based position of the statement within its file. */
  index: number;
  sql: string;
  /** UTF-16 offsets of the statement in the file text (end excludes the semicolon). */
  start: number;
  end: number;
  /** Byte range of the statement in the file as stored on disk (BOM included). */
  byteStart: number;
  byteEnd: number;
  /** First character, and the character after the last one (end is exclusive). */
  startPos: Position;
  endPos: Position;
  ast: Node | null;
  syntaxError: SyntaxProblem | null;
}

export interface ParsedComment {
  file: SourceFile;
  body: string;
  position: Position;
}

export type ScriptItem = { kind: "statement"; statement: ParsedStatement } | { kind: "comment"; comment: ParsedComment };

/** A file ready to be read statement by statement; parse trees are made one at a time. */
export interface ParsedFile {
  file: SourceFile;
  lines: LineIndex;
  items(): Generator<ScriptItem>;
}

/** The WASM parser must be loaded once before any parse. */
export async function loadParser(): Promise<void> {
  await loadModule();
}

export function parseFile(file: SourceFile): ParsedFile {
  const lines = new LineIndex(file.text);
  return { file, lines, items: () => parseItems(file, lines) };
}

function* parseItems(file: SourceFile, lines: LineIndex): Generator<ScriptItem> {
  const text = file.text;
  let byteCursor = 0;
  let byteCursorOffset = 0;
  const byteOffset = (offset: number): number => {
    byteCursor += utf8Length(text, byteCursorOffset, offset);
    byteCursorOffset = offset;
    return byteCursor + file.bomBytes;
  };
  let index = 0;
  for (const span of splitStatements(text)) {
    if (span.kind === "comment") {
      yield { kind: "comment", comment: { file, body: span.body, position: lines.position(span.start) } };
      continue;
    }
    const statement: ParsedStatement = {
      file,
      index: index++,
      sql: text.slice(span.start, span.end),
      start: span.start,
      end: span.end,
      byteStart: byteOffset(span.start),
      byteEnd: byteOffset(span.end),
      startPos: lines.position(span.start),
      endPos: lines.position(span.end),
      ast: null,
      syntaxError: null,
    };
    parseInto(statement, lines);
    yield { kind: "statement", statement };
  }
}

function parseInto(statement: ParsedStatement, lines: LineIndex): void {
  try {
    const result = parseSync(statement.sql);
    const stmts = result.stmts ?? [];
    statement.ast = stmts[0]?.stmt ?? null;
    if (stmts.length > 1) {
      // Only possible when the splitter and the parser disagree; keep the first and say so.
      statement.syntaxError = {
        message: "several statements where one was expected; is a semicolon missing inside a function body?",
        position: statement.startPos,
        at: 0,
      };
    }
  } catch (error) {
    // Unlike the AST's byte locations, the error cursor counts characters (code points).
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const index = indexOfCodePoint(statement.sql, details?.cursorPosition ?? 0);
    statement.syntaxError = {
      message: error instanceof Error ? error.message : String(error),
      position: lines.position(statement.start + index),
      at: utf8Length(statement.sql, 0, index),
    };
  }
}

/** UTF-16 index in text of the character starting at the given UTF-8 byte offset. */
export function charOffsetOfByte(text: string, byte: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byte) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    i++;
  }
  return i;
}
