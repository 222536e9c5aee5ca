import { defineRule } from '../src/engine/rule.js';
import { declaration, label } from '../src/engine/sql.js';
import { declaredTypes, isBuiltin } from '../src/analysis/column-types.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'prefer-jsonb',
    category: 'hygiene',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'unsafe',
    messages: {
      json: 'Column {{column}} of {{table}} is `{{type}}`, stored as text and re-parsed on every access; `json` has no equality operator, so the column cannot be indexed with GIN, compared, or used in DISTINCT, GROUP BY or UNION',
    },
    docs: {
      summary: 'Prefer `jsonb` over `json` columns',
      what: 'Flags columns declared `json`, arrays included, in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`.',
      why: '`json` keeps the input text verbatim and parses it again for every operator call. `jsonb` stores a decomposed binary form: it supports GIN indexes and containment (`@>`), has equality and ordering, and is faster to query. Converting a large `json` column later (`ALTER COLUMN … TYPE jsonb`) rewrites the table under ACCESS EXCLUSIVE.',
      example: {
        bad: 'CREATE TABLE events (payload json NOT NULL);',
        good: 'CREATE TABLE events (payload jsonb NOT NULL);',
      },
      whenNotToUse: 'When the exact input text must be preserved: key order, duplicate keys and whitespace (a signed webhook body).',
      fixSafety: 'Unsafe: the fix replaces `json` with `jsonb`. `jsonb` drops duplicate keys (keeping the last), reorders keys and normalises whitespace, so the stored text differs from the input.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-json.html',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement) => {
      for (const t of declaredTypes(stmt)) {
        if (!isBuiltin(t, 'json')) continue;
        const written = ctx.text.slice(t.span.start, t.span.end);
        const m = /^((?:pg_catalog\s*\.\s*)?)("?)json\2/i.exec(written);
        const jsonb = written.replace(/^((?:pg_catalog\s*\.\s*)?)("?)json\2/i, '$1jsonb');
        ctx.report(stmt, {
          messageId: 'json',
          data: { column: `"${t.column}"`, table: label(t.relation), type: written },
          span: t.span,
          help: `Use \`jsonb\`:\n${declaration(stmt, t, jsonb)}`,
          fix: m ? { title: 'Replace with `jsonb`', safety: 'unsafe', edits: [{ start: t.span.start, end: t.span.start + m[0].length, text: `${m[1]}jsonb` }] } : undefined,
        });
      }
    };
    return { CreateStmt: check, AlterTableStmt: check };
  },
});
