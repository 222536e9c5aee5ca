import { readFile } from 'node:fs/promises';
import { rememberSecrets } from './secrets.js';

export type DecodeResult =
  | { ok: true; text: string; bom: boolean }
  | { ok: false; message: string; offset: number };

/** Decodes a migration file: UTF-8, BOM stripped; binary or invalid UTF-8 is refused with a reason. */
export function decodeSource(buf: Uint8Array): DecodeResult {
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

function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return 0;
}

export type ReadResult = ({ ok: true; text: string; bom: boolean } | { ok: false; message: string; offset: number; unreadable?: boolean });

/** Reads and decodes a file. `unreadable` marks I/O failures (missing file, permissions), as opposed to bad content. */
export async function readSourceFile(path: string): Promise<ReadResult> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return { ok: false, unreadable: true, offset: 0, message: `cannot read ${path}: ${why}` };
  }
  return decodeSource(buf);
}
