import { constants, type Stats } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { UsageError } from "../common/errors.js";

/** One input: its display name and its decoded text (BOM removed). */
export interface SourceFile {
  path: string;
  text: string;
  /** Bytes of a UTF-8 byte order mark removed from the front (0 or 3). */
  bomBytes: number;
}

export const STDIN_NAME = "<stdin>";

/** The input size limit (each file, stdin, --sql-command's output), in MB of 1,048,576 bytes. */
export const DEFAULT_MAX_INPUT_MB = 256;
/** Above this, the text no longer fits in one JavaScript string. */
export const MAX_INPUT_MB_CEILING = 500;
export const MB = 1024 * 1024;
/** How long a named pipe may wait for a writer (its open blocks until one comes). */
export const FIFO_WAIT_MS = 5_000;

/** Fatal: invalid bytes throw instead of becoming U+FFFD. The decoder drops a leading BOM. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Turns raw bytes into text, refusing binary and non-UTF-8 input with a message naming the place. */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile {
  refuseNonText(path, bytes);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new UsageError(`${path}:${lineAt(bytes, bad)}: not valid UTF-8 (byte offset ${bad}); save the file as UTF-8`);
  }
  const bomBytes = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { path, text, bomBytes };
}

/** Refuses UTF-16 and binary input, from the bytes read so far (the start of the input). */
function refuseNonText(path: string, bytes: Uint8Array): void {
  const utf16 = utf16Encoding(bytes);
  if (utf16) {
    const convert = path.startsWith("<") ? `iconv -f ${utf16} -t UTF-8` : `iconv -f ${utf16} -t UTF-8 ${path} > converted.sql`;
    throw new UsageError(`${path}: ${utf16} text, not UTF-8; convert it first: ${convert}`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new UsageError(`${path}:${lineAt(bytes, nul)}: binary input (NUL byte at offset ${nul}); locklint reads SQL text`);
  }
}

/**
 * "UTF-16LE" or "UTF-16BE" when the input starts with that byte order mark, or when its first
 * characters are ASCII with a NUL byte beside each (UTF-16 without a mark); else null.
 */
function utf16Encoding(bytes: Uint8Array): "UTF-16LE" | "UTF-16BE" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "UTF-16LE";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "UTF-16BE";
  const pairs = Math.min(bytes.length >> 1, 256);
  let little = 0;
  let big = 0;
  for (let p = 0; p < pairs; p++) {
    const [a, b] = [bytes[2 * p]!, bytes[2 * p + 1]!];
    if (a !== 0 && b === 0) little++;
    else if (a === 0 && b !== 0) big++;
  }
  // a few bytes are not enough to tell UTF-16 from binary
  if (pairs < 4) return null;
  if (little > pairs / 2 && big === 0) return "UTF-16LE";
  if (big > pairs / 2 && little === 0) return "UTF-16BE";
  return null;
}

/**
 * Reads a file (a named pipe, a device, process substitution's /dev/fd/N too) as a stream, so that
 * the size limit and the binary check stop it early. A named pipe nobody opens for writing is
 * given up after FIFO_WAIT_MS.
 */
export async function readSourceFile(path: string, maxBytes = DEFAULT_MAX_INPUT_MB * MB, fifoWaitMs = FIFO_WAIT_MS): Promise<SourceFile> {
  const handle = await openInput(path, maxBytes, fifoWaitMs);
  try {
    return await readStream(path, handle.createReadStream({ autoClose: false }), maxBytes);
  } finally {
    await handle.close();
  }
}

async function openInput(path: string, maxBytes: number, fifoWaitMs: number): Promise<FileHandle> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
  if (info.isDirectory()) throw new UsageError(`${path}: is a directory, not a SQL file`);
  if (info.isFile() && info.size > maxBytes) throw tooLarge(path, maxBytes);
  try {
    return info.isFIFO() ? await openFifo(path, fifoWaitMs) : await open(path, "r");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
}

/**
 * Opening a named pipe for reading blocks until someone opens it for writing. When nobody does in
 * time, a writer of our own that closes at once ends the pending open, so that no thread stays
 * blocked (and the process can exit).
 */
async function openFifo(path: string, waitMs: number): Promise<FileHandle> {
  const opening = open(path, "r");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
  const handle = await Promise.race([opening, timeout]).finally(() => clearTimeout(timer));
  if (handle) return handle;
  const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
  await writer?.close();
  await opening.then(
    (late) => late.close(),
    () => undefined,
  );
  throw new UsageError(`${path}: a named pipe that nobody opened for writing within ${waitMs / 1000} s; start the command that writes to it first`);
}

/** Reads a stream to its end: stops at the size limit, and at the first chunk that shows UTF-16 or binary input. */
export async function readStream(name: string, stream: AsyncIterable<Uint8Array | string>, maxBytes = DEFAULT_MAX_INPUT_MB * MB): Promise<SourceFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      chunks.push(bytes);
      size += bytes.length;
      if (size > maxBytes) throw tooLarge(name, maxBytes);
      if (chunks.length === 1 || bytes.includes(0)) refuseNonText(name, chunks.length === 1 ? bytes : Buffer.concat(chunks));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${name}: cannot read: ${describeFsError(error)}`);
  }
  return decodeSource(name, Buffer.concat(chunks));
}

function tooLarge(name: string, maxBytes: number): UsageError {
  return new UsageError(
    `${name}: larger than ${maxBytes / MB} MB, the input size limit; stopped reading (raise it with --max-input-mb, or max-input-mb in the configuration file)`,
  );
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a SQL file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
