import type { Operation } from "./operations.js";
import { indexOfCodePoint, LineIndex, utf8Length, type Position } from "./position.js";
import type { SourceFile } from "./source.js";
import { splitStatements } from "./split.js";

import { parseStatements } from "./parse-batch.js";

export { loadParser } from "./parse-batch.js";

export interface SyntaxProblem {
  /** PostgreSQL's message, e.g. `syntax error at or near "TABLEE"`. */
  message: string;
  /** Where the parser stopped, inside the statement. */
  position: Position;
  /** The same place as a byte offset into the statement. */
  at: number;
}

/** One statement of a file, located, with what it does or the parser's complaint. */
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
  /** What the statement does, read from its parse tree; empty when it does not parse. */
  operations: Operation[];
  syntaxError: SyntaxProblem | null;
}

export interface ParsedComment {
  file: SourceFile;
  body: string;
  position: Position;
}

export type ScriptItem = { kind: "statement"; statement: ParsedStatement } | { kind: "comment"; comment: ParsedComment };

/** A file read in order, a batch of items at a time: parse trees never pile up for a whole file. */
export interface ParsedFile {
  file: SourceFile;
  lines: LineIndex;
  batches(): Generator<ScriptItem[]>;
}

/** Statements per call of the parser. */
const BATCH = 64;

export function parseFile(file: SourceFile): ParsedFile {
  const lines = new LineIndex(file.text);
  return { file, lines, batches: () => parseBatches(file, lines) };
}

interface Batch {
  items: ScriptItem[];
  statements: ParsedStatement[];
}

function* parseBatches(file: SourceFile, lines: LineIndex): Generator<ScriptItem[]> {
  for (const batch of locate(file, lines)) {
    const results = parseStatements(batch.statements.map((s) => s.sql));
    batch.statements.forEach((statement, i) => {
      const { operations, error } = results[i]!;
      statement.operations = operations;
      if (error) {
        // Unlike the tree's byte locations, the error cursor counts characters (code points).
        const index = indexOfCodePoint(statement.sql, error.cursor);
        statement.syntaxError = { message: error.message, position: lines.position(statement.start + index), at: utf8Length(statement.sql, 0, index) };
      }
    });
    yield batch.items;
  }
}

/** Splits the file and locates every statement and comment, in batches of BATCH statements. */
function* locate(file: SourceFile, lines: LineIndex): Generator<Batch> {
  const text = file.text;
  let byteCursor = 0;
  let byteCursorOffset = 0;
  const byteOffset = (offset: number): number => {
    byteCursor += utf8Length(text, byteCursorOffset, offset);
    byteCursorOffset = offset;
    return byteCursor + file.bomBytes;
  };
  let batch: Batch = { items: [], statements: [] };
  let index = 0;
  for (const span of splitStatements(text)) {
    // psql's meta-commands and COPY data are not SQL
    if (span.kind === "psql") continue;
    if (span.kind === "comment") {
      batch.items.push({ kind: "comment", comment: { file, body: span.body, position: lines.position(span.start) } });
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
      operations: [],
      syntaxError: null,
    };
    batch.items.push({ kind: "statement", statement });
    batch.statements.push(statement);
    if (batch.statements.length === BATCH) {
      yield batch;
      batch = { items: [], statements: [] };
    }
  }
  if (batch.items.length > 0) yield batch;
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
