import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'disallowed-unique-constraint',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      unique: 'Adding UNIQUE constraint {{name}} builds its index while holding {{lock}} on {{table}}, blocking {{blocked}} for the whole build',
    },
    docs: {
      summary: 'Require unique constraints on existing tables to be added `USING INDEX`',
      what: 'Flags `ADD CONSTRAINT … UNIQUE` and `ADD COLUMN … UNIQUE` on an existing table, unless the constraint is added `USING INDEX` an index built beforehand.',
      why: 'The unique index is built inside the ALTER TABLE, under ACCESS EXCLUSIVE: every read and write waits for the full index build. Build the index with `CREATE UNIQUE INDEX CONCURRENTLY` first, then attach it as a constraint, which is a catalog-only change.',
      example: {
        bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
        good: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
      },
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX'],
    },
  },
  create(ctx) {
    const report = (stmt: Parameters<typeof ctx.report>[0], rel: any, span: any, name: string, columns: string[]) => {
      const t = rel?.sql ?? 'the_table';
      ctx.report(stmt, {
        messageId: 'unique',
        data: { name: `"${name}"`, table: label(rel), ...lockPhrase(stmt, rel) },
        span,
        help: `Build the index concurrently, then attach it:\nCREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${t} (${columns.map(quoteIdent).join(', ')});\nALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)};`,
      });
    };
    return {
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!c || c.kind !== 'unique' || c.usingIndex || ctx.isNew(action.relation)) return;
        report(stmt, action.relation, action.span, c.name ?? `${action.relation?.name}_${c.columns.join('_')}_key`, c.columns);
      },
      'add-column'(action, stmt) {
        const col = action.columnDef;
        if (!col?.unique || ctx.isNew(action.relation)) return;
        report(stmt, action.relation, action.span, `${action.relation?.name}_${col.name}_key`, [col.name]);
      },
    };
  },
});
