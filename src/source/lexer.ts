// A small SQL lexer that never throws. libpg-query's scanner throws on an
// unterminated string or comment, and a linter must still split such a file
// into statements, so splitting and comment extraction are done here.

export interface Comment {
  start: number;
  end: number;
  /** The comment's text without its `--` or `/* *\/` markers. */
  body: string;
  /** True when nothing but whitespace precedes it on its line. */
  ownLine: boolean;
}

export interface Piece {
  /** Offset of the first significant character. */
  start: number;
  /** Offset just past the last significant character (the `;` excluded). */
  end: number;
  /** Offset of the terminating `;`, or -1 at end of input. */
  semicolon: number;
  /** Offsets of `;` inside unclosed parentheses: where to split again when the piece does not parse (a stray `(`). */
  inner?: number[];
}

export interface LexResult {
  pieces: Piece[];
  comments: Comment[];
}

const isIdentStart = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentChar = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;

/** Splits `text` at top-level semicolons and collects comments. */
export function lex(text: string): LexResult {
  const pieces: Piece[] = [];
  const comments: Comment[] = [];
  const n = text.length;
  let i = 0;
  let depth = 0;
  let pieceStart = -1;
  let lastEnd = -1;
  // BEGIN ATOMIC … END bodies (SQL-standard function bodies) contain `;`.
  let prevWord = '';
  let atomic = 0;
  let caseDepth = 0;
  let inner: number[] | undefined;

  const mark = (from: number, to: number) => {
    if (pieceStart < 0) pieceStart = from;
    lastEnd = to;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      let bodyEnd = j;
      if (bodyEnd > i && text.charCodeAt(bodyEnd - 1) === 13) bodyEnd--;
      comments.push({ start: i, end: bodyEnd, body: text.slice(i + 2, bodyEnd), ownLine: ownLine(text, i) });
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let level = 1;
      let j = i + 2;
      while (j < n && level > 0) {
        if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) { level++; j += 2; }
        else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) { level--; j += 2; }
        else j++;
      }
      const closed = level === 0;
      comments.push({ start: i, end: j, body: text.slice(i + 2, closed ? j - 2 : j), ownLine: ownLine(text, i) });
      if (!closed) mark(i, j); // an unterminated comment belongs to the broken statement
      i = j;
      continue;
    }
    if (c === 39) {
      const escapes = isEscapePrefix(text, i);
      const j = skipQuoted(text, i, 39, escapes);
      mark(i, j);
      i = j;
      prevWord = '';
      continue;
    }
    if (c === 34) {
      const j = skipQuoted(text, i, 34, false);
      mark(i, j);
      i = j;
      prevWord = '';
      continue;
    }
    if (c === 36) {
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd > 0 && !(i > 0 && isIdentChar(text.charCodeAt(i - 1)))) {
        const tag = text.slice(i, tagEnd);
        const close = text.indexOf(tag, tagEnd);
        const j = close < 0 ? n : close + tag.length;
        mark(i, j);
        i = j;
        prevWord = '';
        continue;
      }
      mark(i, i + 1);
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      mark(i, j);
      if (j - i <= 6) {
        const w = text.slice(i, j).toLowerCase();
        if (w === 'atomic' && prevWord === 'begin') { atomic++; caseDepth = 0; }
        else if (atomic > 0 && w === 'case') caseDepth++;
        else if (atomic > 0 && w === 'end') {
          if (caseDepth > 0) caseDepth--;
          else atomic--;
        }
        prevWord = w;
      } else prevWord = '';
      i = j;
      continue;
    }
    if (c === 40) depth++;
    else if (c === 41) { if (depth > 0) depth--; }
    else if (c === 59 && depth > 0 && atomic === 0) (inner ??= []).push(i);
    else if (c === 59 && depth === 0 && atomic === 0) {
      if (pieceStart >= 0) pieces.push({ start: pieceStart, end: lastEnd, semicolon: i, ...(inner ? { inner } : {}) });
      pieceStart = -1;
      inner = undefined;
      prevWord = '';
      i++;
      continue;
    }
    mark(i, i + 1);
    prevWord = '';
    i++;
  }
  if (pieceStart >= 0) pieces.push({ start: pieceStart, end: lastEnd, semicolon: -1, ...(inner ? { inner } : {}) });
  return { pieces, comments };
}

function ownLine(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0; k--) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function isEscapePrefix(text: string, quote: number): boolean {
  const p = text.charCodeAt(quote - 1);
  if (p !== 69 && p !== 101) return false;
  return quote < 2 || !isIdentChar(text.charCodeAt(quote - 2));
}

function skipQuoted(text: string, i: number, q: number, backslash: boolean): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (backslash && c === 92) { j += 2; continue; }
    if (c === q) {
      if (text.charCodeAt(j + 1) === q) { j += 2; continue; }
      return j + 1;
    }
    j++;
  }
  return n;
}

/** For `$tag$` at i, the offset just past the second `$`; otherwise -1. */
export function dollarTagEnd(text: string, i: number): number {
  let j = i + 1;
  const first = text.charCodeAt(j);
  if (first === 36) return j + 1;
  if (!isIdentStart(first)) return -1;
  j++;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 36) return j + 1;
    if (!(isIdentStart(c) || (c >= 48 && c <= 57))) return -1;
    j++;
  }
  return -1;
}

/** Offset of the first character at or after `pos` that is not whitespace or a comment. */
export function skipTrivia(text: string, pos: number, end = text.length): number {
  let i = pos;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) { i++; continue; }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? end : j + 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const j = text.indexOf('*/', i + 2);
      i = j < 0 ? end : j + 2;
      continue;
    }
    break;
  }
  return Math.min(i, end);
}

/** Offsets of commas in `text[start, end)` outside parentheses, quotes and comments. */
export function topLevelCommas(text: string, start: number, end: number): number[] {
  const out: number[] = [];
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) { i = skipQuoted(text, i, c, c === 39 && isEscapePrefix(text, i)); continue; }
    if (c === 45 && text.charCodeAt(i + 1) === 45) { const j = text.indexOf('\n', i); i = j < 0 ? end : j; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const j = text.indexOf('*/', i + 2); i = j < 0 ? end : j + 2; continue; }
    if (c === 36) {
      const t = dollarTagEnd(text, i);
      if (t > 0 && !(i > 0 && isIdentChar(text.charCodeAt(i - 1)))) {
        const close = text.indexOf(text.slice(i, t), t);
        i = close < 0 ? end : close + (t - i);
        continue;
      }
    }
    if (c === 40) depth++;
    else if (c === 41) depth--;
    else if (c === 44 && depth === 0) out.push(i);
    i++;
  }
  return out;
}
