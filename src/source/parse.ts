import type { Node, RawStmt } from '@pgsql/types';
import { lex, skipTrivia, type Comment, type Piece } from './lexer.js';
import { LineIndex, byteToCharMapper } from './locate.js';
import { loadParser, pgParse, ParserSyntaxError, ParserTrap } from './pg.js';
import { MAX_NESTING, tooDeepAt } from './depth.js';
import { secretShapes } from './secrets.js';

/** The parser's "at or near" quote of the rest of the statement is cut to this many characters. */
const MAX_QUOTED = 60;

export interface SourceStatement {
  index: number;
  /** Offset in the file text of the first significant character. */
  start: number;
  /** Offset just past the statement, its `;` excluded. */
  end: number;
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The libpg-query node type (`IndexStmt`, `AlterTableStmt`, …), or `SyntaxError`. */
  kind: string;
  /** The statement node's inner object (`{ relation, … }` for `IndexStmt`); null on a syntax error. */
  node: any;
  /** Converts a node `location` (bytes, relative to what was parsed) to an offset in the file text. */
  toOffset(location: number | undefined): number;
  error?: { message: string; offset: number };
  /** For statements found inside a PL/pgSQL body: the enclosing statement. */
  parent?: SourceStatement;
  /** Why part of this statement could not be read (a DO body pgsafe cannot follow): it is reported as not analysed. */
  unanalyzed?: string;
}

export interface ParsedSource {
  text: string;
  statements: SourceStatement[];
  comments: Comment[];
  lines: LineIndex;
}

let loaded: Promise<void> | undefined;
/** libpg-query is WASM and must be loaded once before `parseSource`. */
export function initParser(): Promise<void> {
  loaded ??= loadParser();
  return loaded;
}

const BATCH_CHARS = 256 * 1024;

let shared: { original: string; parsed: ParsedSource } | undefined;

/**
 * While the engine lints a file, a rule that parses the same text again (to look at its syntax errors) gets the
 * engine's parse instead of a second one: on a 50 MB file a second parse doubled time and memory. Its statements'
 * syntax trees may already be released (see the engine). Returns the function that ends the sharing.
 */
export function shareParse(original: string, parsed: ParsedSource): () => void {
  const before = shared;
  shared = { original, parsed };
  return () => {
    shared = before;
  };
}

/** Splits and parses SQL text. A syntax error only affects the statement it is in. */
export function parseSource(original: string): ParsedSource {
  if (shared && shared.original === original) return shared.parsed;
  // The parser reads C strings: a NUL (possible in an editor buffer) would end the input there and hide the rest.
  // Parsed as a space, it hides nothing; offsets stay the same.
  const text = original.includes('\0') ? original.replace(/\0/g, ' ') : original;
  const lines = new LineIndex(text);
  const { pieces, comments } = lex(text);
  const statements: SourceStatement[] = [];
  let i = 0;
  while (i < pieces.length) {
    let j = i + 1;
    while (j < pieces.length && pieces[j].end - pieces[i].start < BATCH_CHARS) j++;
    parseBatch(text, lines, pieces.slice(i, j), statements);
    i = j;
  }
  statements.forEach((s, k) => (s.index = k));
  return { text, statements, comments, lines };
}

function pieceEnd(p: Piece): number {
  return p.semicolon >= 0 ? p.semicolon + 1 : p.end;
}

function parseBatch(text: string, lines: LineIndex, batch: Piece[], out: SourceStatement[]): void {
  const base = batch[0].start;
  const sql = text.slice(base, pieceEnd(batch[batch.length - 1]));
  let stmts: RawStmt[] | undefined;
  // A statement too deep for the parser is never given to it (see depth.ts); a batch holding one goes piece by piece.
  const deep = batch.length === 1 ? tooDeepAt(text, batch[0].start, pieceEnd(batch[0])) : batch.some((p) => p.end - p.start > MAX_NESTING) ? 0 : -1;
  if (deep < 0) {
    try {
      stmts = (pgParse(sql).stmts ?? []) as RawStmt[];
    } catch {
      stmts = undefined;
    }
  }
  if (stmts && stmts.length === batch.length) {
    const toChar = byteToCharMapper(sql);
    stmts.forEach((raw, k) => out.push(make(text, lines, batch[k].start, batch[k].end, raw.stmt as Node, (b) => base + toChar(b))));
    return;
  }
  if (stmts) {
    // The parser and the splitter disagree on boundaries: trust the parser.
    const toChar = byteToCharMapper(sql);
    for (const raw of stmts) {
      const loc = raw.stmt_location ?? 0;
      const start = skipTrivia(text, base + toChar(loc));
      const end = raw.stmt_len ? base + toChar(loc + raw.stmt_len) : trimEnd(text, base + sql.length);
      out.push(make(text, lines, start, end, raw.stmt as Node, (b) => base + toChar(b)));
    }
    return;
  }
  if (batch.length > 1) {
    for (const p of batch) parseBatch(text, lines, [p], out);
    return;
  }
  const p = batch[0];
  if (deep > 0) {
    failed(text, lines, p, deep, `this statement nests too deeply for the parser (more than ${MAX_NESTING} levels of parentheses or chained operators); it was not analysed`, out);
    return;
  }
  const pieceSql = text.slice(p.start, p.end);
  let alone: RawStmt[];
  try {
    // Alone and without its `;`: the error position is then relative to this piece.
    alone = (pgParse(pieceSql).stmts ?? []) as RawStmt[];
  } catch (err) {
    if (p.inner && !(err instanceof ParserTrap)) {
      // A `(` that never closes hid the `;`s after it: split there again, so one typo does not swallow the file.
      splitAgain(text, lines, p, out);
      return;
    }
    const cursor = err instanceof ParserSyntaxError ? err.cursorPosition : 0;
    const offset = p.start + (cursor >= 0 ? Math.min(cursor, pieceSql.length) : 0);
    const message = err instanceof ParserTrap
      ? /call stack|recursion/i.test(err.message) ? 'this statement nests too deeply for the parser; it was not analysed' : `the parser failed on this statement (${err.message}); it was not analysed`
      : cleanMessage((err as Error).message, pieceSql);
    failed(text, lines, p, offset, message, out);
    return;
  }
  const toChar = byteToCharMapper(pieceSql);
  for (const raw of alone) out.push(make(text, lines, p.start, p.end, raw.stmt as Node, (b) => p.start + toChar(b)));
}

function failed(text: string, lines: LineIndex, p: Piece, offset: number, message: string, out: SourceStatement[]): void {
  const s = make(text, lines, p.start, p.end, null, () => offset);
  s.error = { message, offset };
  out.push(s);
}

/** Parses a piece that did not parse as the pieces between its `;`s inside parentheses. */
function splitAgain(text: string, lines: LineIndex, p: Piece, out: SourceStatement[]): void {
  const cuts = [...p.inner!, p.semicolon >= 0 ? p.semicolon : p.end];
  let from = p.start;
  for (const cut of cuts) {
    const start = skipTrivia(text, from, cut);
    let end = Math.min(cut, p.end);
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end > start) parseBatch(text, lines, [{ start, end, semicolon: cut < p.end || p.semicolon >= 0 ? cut : -1 }], out);
    from = cut + 1;
  }
}

/**
 * The parser's message on one line, with no secret of the statement in it, and its quote of the statement
 * ("at or near …", which runs to the end of the input after an unterminated quote) cut short.
 */
function cleanMessage(m: string, sql: string): string {
  let out = m;
  for (const s of secretShapes(sql)) {
    const v = sql.slice(s.start, s.end);
    if (v) out = out.split(v).join('*'.repeat(v.length));
  }
  out = out.replace(/\s+/g, ' ').trim() || 'syntax error';
  return out.replace(/(at or near ")([\s\S]*)(")$/, (_, a: string, q: string, b: string) => a + (q.length > MAX_QUOTED ? q.slice(0, MAX_QUOTED) + '…' : q) + b);
}

function trimEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s|;/.test(text[e - 1])) e--;
  return e;
}

function make(
  text: string,
  lines: LineIndex,
  start: number,
  end: number,
  stmt: Node | null,
  toOffset: (b: number) => number,
): SourceStatement {
  let kind = 'SyntaxError';
  let node: any = null;
  if (stmt) {
    kind = Object.keys(stmt)[0];
    node = (stmt as Record<string, unknown>)[kind];
  }
  const s = lines.position(start);
  const e = lines.position(end);
  return {
    index: 0,
    start,
    end,
    text: text.slice(start, end),
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    kind,
    node,
    toOffset: (loc) => (typeof loc === 'number' && loc >= 0 ? toOffset(loc) : start),
  };
}
