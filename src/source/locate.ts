export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in characters (code points), not bytes. */
  column: number;
}

/** Maps string offsets to 1-based line and column. */
export class LineIndex {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    let i = text.indexOf('\n');
    while (i >= 0) {
      this.starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    const start = this.starts[line - 1];
    let column = o - start + 1;
    // Astral characters take two UTF-16 units but are one character.
    for (let k = start; k < o; k++) {
      const c = this.text.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdbff) column--;
    }
    // A CR of a CRLF is not a column of its own.
    if (o > start && this.text.charCodeAt(o - 1) === 13 && this.text.charCodeAt(o) === 10) column--;
    return { line, column };
  }

  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/**
 * libpg-query reports UTF-8 byte offsets; JavaScript strings index UTF-16
 * units. Returns a converter from byte offset in `text` to string offset.
 */
export function byteToCharMapper(text: string): (byte: number) => number {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) { ascii = false; break; }
  }
  if (ascii) return (b) => b;
  // Checkpoints after every non-ASCII character: (byte offset, char offset).
  const bytes: number[] = [0];
  const chars: number[] = [0];
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) { b++; continue; }
    if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { b += 4; i++; }
    else b += 3;
    bytes.push(b);
    chars.push(i + 1);
  }
  return (byte) => {
    let lo = 0;
    let hi = bytes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bytes[mid] <= byte) lo = mid;
      else hi = mid - 1;
    }
    return chars[lo] + (byte - bytes[lo]);
  };
}
