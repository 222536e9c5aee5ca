import { defineRule } from '../src/engine/rule.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'require-table-schema',
    category: 'hygiene',
    defaultSeverity: 'warning',
    recommended: false,
    fix: 'none',
    messages: {
      unqualified: 'Table "{{table}}" is not schema-qualified, so `{{command}}` acts on whichever schema comes first in the `search_path` of the session running the migration',
    },
    docs: {
      summary: 'Require schema-qualified table names in CREATE, ALTER and DROP TABLE',
      what: 'Flags `CREATE TABLE`, `CREATE TABLE … AS`, `ALTER TABLE` and `DROP TABLE` whose table name has no schema. Temporary tables are not flagged. Off by default: enable it where migrations run with varying `search_path` settings.',
      why: 'An unqualified name is resolved through `search_path` when the statement runs. With a different `search_path` (another role, a connection pooler, a tenant schema set by the tool) the migration creates or alters a table in a different schema than intended, or drops the wrong one.',
      example: {
        bad: 'CREATE TABLE users (id bigint PRIMARY KEY);',
        good: 'CREATE TABLE public.users (id bigint PRIMARY KEY);',
      },
      whenNotToUse: 'When migrations deliberately rely on `search_path`, such as one set of migrations applied to many tenant schemas.',
      references: [
        'https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement, command: string) => {
      const t = ctx.syntax.writtenTable(stmt);
      if (!t || t.schema || t.temporary) return;
      const span: Span = { start: t.start, end: nameEnd(stmt, t.start) };
      ctx.report(stmt, {
        messageId: 'unqualified',
        data: { table: t.name, command },
        span,
        help: `Qualify the table with its schema:\n${qualified(stmt, span)}`,
      });
    };
    return {
      CreateStmt(stmt: AnalysedStatement) {
        check(stmt, 'CREATE TABLE');
      },
      CreateTableAsStmt(stmt: AnalysedStatement) {
        check(stmt, 'CREATE TABLE … AS');
      },
      AlterTableStmt(stmt: AnalysedStatement) {
        check(stmt, 'ALTER TABLE');
      },
      DropStmt(stmt: AnalysedStatement) {
        for (const a of stmt.actions) {
          if (a.type !== 'drop-table' || a.foreign || !a.relation || a.relation.schema !== undefined) continue;
          const name = a.relation.name;
          const start = findName(stmt, name);
          if (start === undefined) continue;
          ctx.report(stmt, {
            messageId: 'unqualified',
            data: { table: name, command: 'DROP TABLE' },
            span: { start, end: nameEnd(stmt, start) },
            help: `Qualify the table with its schema:\n${qualified(stmt, { start, end: nameEnd(stmt, start) })}`,
          });
        }
      },
    };
  },
});

/** The statement with `public.` before the table name at `span`: ready to paste. */
function qualified(stmt: AnalysedStatement, span: Span): string {
  const s = stmt.source;
  return `${s.text.slice(0, span.start - s.start)}public.${s.text.slice(span.start - s.start)};`;
}

function nameEnd(stmt: AnalysedStatement, start: number): number {
  const text = stmt.source.text;
  let i = start - stmt.source.start;
  if (text[i] === '"') {
    i++;
    while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
    return stmt.source.start + i + 1;
  }
  while (i < text.length && /[\p{L}\p{N}_$]/u.test(text[i])) i++;
  return stmt.source.start + i;
}

/** DROP TABLE objects carry no location: find the name after `TABLE [IF EXISTS]` or a comma. */
function findName(stmt: AnalysedStatement, name: string): number | undefined {
  const text = stmt.source.text;
  const q = quoteIdent(name);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:\\btable(?:\\s+if\\s+exists)?|,)\\s*(${esc(q)}|"${esc(name)}")(?![\\p{L}\\p{N}_$".])`, 'giu');
  const m = re.exec(text);
  if (!m) return undefined;
  return stmt.source.start + m.index + m[0].length - m[1].length;
}
