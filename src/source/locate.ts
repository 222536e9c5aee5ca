export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in characters (code points), not bytes. */
  column: number;
}

/**
 * Maps string offsets to 1-based line and column in log time (minified one-line files stay linear). Lines end at
 * LF, CRLF or a lone CR.
 */
export class LineIndex {
  readonly starts: number[] = [0];
  /** Offsets of the high surrogates (astral characters): each makes one column of two UTF-16 units. */
  private readonly astral: number[] = [];

  constructor(readonly text: string) {
    const n = text.length;
    const cr = text.indexOf('\r') >= 0;
    if (!cr) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) this.starts.push(i + 1);
        else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
      }
    }
    if (/[\ud800-\udbff]/.test(text)) {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) this.astral.push(i);
      }
    }
  }

  lineOf(offset: number): number {
    return upperBound(this.starts, offset);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    const start = this.starts[line - 1];
    let column = o - start + 1;
    // Astral characters take two UTF-16 units but are one character.
    if (this.astral.length) column -= countBelow(this.astral, o) - countBelow(this.astral, start);
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

/** The number of entries of the sorted `xs` that are <= `x` (the 1-based index of the last one). */
function upperBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of entries of the sorted `xs` that are < `x`. */
function countBelow(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
