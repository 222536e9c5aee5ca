import { defineRule } from '../src/engine/rule.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';
import type { ColumnTarget } from '../src/analysis/syntax.js';

export default defineRule({
  meta: {
    id: 'ban-duplicate-column-assignments',
    category: 'hygiene',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      assigned: 'Column {{column}} is assigned more than once in this `{{command}}`; Postgres rejects the statement with "multiple assignments to same column"',
      listed: 'Column {{column}} is listed more than once in this `{{command}}`; Postgres rejects the statement with "column specified more than once"',
    },
    docs: {
      summary: 'Disallow naming the same column twice in an INSERT column list, an UPDATE SET list or a CREATE TABLE',
      what: 'Flags every occurrence of a column that appears more than once in the column list of `INSERT` (and `MERGE … INSERT`), the SET list of `UPDATE` (and `MERGE … UPDATE`, `(a, b) = (…)` forms included), or the column definitions of `CREATE TABLE`. Assignments to different fields or elements of one column (`a.x = 1, a.y = 2`) are allowed.',
      why: 'Postgres refuses such a statement with an error, so the migration fails when it reaches it, typically after earlier statements of a non-transactional migration have already run. It is almost always a copy-paste slip, where one of the two values was meant for another column.',
      example: {
        bad: 'UPDATE users SET email = lower(email), email = trim(email) WHERE id = 1;',
        good: 'UPDATE users SET email = lower(trim(email)) WHERE id = 1;',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-update.html',
        'https://www.postgresql.org/docs/current/sql-insert.html',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement, command: string, targets: ColumnTarget[], messageId: 'assigned' | 'listed') => {
      const byName = new Map<string, ColumnTarget[]>();
      for (const t of targets) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
      for (const [name, list] of byName) {
        if (list.length < 2 || list.every((t) => t.partial)) continue;
        for (const t of list) ctx.report(stmt, { messageId, data: { column: `"${name}"`, command }, span: nameSpan(stmt, t.start), help: `Name ${quoteIdent(name)} once, and merge or correct the duplicate ${messageId === 'assigned' ? 'assignment' : 'entry'}.` });
      }
    };
    const all = (stmt: AnalysedStatement) => {
      for (const list of ctx.syntax.columnLists(stmt)) check(stmt, list.command, list.columns, list.kind);
    };
    return { InsertStmt: all, UpdateStmt: all, MergeStmt: all, CreateStmt: all };
  },
});

/** The column name token starting at `start`. */
function nameSpan(stmt: AnalysedStatement, start: number): Span {
  const s = stmt.source;
  const text = s.text;
  let i = start - s.start;
  if (text[i] === '"') {
    i++;
    while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
    i++;
  } else {
    while (i < text.length && /[\p{L}\p{N}_$]/u.test(text[i])) i++;
  }
  return { start, end: Math.max(start, s.start + i) };
}
