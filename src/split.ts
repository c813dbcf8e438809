/**
 * Splits SQL text into statements and the comments between them, the way psql does:
 * semicolons end statements except inside quotes, dollar quotes, comments and the
 * BEGIN ATOMIC ... END body of a SQL-standard function. Unlike psql, parentheses do not hold a
 * statement open: an unbalanced one then spoils one statement, not the rest of the file.
 * One pass, no backtracking.
 */

export interface StatementSpan {
  kind: "statement";
  /** Offset of the statement's first character (its first token). */
  start: number;
  /** Offset just after the statement's last character, the terminating semicolon excluded. */
  end: number;
  /** True when a semicolon ends it (false for a final statement without one). */
  terminated: boolean;
}

export interface CommentSpan {
  kind: "comment";
  start: number;
  end: number;
  /** The text of a `--` comment after the dashes, or of a block comment between its delimiters. */
  body: string;
}

export type Span = StatementSpan | CommentSpan;

const enum C {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  DoubleQuote = 34,
  Dollar = 36,
  Quote = 39,
  Star = 42,
  Dash = 45,
  Slash = 47,
  Semicolon = 59,
  Backslash = 92,
}

function isSpace(c: number): boolean {
  return c === C.Space || c === C.LF || c === C.CR || c === C.Tab || c === 11 || c === 12;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === C.Dollar;
}

export function splitStatements(text: string): Span[] {
  const spans: Span[] = [];
  const n = text.length;
  let i = 0;
  // Current statement state.
  let stmtStart = -1;
  let lastTokenEnd = -1;
  // BEGIN ATOMIC tracking (psql counts BEGIN/CASE against END inside CREATE FUNCTION/PROCEDURE).
  let wordIndex = 0;
  let isRoutine = false;
  let sawCreate = false;
  let blockDepth = 0;

  const beginToken = (at: number) => {
    if (stmtStart === -1) {
      stmtStart = at;
      wordIndex = 0;
      isRoutine = false;
      sawCreate = false;
      blockDepth = 0;
    }
  };
  const endStatement = (terminated: boolean) => {
    if (stmtStart !== -1) spans.push({ kind: "statement", start: stmtStart, end: lastTokenEnd, terminated });
    stmtStart = -1;
  };
  const onWord = (word: string) => {
    const w = word.toLowerCase();
    if (wordIndex === 0) sawCreate = w === "create";
    else if (sawCreate && wordIndex <= 3 && (w === "function" || w === "procedure")) isRoutine = true;
    wordIndex++;
    if (!isRoutine) return;
    if (w === "begin" || w === "case") blockDepth++;
    else if (w === "end" && blockDepth > 0) blockDepth--;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // -- comment to end of line
    if (c === C.Dash && text.charCodeAt(i + 1) === C.Dash) {
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== C.LF && text.charCodeAt(j) !== C.CR) j++;
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text.slice(i + 2, j) });
      i = j;
      continue;
    }
    // /* block comment */, nested as in PostgreSQL
    if (c === C.Slash && text.charCodeAt(i + 1) === C.Star) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        const d = text.charCodeAt(j);
        if (d === C.Slash && text.charCodeAt(j + 1) === C.Star) {
          depth++;
          j += 2;
        } else if (d === C.Star && text.charCodeAt(j + 1) === C.Slash) {
          depth--;
          j += 2;
        } else j++;
      }
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text.slice(i + 2, depth === 0 ? j - 2 : j) });
      i = j;
      continue;
    }
    if (c === C.Semicolon) {
      if (stmtStart === -1) {
        i++; // empty statement
        continue;
      }
      if (blockDepth === 0) {
        endStatement(true);
        i++;
        continue;
      }
      lastTokenEnd = i + 1;
      i++;
      continue;
    }
    beginToken(i);
    if (c === C.Quote) {
      i = skipQuoted(text, i, C.Quote, isEscapeStringPrefix(text, i));
    } else if (c === C.DoubleQuote) {
      i = skipQuoted(text, i, C.DoubleQuote, false);
    } else if (c === C.Dollar && !isIdentChar(text.charCodeAt(i - 1) || 0)) {
      i = skipDollar(text, i);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      // E'...' / e'...' escape strings are handled when the quote is reached.
      onWord(text.slice(i, j));
      i = j;
    } else {
      i++;
    }
    lastTokenEnd = i;
  }
  endStatement(false);
  return spans;
}

/** True when the quote at i opens an E'' string (backslash escapes), as in E'a\'b'. */
function isEscapeStringPrefix(text: string, i: number): boolean {
  const p = text.charCodeAt(i - 1);
  if (p !== 69 && p !== 101) return false;
  const before = text.charCodeAt(i - 2);
  return !(before && isIdentChar(before));
}

/** Skips a quoted string or identifier starting at i; doubled quotes stay inside. Returns the end offset. */
function skipQuoted(text: string, i: number, quote: number, backslashEscapes: boolean): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (backslashEscapes && d === C.Backslash) {
      j += 2;
      continue;
    }
    if (d === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return n;
}

/** Skips $tag$...$tag$ starting at i; a lone `$` (or `$1`) is just a character. */
function skipDollar(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && text.charCodeAt(j) !== C.Dollar) {
    const d = text.charCodeAt(j);
    if (!(j === i + 1 ? isIdentStart(d) : isIdentChar(d) && d !== C.Dollar)) return i + 1;
    j++;
  }
  if (j >= n) return i + 1;
  const tag = text.slice(i, j + 1);
  const close = text.indexOf(tag, j + 1);
  return close === -1 ? n : close + tag.length;
}
