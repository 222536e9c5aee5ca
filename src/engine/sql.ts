// Helpers for rules' help text and fixes: SQL built from the user's own names.
import type { AnalysedStatement } from '../analysis/types.js';
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

/** A relation as named in messages: `"app.users"`. */
export function label(rel: { schema?: string; name: string } | undefined, fallback = 'the table'): string {
  if (!rel) return fallback;
  return `"${rel.schema ? `${rel.schema}.` : ''}${rel.name}"`;
}
