/**
 * Splits SQL text into statements and the comments between them, the way psql does:
 * semicolons end statements except inside quotes, dollar quotes, comments, the
 * BEGIN ATOMIC ... END body of a SQL-standard function and the parenthesised actions of CREATE RULE.
 * Unlike psql, other parentheses do not hold a statement open: an unbalanced one then spoils one
 * statement, not the rest of the file.
 * psql's own lines are items of their own, not SQL: a meta-command (`\connect db`, `\restrict KEY`:
 * a backslash where a statement would start, to the end of the line) and the data lines after
 * `COPY ... FROM stdin;` up to the line `\.`.
 * One pass, no backtracking.
 */

/** A comment, quote or COPY data still open at the end of the input: everything after its start is in it. */
export interface Unclosed {
  what: "/* comment" | "quoted string" | "quoted identifier" | "dollar-quoted string" | "COPY data";
  /** Offset where it opens. */
  at: number;
}

export interface StatementSpan {
  kind: "statement";
  /** Offset of the statement's first character (its first token). */
  start: number;
  /** Offset just after the statement's last character, the terminating semicolon excluded. */
  end: number;
  /** True when a semicolon ends it (false for a final statement without one). */
  terminated: boolean;
  /** Set on the last span only, when the input ends inside a quote or comment. */
  unclosed?: Unclosed;
}

export interface CommentSpan {
  kind: "comment";
  start: number;
  end: number;
  /** The text of a `--` comment after the dashes, or of a block comment between its delimiters. */
  body: string;
  unclosed?: Unclosed;
}

/** Lines psql reads itself: never sent to the server as SQL. */
export interface PsqlSpan {
  kind: "psql";
  start: number;
  end: number;
  what: "meta-command" | "COPY data";
  unclosed?: Unclosed;
}

export type Span = StatementSpan | CommentSpan | PsqlSpan;

/** Character codes the splitter looks for (plain numbers: the input is read with charCodeAt). */
const C = {
  Tab: 9,
  LF: 10,
  CR: 13,
  Space: 32,
  DoubleQuote: 34,
  Dollar: 36,
  Quote: 39,
  OpenParen: 40,
  CloseParen: 41,
  Star: 42,
  Dash: 45,
  Dot: 46,
  Slash: 47,
  Semicolon: 59,
  Backslash: 92,
} as const;

function isSpace(c: number): boolean {
  return c === C.Space || c === C.LF || c === C.CR || c === C.Tab || c === 11 || c === 12;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === C.Dollar;
}

/** The spans in order, one at a time: a file's spans never pile up in memory. */
export function* splitStatements(text: string): Generator<Span> {
  /** Spans found and not yielded yet (the last may still get its `unclosed`). */
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
  // CREATE RULE ... DO (action; action): its parentheses hold the statement open, as in psql
  let isRule = false;
  let parenDepth = 0;
  // COPY ... FROM stdin: its data lines follow, from the next line on.
  let isCopy = false;
  let previousWord = "";
  let copiesFromStdin = false;
  let copyDataNext = false;
  let copyAt = 0;
  /** What the input ends inside of, if anything. */
  let unclosed: Unclosed | undefined;

  const beginToken = (at: number) => {
    if (stmtStart === -1) {
      stmtStart = at;
      wordIndex = 0;
      isRoutine = false;
      sawCreate = false;
      blockDepth = 0;
      isRule = false;
      parenDepth = 0;
      isCopy = false;
      copiesFromStdin = false;
    }
  };
  const endStatement = (terminated: boolean) => {
    if (stmtStart !== -1) spans.push({ kind: "statement", start: stmtStart, end: lastTokenEnd, terminated });
    if (terminated && copiesFromStdin) expectCopyData(stmtStart);
    stmtStart = -1;
  };
  const expectCopyData = (at: number) => {
    copyDataNext = true;
    copyAt = at;
  };
  const onWord = (word: string) => {
    const w = word.toLowerCase();
    if (wordIndex === 0) {
      sawCreate = w === "create";
      isCopy = w === "copy";
    } else if (sawCreate && wordIndex <= 3 && (w === "function" || w === "procedure")) isRoutine = true;
    else if (sawCreate && wordIndex <= 3 && w === "rule") isRule = true;
    if (isCopy && previousWord === "from" && w === "stdin") copiesFromStdin = true;
    previousWord = w;
    wordIndex++;
    if (!isRoutine) return;
    if (w === "begin" || w === "case") blockDepth++;
    else if (w === "end" && blockDepth > 0) blockDepth--;
  };
  /** The end of what opened at `at`; when it never closes (end -1), the end of the input. */
  const closed = (end: number, what: Unclosed["what"], at: number): number => {
    if (end !== -1) return end;
    unclosed = { what, at };
    return n;
  };

  while (i < n) {
    if (spans.length > 0) {
      for (let k = 0; k < spans.length; k++) yield spans[k]!;
      spans.length = 0;
    }
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      // psql reads COPY data from the line after the statement, up to a line `\.`
      if (c === C.LF && copyDataNext) {
        copyDataNext = false;
        const end = closed(endOfCopyData(text, i), "COPY data", copyAt);
        spans.push({ kind: "psql", what: "COPY data", start: i, end });
        i = end;
      }
      continue;
    }
    // -- comment to end of line
    if (c === C.Dash && text.charCodeAt(i + 1) === C.Dash) {
      const j = endOfLine(text, i + 2);
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text.slice(i + 2, j) });
      i = j;
      continue;
    }
    // /* block comment */, nested as in PostgreSQL
    if (c === C.Slash && text.charCodeAt(i + 1) === C.Star) {
      const end = endOfBlockComment(text, i);
      const j = closed(end, "/* comment", i);
      if (stmtStart === -1) spans.push({ kind: "comment", start: i, end: j, body: text.slice(i + 2, end === -1 ? j : j - 2) });
      i = j;
      continue;
    }
    // a psql meta-command (\connect, \restrict, \set ...): the rest of the line is its arguments
    if (c === C.Backslash && stmtStart === -1) {
      const end = endOfLine(text, i);
      spans.push({ kind: "psql", what: "meta-command", start: i, end });
      if (COPY_FROM_STDIN_META.test(text.slice(i, end))) expectCopyData(i);
      i = end;
      continue;
    }
    if (c === C.Semicolon) {
      if (stmtStart === -1) {
        i++; // empty statement
        continue;
      }
      if (blockDepth === 0 && parenDepth === 0) {
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
      i = closed(skipQuoted(text, i, C.Quote, isEscapeStringPrefix(text, i)), "quoted string", i);
    } else if (c === C.DoubleQuote) {
      i = closed(skipQuoted(text, i, C.DoubleQuote, false), "quoted identifier", i);
    } else if (c === C.Dollar && !isIdentChar(text.charCodeAt(i - 1) || 0)) {
      i = closed(skipDollar(text, i), "dollar-quoted string", i);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      // E'...' / e'...' escape strings are handled when the quote is reached.
      onWord(text.slice(i, j));
      i = j;
    } else {
      // COPY (query) only goes TO: a table named stdin in its query is not COPY FROM stdin
      if (c === C.OpenParen && isCopy && wordIndex === 1) isCopy = false;
      if (isRule && c === C.OpenParen) parenDepth++;
      else if (isRule && c === C.CloseParen && parenDepth > 0) parenDepth--;
      i++;
    }
    lastTokenEnd = i;
  }
  endStatement(false);
  // what is open at the end opened in the last iteration (or the final statement): its span is still here
  if (unclosed) spans[spans.length - 1]!.unclosed = unclosed;
  yield* spans;
}

/** psql's `\copy ... from stdin` also reads its data from the script. */
const COPY_FROM_STDIN_META = /^\\copy\b.*\bfrom\s+stdin\b/i;

/** Offset of the line break ending the line that holds `from` (or the end of the text). */
function endOfLine(text: string, from: number): number {
  let j = from;
  while (j < text.length && text.charCodeAt(j) !== C.LF && text.charCodeAt(j) !== C.CR) j++;
  return j;
}

/** Offset just after the `*\/` closing the comment opened at i (comments nest); -1 when none does. */
function endOfBlockComment(text: string, i: number): number {
  const n = text.length;
  let depth = 1;
  let j = i + 2;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === C.Slash && text.charCodeAt(j + 1) === C.Star) {
      depth++;
      j += 2;
    } else if (d === C.Star && text.charCodeAt(j + 1) === C.Slash) {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  return -1;
}

/** Offset just after the line `\.` that ends COPY data starting at `from`; -1 when no line does. */
function endOfCopyData(text: string, from: number): number {
  let line = from;
  while (line < text.length) {
    let next = text.indexOf("\n", line);
    if (next === -1) next = text.length;
    const end = text.charCodeAt(next - 1) === C.CR && next > line ? next - 1 : next;
    if (end - line === 2 && text.charCodeAt(line) === C.Backslash && text.charCodeAt(line + 1) === C.Dot) return end;
    line = next + 1;
  }
  return -1;
}

/** True when the quote at i opens an E'' string (backslash escapes), as in E'a\'b'. */
function isEscapeStringPrefix(text: string, i: number): boolean {
  const p = text.charCodeAt(i - 1);
  if (p !== 69 && p !== 101) return false;
  const before = text.charCodeAt(i - 2);
  return !(before && isIdentChar(before));
}

/** Skips a quoted string or identifier starting at i; doubled quotes stay inside. Returns the end offset, -1 when it never closes. */
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
  return -1;
}

/** Skips $tag$...$tag$ starting at i (-1 when it never closes); a lone `$` (or `$1`) is just a character. */
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
  return close === -1 ? -1 : close + tag.length;
}
