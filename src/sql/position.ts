/** A 1-based line and column; the column counts characters (code points), not bytes or UTF-16 units. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Maps offsets in a text (UTF-16 indexes, as JavaScript strings count) to lines and columns.
 * Built once per file in one pass; each lookup is a binary search plus a walk along one line,
 * resumed from the previous lookup on the same line so that long lines stay linear.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  private cacheLine = -1;
  private cacheOffset = 0;
  private cacheColumn = 1;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    let end = line < this.lineStarts.length ? this.lineStarts[line]! : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    const start = this.lineStarts[line]!;
    let from = start;
    let column = 1;
    if (this.cacheLine === line && this.cacheOffset <= offset) {
      from = this.cacheOffset;
      column = this.cacheColumn;
    }
    column += countCodePoints(this.text, from, offset);
    this.cacheLine = line;
    this.cacheOffset = offset;
    this.cacheColumn = column;
    return { line: line + 1, column };
  }

  /** 0-based index of the line holding offset. */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Code points in text[from, to): a surrogate pair counts once. */
export function countCodePoints(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === from) count++;
    else if (text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) count++;
  }
  return count;
}

/** UTF-8 length of text[from, to) without allocating. */
export function utf8Length(text: string, from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** UTF-16 index in text of its n-th code point (0-based); text.length when past the end. */
export function indexOfCodePoint(text: string, n: number): number {
  let i = 0;
  for (let seen = 0; seen < n && i < text.length; seen++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}
