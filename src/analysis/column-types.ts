// The column types a statement declares, with the exact text span of each type
// name, for the type-hygiene rules (prefer-bigint-over-int, prefer-jsonb, …)
// and their fixes. The extraction gives each type's names and start; the end is
// found by scanning the type's words, parentheses and array brackets.
import type { SourceStatement } from '../source/index.js';
import { skipTrivia } from '../source/lexer.js';
import type { Rel, TypeInfo } from './names.js';
import { objectKind } from './syntax.js';
import type { Action, ColumnSpec, Span, WrittenType } from './types.js';

export interface DeclaredType {
  /** Where the type is declared. `alter-type` is ALTER COLUMN … TYPE. */
  context: 'create-table' | 'add-column' | 'alter-type';
  relation?: Rel;
  column: string;
  /** `typeFromNode`'s view: canonical name (`int4`, `bpchar`, `timestamp`), mods, array. */
  type: TypeInfo;
  /** The type's names as parsed: `['pg_catalog', 'bpchar']` for `char(3)`, `['char']` for `"char"`. */
  names: string[];
  /** The type as written, array brackets included. */
  span: Span;
  /** The column's facts (DEFAULT, IDENTITY, GENERATED …); absent for ALTER COLUMN … TYPE. */
  spec?: ColumnSpec;
}

/** Column types declared by CREATE TABLE, ALTER TABLE … ADD COLUMN and ALTER COLUMN … TYPE, from the statement's actions. */
export function declaredTypes(stmt: { source: SourceStatement; actions: readonly Action[] }): DeclaredType[] {
  const s = stmt.source;
  const out: DeclaredType[] = [];
  const push = (context: DeclaredType['context'], rel: Rel | undefined, column: string | undefined, type: TypeInfo | undefined, written: WrittenType | undefined, spec?: ColumnSpec) => {
    if (!type || !written) return;
    const start = written.start;
    if (start < s.start || start >= s.end) return;
    out.push({ context, relation: rel, column: column ?? '?', type, names: written.names, span: { start, end: typeEnd(s.text, start - s.start) + s.start }, spec });
  };
  // ALTER TABLE and ALTER FOREIGN TABLE; not ALTER VIEW, whose ADD COLUMN is a view's.
  const kind = s.kind === 'AlterTableStmt' ? objectKind(stmt) : undefined;
  const onTable = kind === undefined || kind === 'table' || kind === 'foreign_table';
  for (const a of stmt.actions) {
    if (a.type === 'create-table' && s.kind === 'CreateStmt') {
      for (const c of a.columns) push('create-table', a.relation, c.name, c.type, c.typeWritten, c);
    } else if (s.kind === 'AlterTableStmt' && onTable) {
      if (a.type === 'add-column' && a.columnDef) push('add-column', a.relation, a.columnDef.name, a.columnDef.type, a.columnDef.typeWritten, a.columnDef);
      else if (a.type === 'alter-column-type') push('alter-type', a.relation, a.column, a.newType, a.typeWritten);
    }
  }
  return out;
}

const MULTIWORD = /^(?:varying|precision|with\s+time\s+zone|without\s+time\s+zone|array|year|month|day|hour|minute|second|to)\b/i;

/** Offset just past the type starting at `start` in `text`: names, `(…)`, `[…]` and the words of multi-word types. */
export function typeEnd(text: string, start: number): number {
  let i = readName(text, start);
  let end = i;
  for (;;) {
    while (text[i] === '.') { i = readName(text, i + 1); end = i; }
    const j = skipTrivia(text, i);
    const c = text[j];
    if (c === '(' || c === '[') {
      const close = matching(text, j);
      if (close < 0) return end;
      i = end = close + 1;
      continue;
    }
    const m = MULTIWORD.exec(text.slice(j, j + 24));
    if (m) { i = end = j + m[0].length; continue; }
    return end;
  }
}

function readName(text: string, i: number): number {
  if (text[i] === '"') {
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === '"') { if (text[j + 1] === '"') { j += 2; continue; } return j + 1; }
      j++;
    }
    return j;
  }
  let j = i;
  while (j < text.length && /[\p{L}\p{N}_$]/u.test(text[j])) j++;
  return j;
}

function matching(text: string, open: number): number {
  const want = text[open] === '(' ? ')' : ']';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === text[open]) depth++;
    else if (c === want && --depth === 0) return i;
    else if (c === "'") { i = text.indexOf("'", i + 1); if (i < 0) return -1; }
  }
  return -1;
}

/** `name` as written in the type names: true for `pg_catalog.<name>` or a bare `<name>` (not the quoted internal `"char"`). */
export function isBuiltin(t: DeclaredType, ...names: string[]): boolean {
  const last = t.names[t.names.length - 1];
  if (!names.includes(last)) return false;
  return t.names.length === 1 || (t.names.length === 2 && t.names[0] === 'pg_catalog');
}
