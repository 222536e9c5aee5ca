// Helpers for rules' help text and fixes: SQL built from the user's own names.
import { quoteIdent } from '../analysis/names.js';
import type { AnalysedStatement, Span } from '../analysis/types.js';
import type { TextEdit } from './rule.js';

/** The offset just past the first top-level `keyword` in the statement (case-insensitive, whole word). */
export function keywordEnd(stmt: AnalysedStatement, keyword: string): number | undefined {
  const re = new RegExp(`\\b${keyword.replace(/\s+/g, '\\s+')}\\b`, 'i');
  const m = re.exec(stmt.source.text);
  return m ? stmt.source.start + m.index + m[0].length : undefined;
}

/** An edit inserting ` text` after the first `keyword` of the statement. */
export function insertAfterKeyword(stmt: AnalysedStatement, keyword: string, text: string): TextEdit | undefined {
  const at = keywordEnd(stmt, keyword);
  return at === undefined ? undefined : { start: at, end: at, text: ` ${text}` };
}

/** The statement's SQL with ` text` inserted after `keyword`. */
export function withInserted(stmt: AnalysedStatement, keyword: string, text: string): string {
  const at = keywordEnd(stmt, keyword);
  if (at === undefined) return stmt.source.text;
  const i = at - stmt.source.start;
  return `${stmt.source.text.slice(0, i)} ${text}${stmt.source.text.slice(i)}`;
}

export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A locked relation as named in messages. DROP INDEX and REINDEX INDEX of an index the schema model has not seen lock
 * that index's table, which pgsafe cannot name: say so instead of calling the index the table.
 */
export function lockLabel(stmt: AnalysedStatement, rel: { schema?: string; name: string; key?: string } | undefined): string {
  const unknownIndex = !!rel && stmt.actions.some((a) => a.relation?.key === rel.key && a.relation?.name === rel.name &&
    ((a.type === 'drop-index' && a.column === rel.name) || (a.type === 'reindex' && a.target === 'index' && a.index?.name === rel.name)));
  return unknownIndex ? `the table of index ${label(rel)}` : label(rel);
}

/** A relation as named in messages: `"app.users"`. */
export function label(rel: { schema?: string; name: string } | undefined, fallback = 'the table'): string {
  if (!rel) return fallback;
  return `"${rel.schema ? `${rel.schema}.` : ''}${rel.name}"`;
}

/**
 * A column declared with `type` (and an optional CHECK expression), ready to paste where it was declared: the column
 * definition inside CREATE TABLE; the whole statement with the type replaced for ADD COLUMN and ALTER COLUMN … TYPE,
 * where a bare definition is not valid SQL, the CHECK then added NOT VALID and validated (an inline one scans under
 * ACCESS EXCLUSIVE).
 */
export function declaration(stmt: AnalysedStatement, t: { context: string; column: string; span: Span; relation?: { sql: string; name: string } }, type: string, check?: string): string {
  const c = quoteIdent(t.column);
  if (t.context === 'create-table') return `${c} ${type}${check ? ` CHECK (${check})` : ''}`;
  const s = stmt.source;
  const out = `${s.text.slice(0, t.span.start - s.start)}${type}${s.text.slice(t.span.end - s.start)};`;
  if (!check) return out;
  const rel = t.relation?.sql ?? 'the_table';
  const name = quoteIdent(`${t.relation?.name ?? 'the_table'}_${t.column}_check`);
  return `${out}\nALTER TABLE ${rel} ADD CONSTRAINT ${name} CHECK (${check}) NOT VALID;\nALTER TABLE ${rel} VALIDATE CONSTRAINT ${name};`;
}
