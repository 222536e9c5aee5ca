// SQL inside PL/pgSQL bodies.
//
// A `DO $$ … $$` block runs when the migration runs, so its static SQL is
// migration SQL: `expandBodies` puts each inner statement right after its DO
// statement, with exact file locations, and the analyser and rules see it like
// any other statement (it runs inside the DO's own transaction, see
// Analyzer.analyse).
//
// A function or procedure body runs when the function is *called*, not when
// the migration creates it. Its statements take no lock at migration time and
// must not change the schema model, so `expandBodies` does not return them.
// `bodyStatements` still parses them (for tools that want to look inside a
// function) and is what `expandBodies` uses for DO blocks.
//
// What is found: `PLpgSQL_stmt_execsql` (static SQL) and `EXECUTE` of a
// string literal ('…', E'…' or dollar-quoted, holding one statement or
// several). Text inside string literals is never a statement, and `EXECUTE`
// of anything built at run time (format(), ||) is not followed.
// A DO block runs in the migration, so what pgsafe cannot read in it is never
// passed as safe: a body in another LANGUAGE, a body the PL/pgSQL parser
// rejects, a statement in it the SQL parser rejects, or blocks nested deeper
// than MAX_DEPTH mark the DO statement `unanalyzed` (reported as
// unanalyzed-statement). In function bodies those are skipped silently:
// Postgres checks them at CREATE time, and they do not run in the migration.
import { pgParse as parseSync, pgParsePlpgsql as parsePlPgSQLSync } from '../source/pg.js';
import type { ParsedSource, SourceStatement } from '../source/index.js';
import { byteToCharMapper } from '../source/locate.js';
import { dollarTagEnd, skipTrivia } from '../source/lexer.js';

/** DO blocks are expanded inside DO blocks up to this depth; a deeper one is reported as not analysed. */
const MAX_DEPTH = 8;

/** Inner statements of bodies that are single-quoted in the file: their text has doubled quotes, so fixes must not edit it. */
export const inQuotedBody = new WeakSet<SourceStatement>();

/** Statements to analyse: the file's own, in order, each DO block followed by the static SQL inside it. */
export function expandBodies(parsed: ParsedSource): SourceStatement[] {
  const out: SourceStatement[] = [];
  const visit = (s: SourceStatement, depth: number) => {
    out.push(s);
    if (s.kind !== 'DoStmt') return;
    if (depth >= MAX_DEPTH) {
      s.unanalyzed ??= `DO blocks nested more than ${MAX_DEPTH} deep are not read`;
      return;
    }
    for (const inner of bodyStatements(parsed, s)) visit(inner, depth + 1);
  };
  for (const s of parsed.statements) visit(s, 0);
  return out;
}

/** A string literal's content and where each of its characters sits in the file. */
interface Literal {
  value: string;
  /** File offset of `value[i]`; `at(value.length)` is the offset of the closing quote. */
  at(i: number): number;
  dollar: boolean;
}

/**
 * The static SQL statements of a DO block or a `LANGUAGE plpgsql` function or
 * procedure, in body order, each with `parent` set to `stmt` and exact file
 * offsets. Returns [] for other statements, other languages, and bodies that do
 * not parse.
 */
export function bodyStatements(parsed: ParsedSource, stmt: SourceStatement): SourceStatement[] {
  const n = stmt.node;
  let options: any[];
  if (stmt.kind === 'DoStmt') options = n?.args ?? [];
  else if (stmt.kind === 'CreateFunctionStmt') options = n?.options ?? [];
  else return [];
  const opt = (name: string) => options.map((o) => o?.DefElem).find((d) => d?.defname === name);
  const isDo = stmt.kind === 'DoStmt';
  // What a DO block holds that pgsafe could not read: it runs in the migration, so say so.
  const unread = (why: string): SourceStatement[] => {
    if (isDo) stmt.unanalyzed ??= why;
    return [];
  };
  const language = opt('language')?.arg?.String?.sval ?? (isDo ? 'plpgsql' : undefined);
  if (String(language).toLowerCase() !== 'plpgsql') return isDo ? unread(`the DO block is in LANGUAGE ${language}, whose body pgsafe does not read`) : [];
  const as = opt('as');
  const body: string | undefined = as?.arg?.String?.sval ?? as?.arg?.List?.items?.[0]?.String?.sval;
  if (typeof body !== 'string' || !as) return [];
  const lit = literalAt(parsed.text, stmt.toOffset(as.location), stmt.end);
  if (!lit || lit.value !== body) return unread('the DO block\'s body is written in a form pgsafe does not map (an E\'\' string?)');

  let tree: any;
  try {
    tree = parsePlPgSQLSync(stmt.text);
  } catch (err) {
    return unread(`the DO block's body does not parse as PL/pgSQL (${String((err as Error).message).split('\n')[0].slice(0, 120)})`);
  }
  const fn = tree?.plpgsql_funcs?.[0]?.PLpgSQL_function;
  const queries: { sql: string; line: number; literal?: boolean }[] = [];
  collect(fn?.action, queries);
  const vars = variables(fn);

  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const out: SourceStatement[] = [];
  let cursor = 0;
  for (const q of queries) {
    const from = Math.max(cursor, lineStarts[Math.max(0, q.line - 1)] ?? 0);
    const found = find(body, q.sql, from) ?? find(body, q.sql, cursor);
    if (found === undefined) continue;
    cursor = found + q.sql.length;
    let sql = q.sql;
    let at = (i: number) => lit.at(found + i);
    if (q.literal) {
      // EXECUTE 'literal': the statement is the literal's content.
      const inner = literalAt(body, found, found + q.sql.length) ?? escapeLiteral(body, found, found + q.sql.length);
      if (!inner) continue;
      sql = inner.value;
      at = (i: number) => lit.at(inner.at(i));
    }
    // EXECUTE runs its string as plain SQL: PL/pgSQL variables are not substituted there.
    const made = makeInner(parsed, stmt, sql, at, q.literal ? new Set() : vars);
    if (!made) {
      if (isDo) unread('a statement in the DO block\'s body does not parse');
      continue;
    }
    for (const s of made) {
      if (!lit.dollar || q.literal) inQuotedBody.add(s);
      out.push(s);
    }
  }
  return out;
}

function collect(node: any, out: { sql: string; line: number; literal?: boolean }[], depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 200) return;
  if (Array.isArray(node)) {
    for (const x of node) collect(x, out, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(node)) {
    const val = v as any;
    if (key === 'PLpgSQL_stmt_execsql') {
      const sql = val?.sqlstmt?.PLpgSQL_expr?.query;
      if (typeof sql === 'string') out.push({ sql, line: val.lineno ?? 0 });
      continue;
    }
    if (key === 'PLpgSQL_stmt_dynexecute') {
      const sql = val?.query?.PLpgSQL_expr?.query;
      if (typeof sql === 'string' && isPlainLiteral(sql)) out.push({ sql, line: val.lineno ?? 0, literal: true });
      continue;
    }
    if (val && typeof val === 'object') collect(val, out, depth + 1);
  }
}

/** `'…'`, `E'…'` or `$tag$…$tag$`, nothing else: EXECUTE of a constant string. */
function isPlainLiteral(expr: string): boolean {
  const t = expr.trim();
  const lit = literalAt(t, 0, t.length) ?? escapeLiteral(t, 0, t.length);
  return !!lit && lit.at(lit.value.length) + (lit.dollar ? tagLength(t) : 1) === t.length && t === expr;
}

/**
 * An `E'…'` literal at `pos`: its content with backslash escapes decoded. Each decoded character maps to the
 * start of its escape in `text`.
 */
function escapeLiteral(text: string, pos: number, limit: number): Literal | undefined {
  const i = skipTrivia(text, pos, limit);
  if (!/[eE]/.test(text[i] ?? '') || text[i + 1] !== "'") return undefined;
  return quoted(text, i + 2, limit, true);
}

/**
 * The rest of a quoted literal whose content starts at `j`: `''` is one quote, and with `escapes` (an `E''`
 * string) backslash escapes are decoded. Each decoded character maps to where it starts in `text`.
 */
function quoted(text: string, j: number, limit: number, escapes: boolean): Literal | undefined {
  const offsets: number[] = [];
  let value = '';
  while (j < limit) {
    const c = text[j];
    if (escapes && c === '\\') {
      const e = text[j + 1] ?? '';
      const oct = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4));
      const hex = /^x[0-9a-fA-F]{1,2}/.exec(text.slice(j + 1, j + 4));
      let ch: string;
      let len = 2;
      if (hex) { ch = String.fromCharCode(parseInt(hex[0].slice(1), 16)); len = 1 + hex[0].length; }
      else if (oct) { ch = String.fromCharCode(parseInt(oct[0], 8)); len = 1 + oct[0].length; }
      else ch = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
      offsets.push(j);
      value += ch;
      j += len;
      continue;
    }
    if (c === "'") {
      if (text[j + 1] !== "'") break;
      offsets.push(j);
      value += "'";
      j += 2;
      continue;
    }
    offsets.push(j);
    value += c;
    j++;
  }
  if (text[j] !== "'") return undefined;
  offsets.push(j);
  return { value, at: (k) => offsets[Math.max(0, Math.min(k, offsets.length - 1))], dollar: false };
}

function tagLength(expr: string): number {
  return dollarTagEnd(expr, 0);
}

/**
 * Where `query` sits in `body` at or after `from`. PL/pgSQL blanks out an
 * `INTO target` clause with spaces of the same length, so a space in the query
 * matches any character.
 */
function find(body: string, query: string, from: number): number | undefined {
  if (!query) return undefined;
  const exact = body.indexOf(query, from);
  if (exact >= 0) return exact;
  const cut = query.search(/\s/);
  const head = cut < 0 ? query : query.slice(0, cut);
  for (let p = body.indexOf(head, from); p >= 0; p = body.indexOf(head, p + 1)) {
    let ok = p + query.length <= body.length;
    for (let i = head.length; ok && i < query.length; i++) {
      const c = query[i];
      if (c !== ' ' && c !== body[p + i]) ok = false;
    }
    if (ok) return p;
  }
  return undefined;
}

/**
 * The string literal starting at `pos` (after an optional `AS` keyword and
 * trivia) in `text`: dollar-quoted, or single-quoted with doubled quotes.
 * E'' strings with backslash escapes are not mapped.
 */
function literalAt(text: string, pos: number, limit: number): Literal | undefined {
  let i = skipTrivia(text, pos, limit);
  if (/^as\b/i.test(text.slice(i, i + 3))) i = skipTrivia(text, i + 2, limit);
  if (text[i] === '$') {
    const tagEnd = dollarTagEnd(text, i);
    if (tagEnd < 0) return undefined;
    const tag = text.slice(i, tagEnd);
    const close = text.indexOf(tag, tagEnd);
    if (close < 0 || close > limit) return undefined;
    return { value: text.slice(tagEnd, close), at: (k) => tagEnd + k, dollar: true };
  }
  if (text[i] !== "'") return undefined;
  if (i > 0 && /[eE]/.test(text[i - 1])) return undefined;
  return quoted(text, i + 1, limit, false);
}

/**
 * Parses the inner statement(s) of `query` and locates them in the file through `at` (query char offset → file
 * offset). Returns undefined when the query does not parse.
 */
function makeInner(parsed: ParsedSource, parent: SourceStatement, query: string, at: (i: number) => number, vars: Set<string>): SourceStatement[] | undefined {
  let raws: any[];
  try {
    raws = parseSync(query).stmts ?? [];
    if (raws.length === 1) {
      const bound = bindVariables(query, raws[0].stmt, vars);
      if (bound !== query) raws = [{ ...raws[0], stmt: parseSync(bound).stmts?.[0]?.stmt ?? raws[0].stmt }];
    }
  } catch {
    return undefined;
  }
  const toChar = byteToCharMapper(query);
  const out: SourceStatement[] = [];
  for (const raw of raws) {
    const kind = Object.keys(raw.stmt)[0];
    // Transaction control inside a body is PL/pgSQL's own COMMIT/ROLLBACK, never a nested BEGIN.
    if (kind === 'TransactionStmt') continue;
    const from = raws.length === 1 ? 0 : toChar(raw.stmt_location ?? 0);
    const to = raws.length === 1 || !raw.stmt_len ? query.length : toChar((raw.stmt_location ?? 0) + raw.stmt_len);
    const lead = skipTrivia(query, from, to);
    let tail = to;
    while (tail > lead && /[\s;]/.test(query[tail - 1])) tail--;
    const start = at(lead);
    const end = tail > lead ? at(tail) : start;
    const s = parsed.lines.position(start);
    const e = parsed.lines.position(end);
    out.push({
      index: parent.index,
      start,
      end,
      text: parsed.text.slice(start, end),
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      kind,
      node: raw.stmt[kind],
      toOffset: (loc) => (typeof loc === 'number' && loc >= 0 ? at(Math.min(toChar(loc), query.length)) : start),
      parent,
    });
  }
  return out;
}

/** Names of the block's variables, parameters and records (`found`, `new`, loop records…), lower-cased. */
function variables(fn: any): Set<string> {
  const out = new Set<string>();
  for (const d of fn?.datums ?? []) {
    const v = d?.PLpgSQL_var ?? d?.PLpgSQL_rec ?? d?.PLpgSQL_row;
    const name = v?.refname;
    if (typeof name === 'string' && /^[\p{L}_][\p{L}\p{N}_$]*$/u.test(name)) out.add(name.toLowerCase());
  }
  return out;
}

/**
 * PL/pgSQL runs a statement with each variable reference replaced by a
 * parameter, so `WHERE id = r.id` inside `FOR r IN …` compares with one value,
 * not with another table's column. Does the same: each column reference whose
 * first name is a variable becomes `$1` (or `0` for a one-letter name), padded
 * with spaces so every other offset stays put.
 */
function bindVariables(query: string, raw: any, vars: Set<string>): string {
  if (vars.size === 0) return query;
  const toChar = byteToCharMapper(query);
  const spans: [number, number][] = [];
  const visit = (x: any, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 200) return;
    if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
    const ref = x.ColumnRef;
    if (ref) {
      const first = ref.fields?.[0]?.String?.sval;
      if (typeof first === 'string' && vars.has(first.toLowerCase()) && typeof ref.location === 'number') {
        const start = toChar(ref.location);
        const end = refEnd(query, start);
        if (end > start) spans.push([start, end]);
      }
      return;
    }
    for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(raw, 0);
  let out = query;
  for (const [a, b] of spans.sort((p, q) => q[0] - p[0])) {
    const len = b - a;
    out = out.slice(0, a) + (len >= 2 ? '$1'.padEnd(len, ' ') : '0') + out.slice(b);
  }
  return out;
}

/** End of a dotted name (`r.id`, `"Rec"."Field"`, `r.*`) starting at `i`. */
function refEnd(text: string, i: number): number {
  let j = i;
  for (;;) {
    if (text[j] === '"') {
      j++;
      while (j < text.length && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      j++;
    } else if (text[j] === '*') j++;
    else {
      const k = j;
      while (j < text.length && /[\p{L}\p{N}_$]/u.test(text[j])) j++;
      if (j === k) return j;
    }
    if (text[j] !== '.') return j;
    j++;
  }
}
