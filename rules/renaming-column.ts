import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'renaming-column',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      rename: 'Renaming column {{table}}.{{column}} to {{to}} breaks the running app version, which still uses the old name',
    },
    docs: {
      summary: 'Disallow renaming columns in place',
      what: 'Flags `ALTER TABLE … RENAME COLUMN` on an existing table.',
      why: 'The rename is instant, but the application version still serving traffic keeps using the old name, and its queries fail from that moment until every instance is replaced.',
      example: {
        bad: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
        good: '-- add the new column, write to both, backfill, switch reads, then drop the old column:\nALTER TABLE users ADD COLUMN email_address text;',
      },
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME'],
    },
  },
  create(ctx) {
    return {
      'rename-column'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        const to = action.newName ?? 'new_name';
        const t = action.relation?.sql ?? 'the_table';
        const type = ctx.schema.table(action.relation)?.columns.get(action.column ?? '')?.type?.sql ?? '<type>';
        ctx.report(stmt, {
          messageId: 'rename',
          data: { table: label(action.relation), column: `"${action.column}"`, to: `"${to}"` },
          help: `Expand and contract: add the new column, write to both from the app, backfill, switch reads, then drop the old one:\nALTER TABLE ${t} ADD COLUMN ${quoteIdent(to)} ${type};`,
        });
      },
    };
  },
});
