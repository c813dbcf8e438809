/**
 * Reports as a sequence of chunks instead of one string: a report of any size is written as it is
 * produced, so V8's maximum string length (~512 MB) never limits it and memory never holds it whole.
 */

/** A report in pieces; written in order, their concatenation is the report. */
export type Report = Iterable<string>;

/** The whole report as one string (for callers that embed it, and for tests). */
export function joined(report: Report): string {
  let text = "";
  for (const chunk of report) text += chunk;
  return text;
}

/** Each item through `f`, one at a time as the report is written (no array of all of them). */
export function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/**
 * `escape(elements.join("\n"))`, one chunk per element. Equal for an escape that works character by
 * character and looks ahead at most to the line break after the element (visible, visibleReturns).
 */
export function* joinLines(elements: Iterable<string>, escape: (text: string) => string): Generator<string> {
  let previous: string | undefined;
  for (const element of elements) {
    if (previous !== undefined) yield escape(previous + "\n");
    previous = element;
  }
  if (previous !== undefined) yield escape(previous);
}

/** Writes of about `size` characters: small chunks gathered, so that a report of many lines costs few writes. */
export function* batched(report: Report, size = 64 * 1024): Generator<string> {
  let pending = "";
  for (const chunk of report) {
    pending += chunk;
    if (pending.length >= size) {
      yield pending;
      pending = "";
    }
  }
  if (pending) yield pending;
}

/** A JSON object whose members are streamed one by one (a plain object is written whole). */
export class JsonObject {
  constructor(readonly members: Readonly<Record<string, unknown>>) {}
}

/** A JSON array whose elements are streamed one by one, each built when it is written. */
export class JsonArray {
  constructor(readonly items: Iterable<unknown>) {}
}

/**
 * Exactly `JSON.stringify(value, null, 2) + "\n"` (with JsonObject and JsonArray as the object and the
 * array they stand for), in pieces: every other value is stringified whole and indented where it sits.
 */
export function* jsonReport(value: unknown): Generator<string> {
  yield* jsonChunks(value, "");
  yield "\n";
}

function* jsonChunks(value: unknown, indent: string): Generator<string> {
  const inner = indent + "  ";
  if (value instanceof JsonArray) {
    let first = true;
    for (const item of value.items) {
      yield `${first ? "[" : ","}\n${inner}`;
      // JSON.stringify writes null for an element it cannot represent (undefined, a function)
      if (isJsonValue(item)) yield* jsonChunks(item, inner);
      else yield "null";
      first = false;
    }
    yield first ? "[]" : `\n${indent}]`;
  } else if (value instanceof JsonObject) {
    let first = true;
    for (const [key, member] of Object.entries(value.members)) {
      // and leaves out a member it cannot represent
      if (!isJsonValue(member)) continue;
      yield `${first ? "{" : ","}\n${inner}${JSON.stringify(key)}: `;
      yield* jsonChunks(member, inner);
      first = false;
    }
    yield first ? "{}" : `\n${indent}}`;
  } else {
    // strings in JSON have no raw line break: every line break is layout, indented to where the value sits
    yield JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  }
}

function isJsonValue(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

/** Where a report goes: a stream whose write() says false when its buffer is full (Node's), or any writer. */
export interface ReportStream {
  write(text: string): unknown;
  once?(event: "drain" | "close", listener: () => void): unknown;
  off?(event: "drain" | "close", listener: () => void): unknown;
}

/** The report written chunk by chunk, waiting for the stream to drain when it asks to (a slow pipe, a terminal). */
export async function writeReport(stream: ReportStream, report: Report): Promise<void> {
  for (const chunk of batched(report)) {
    if (stream.write(chunk) === false && stream.once) await drained(stream);
  }
}

/** Resolves when the stream can take more, or is closed (its error is reported by whoever listens for it). */
function drained(stream: ReportStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off?.("drain", done);
      stream.off?.("close", done);
      resolve();
    };
    stream.once!("drain", done);
    stream.once!("close", done);
  });
}
