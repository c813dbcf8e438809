import { readFile } from "node:fs/promises";
import { UsageError } from "./errors.js";

/** One input: its display name and its decoded text (BOM removed). */
export interface SourceFile {
  path: string;
  text: string;
  /** Bytes of a UTF-8 byte order mark removed from the front (0 or 3). */
  bomBytes: number;
}

export const STDIN_NAME = "<stdin>";

/** Fatal: invalid bytes throw instead of becoming U+FFFD. The decoder drops a leading BOM. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Turns raw bytes into text, refusing binary and non-UTF-8 input with a message naming the place. */
export function decodeSource(path: string, bytes: Uint8Array): SourceFile {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new UsageError(`${path}:${lineAt(bytes, nul)}: binary input (NUL byte at offset ${nul}); locklint reads SQL text`);
  }
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

export async function readSourceFile(path: string): Promise<SourceFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
  return decodeSource(path, bytes);
}

export async function readStream(name: string, stream: AsyncIterable<Uint8Array | string>): Promise<SourceFile> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  } catch (error) {
    throw new UsageError(`${name}: cannot read: ${describeFsError(error)}`);
  }
  return decodeSource(name, Buffer.concat(chunks));
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
