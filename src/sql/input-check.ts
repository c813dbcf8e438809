import { UsageError } from "../common/errors.js";
import { LineIndex } from "./position.js";
import type { SourceFile } from "./source.js";
import { splitStatements, type Span, type Unclosed } from "./split.js";

/** Where an input came from: the hint for an empty one depends on it. */
export type InputOrigin = "file" | "stdin" | "command";

/** Why an input has no statement when it is blank, by origin (stdin: the hint for a pipe whose writer failed). */
const EMPTY: Record<InputOrigin, string> = {
  file: "(empty file)",
  stdin:
    "(empty input): did the command piped in fail? `alembic upgrade head --sql | locklint` gets nothing when alembic fails (`set -o pipefail` lets the shell see it)",
  command: "(the command printed nothing on its standard output)",
};

/**
 * What an input needs to be linted: a statement, and nothing left open at its end (a comment,
 * quote or COPY data running to the end of the input takes every statement after its start
 * along, unseen). Both are input errors (exit 2) rather than findings: the run must not pass.
 */
export function checkStatements(source: SourceFile, origin: InputOrigin): void {
  const seen = new Set<Span["kind"]>();
  let last: Span | undefined;
  for (const span of splitStatements(source.text)) {
    seen.add(span.kind);
    last = span;
  }
  if (last?.unclosed) throw unclosedError(source, last.unclosed);
  if (!seen.has("statement")) throw new UsageError(`${source.path}: no SQL statement ${whatIsThere(source, seen, origin)}`);
}

function whatIsThere(source: SourceFile, seen: ReadonlySet<Span["kind"]>, origin: InputOrigin): string {
  if (source.text.trim() === "") return EMPTY[origin];
  return seen.has("psql") ? "(only comments and psql commands)" : "(only comments)";
}

function unclosedError(source: SourceFile, { what, at }: Unclosed): UsageError {
  const line = new LineIndex(source.text).position(at).line;
  const where = `${source.path}:${line}`;
  const hidden = "it runs to the end of the input, hiding every statement after it";
  if (what === "COPY data") return new UsageError(`${where}: COPY ... FROM stdin data without its end line \\.: ${hidden}; end the data with a line \\.`);
  return new UsageError(`${where}: unterminated ${what}: ${hidden}; close it with ${closer(source.text, what, at)}`);
}

function closer(text: string, what: Unclosed["what"], at: number): string {
  switch (what) {
    case "/* comment":
      return "*/";
    case "quoted string":
      return "'";
    case "quoted identifier":
      return '"';
    default:
      return /^\$[^$]*\$/.exec(text.slice(at, at + 100))?.[0] ?? "$$";
  }
}
