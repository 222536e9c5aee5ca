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
// What is found: `PLpgSQL_stmt_execsql` (static SQL) and `EXECUTE` of a plain
// string literal. Text inside string literals is never a statement, and
// `EXECUTE` of anything built at run time (format(), ||) is not followed.
// A body that the PL/pgSQL parser rejects, or a statement inside it that the
// SQL parser rejects, is skipped silently: Postgres checks function bodies at
// CREATE time itself, and pgsafe's parser knows no catalog, so reporting its
// failures inside bodies would mostly be noise.
import { pgParse as parseSync, pgParsePlpgsql as parsePlPgSQLSync } from '../source/pg.js';
import type { ParsedSource, SourceStatement } from '../source/index.js';
import { byteToCharMapper } from '../source/locate.js';
import { dollarTagEnd, skipTrivia } from '../source/lexer.js';

/** DO blocks are expanded inside DO blocks up to this depth. */
const MAX_DEPTH = 3;

/** Inner statements of bodies that are single-quoted in the file: their text has doubled quotes, so fixes must not edit it. */
export const inQuotedBody = new WeakSet<SourceStatement>();

/** Statements to analyse: the file's own, in order, each DO block followed by the static SQL inside it. */
export function expandBodies(parsed: ParsedSource): SourceStatement[] {
  const out: SourceStatement[] = [];
  const visit = (s: SourceStatement, depth: number) => {
    out.push(s);
    if (s.kind !== 'DoStmt' || depth >= MAX_DEPTH) return;
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
  const language = opt('language')?.arg?.String?.sval ?? (stmt.kind === 'DoStmt' ? 'plpgsql' : undefined);
  if (String(language).toLowerCase() !== 'plpgsql') return [];
  const as = opt('as');
  const body: string | undefined = as?.arg?.String?.sval ?? as?.arg?.List?.items?.[0]?.String?.sval;
  if (typeof body !== 'string' || !as) return [];
  const lit = literalAt(parsed.text, stmt.toOffset(as.location), stmt.end);
  if (!lit || lit.value !== body) return [];

  let tree: any;
  try {
    tree = parsePlPgSQLSync(stmt.text);
  } catch {
    return [];
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
      const inner = literalAt(body, found, found + q.sql.length);
      if (!inner) continue;
      sql = inner.value;
      at = (i: number) => lit.at(inner.at(i));
    }
    // EXECUTE runs its string as plain SQL: PL/pgSQL variables are not substituted there.
    const s = makeInner(parsed, stmt, sql, at, q.literal ? new Set() : vars);
    if (!s) continue;
    if (!lit.dollar || q.literal) inQuotedBody.add(s);
    out.push(s);
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

/** `'…'` or `$tag$…$tag$`, nothing else: EXECUTE of a constant string. */
function isPlainLiteral(expr: string): boolean {
  const lit = literalAt(expr, 0, expr.length);
  return !!lit && lit.at(lit.value.length) + (lit.dollar ? tagLength(expr) : 1) === expr.length;
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
  const offsets: number[] = [];
  let value = '';
  let j = i + 1;
  while (j < limit) {
    if (text[j] === "'") {
      if (text[j + 1] !== "'") break;
      offsets.push(j);
      value += "'";
      j += 2;
      continue;
    }
    offsets.push(j);
    value += text[j];
    j++;
  }
  if (text[j] !== "'") return undefined;
  offsets.push(j);
  return { value, at: (k) => offsets[Math.max(0, Math.min(k, offsets.length - 1))], dollar: false };
}

/** Parses one inner statement and locates it in the file through `at` (query char offset → file offset). */
function makeInner(parsed: ParsedSource, parent: SourceStatement, query: string, at: (i: number) => number, vars: Set<string>): SourceStatement | undefined {
  let raw: any;
  try {
    const stmts = parseSync(query).stmts ?? [];
    if (stmts.length !== 1) return undefined;
    raw = stmts[0].stmt;
    const bound = bindVariables(query, raw, vars);
    if (bound !== query) raw = parseSync(bound).stmts?.[0]?.stmt ?? raw;
  } catch {
    return undefined;
  }
  const kind = Object.keys(raw)[0];
  // Transaction control inside a body is PL/pgSQL's own COMMIT/ROLLBACK, never a nested BEGIN.
  if (kind === 'TransactionStmt') return undefined;
  const lead = skipTrivia(query, 0);
  let tail = query.length;
  while (tail > lead && /[\s;]/.test(query[tail - 1])) tail--;
  const start = at(lead);
  const end = tail > lead ? at(tail) : start;
  const toChar = byteToCharMapper(query);
  const s = parsed.lines.position(start);
  const e = parsed.lines.position(end);
  return {
    index: parent.index,
    start,
    end,
    text: parsed.text.slice(start, end),
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    kind,
    node: raw[kind],
    toOffset: (loc) => (typeof loc === 'number' && loc >= 0 ? at(Math.min(toChar(loc), query.length)) : start),
    parent,
  };
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
