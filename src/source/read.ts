import { readFile, stat } from 'node:fs/promises';
import { rememberSecrets } from './secrets.js';

export type DecodeResult =
  | { ok: true; text: string; bom: boolean }
  | { ok: false; message: string; offset: number };

/** Decodes a migration file: UTF-8, BOM stripped; binary, UTF-16 or invalid UTF-8 is refused with a reason. */
export function decodeSource(buf: Uint8Array): DecodeResult {
  // A UTF-16 file holds NULs in every ASCII character: say what it is, not "binary".
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const order = buf[0] === 0xff ? 'LE' : 'BE';
    return { ok: false, offset: 0, message: `not UTF-8: the file starts with a UTF-16${order} byte-order mark; convert it (iconv -f UTF-16 -t UTF-8)` };
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    return { ok: false, offset: nul, message: `not a text file: NUL byte at offset ${nul}` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    const offset = firstInvalidUtf8(buf);
    return { ok: false, offset, message: `not valid UTF-8: byte 0x${buf[offset]?.toString(16).padStart(2, '0')} at offset ${offset}` };
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  // Output sinks mask what any text read holds (src/report/mask.ts).
  rememberSecrets(text);
  return { ok: true, text: bom ? text.slice(1) : text, bom };
}

/**
 * The byte offset where the first ill-formed UTF-8 sequence starts, by the Unicode standard's table of
 * well-formed sequences (the one TextDecoder applies): the second byte's range depends on the first, which rules
 * out overlong forms (E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..).
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) { i++; continue; }
    const len = b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > buf.length) return i;
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (buf[i + 1] < lo || buf[i + 1] > hi) return i;
    for (let k = 2; k < len; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return buf.length;
}

export type ReadResult = ({ ok: true; text: string; bom: boolean } | { ok: false; message: string; offset: number; unreadable?: boolean });

/** Larger inputs are refused: a 50 MB migration is linted, `/dev/zero` or a runaway dump is not read to exhaustion. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;
export const MAX_INPUT_LABEL = '128 MB';

export class InputTooLarge extends Error {}

/** Reads a stream (stdin) up to MAX_INPUT_BYTES; past the limit it throws InputTooLarge naming it. */
export async function readCapped(stream: AsyncIterable<unknown>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new InputTooLarge(`${name}: input larger than the ${MAX_INPUT_LABEL} limit`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads and decodes a file. `unreadable` marks I/O failures (missing file, permissions, not a regular file,
 * over the size limit), as opposed to bad content. A FIFO or device is refused before it is opened: opening a
 * FIFO waits for a writer, and reading /dev/zero never ends.
 */
export async function readSourceFile(path: string): Promise<ReadResult> {
  const fail = (why: string): ReadResult => ({ ok: false, unreadable: true, offset: 0, message: `cannot read ${path}: ${why}` });
  let buf: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return fail('is a directory');
    if (!st.isFile()) return fail('not a regular file');
    if (st.size > MAX_INPUT_BYTES) return fail(`larger than the ${MAX_INPUT_LABEL} input limit (${Math.round(st.size / 1024 / 1024)} MB)`);
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message);
  }
  return decodeSource(buf);
}
