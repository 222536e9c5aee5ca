// What the language server reads and writes, made safe at the byte level.
//
// In: the JSON-RPC reader of vscode-languageserver stops for good on one malformed header, and waits forever on a
// Content-Length larger than the body that follows. `resync` sits in front of it and passes on only well-formed
// frames with a JSON body; on anything else it skips ahead to the next `Content-Length:` header.
// Out: every message passes through `maskDeep` (src/report/mask.ts), so no diagnostic, hover, code action title
// or log message carries a password.
import { Transform, type TransformCallback } from 'node:stream';
import { StreamMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { maskDeep } from '../report/mask.js';

/** Larger frames are dropped: a 10 MB document is fine, a runaway length is not. */
const MAX_FRAME = 256 * 1024 * 1024;
const HEADER = Buffer.from('Content-Length:', 'ascii');

export function resync(): Transform {
  let buf: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const start = indexOfHeader(buf, 0);
        if (start < 0) {
          // Keep a tail that may be the start of a header split across chunks.
          buf = buf.subarray(Math.max(0, buf.length - HEADER.length));
          break;
        }
        if (start > 0) buf = buf.subarray(start);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > 4096) buf = buf.subarray(1); // no header is this long: skip to the next one
          else break;
          continue;
        }
        const m = /^Content-Length:[ \t]*(\d+)[ \t]*$/im.exec(buf.subarray(0, end).toString('latin1'));
        const length = m ? Number(m[1]) : NaN;
        if (!Number.isSafeInteger(length) || length > MAX_FRAME || /[^\x20-\x7e\r\n\t]/.test(buf.subarray(0, end).toString('latin1'))) {
          buf = buf.subarray(1);
          continue;
        }
        const bodyStart = end + 4;
        // A header inside what should be the body: the length was wrong, resynchronise there.
        const next = indexOfHeader(buf, bodyStart);
        if (next >= 0 && next < bodyStart + length) {
          buf = buf.subarray(next);
          continue;
        }
        if (buf.length < bodyStart + length) break;
        const body = buf.subarray(bodyStart, bodyStart + length);
        buf = buf.subarray(bodyStart + length);
        if (isJson(body)) this.push(Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'ascii'), body]));
      }
      done();
    },
  });
}

/** A header at the start of a line (or of the data) at or after `from`. */
function indexOfHeader(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(HEADER, from); i >= 0; i = buf.indexOf(HEADER, i + 1)) {
    if (i === 0 || i === from || buf[i - 1] === 10) return i;
  }
  return -1;
}

function isJson(body: Buffer): boolean {
  try {
    const v = JSON.parse(body.toString('utf8'));
    return !!v && typeof v === 'object';
  } catch {
    return false;
  }
}

/** A message writer whose every message is masked before it is written. */
export function maskedWriter(output: NodeJS.WritableStream): MessageWriter {
  const inner = new StreamMessageWriter(output);
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    write: (msg: Message) => inner.write(maskDeep(msg)),
    end: () => inner.end(),
    dispose: () => inner.dispose(),
  };
}
