import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'ban-drop-not-null',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      drop: 'Dropping NOT NULL on {{table}}.{{column}} lets NULLs in, which the running app version and other readers of the column may not handle',
    },
    docs: {
      summary: 'Disallow `ALTER COLUMN … DROP NOT NULL` on existing tables',
      what: 'Flags `ALTER TABLE … ALTER COLUMN … DROP NOT NULL` on a table that was not created earlier in the same migration.',
      why: 'The change itself is catalog-only, but it breaks a contract: code, reports, replicas and downstream consumers that were written for a column that is never NULL start seeing NULLs as soon as any writer stores one. Making a column optional has to be rolled out readers first.',
      example: {
        bad: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
        good: '-- after deploying readers that handle a NULL email:\n-- pgsafe-ignore ban-drop-not-null: readers handle NULL\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      },
      whenNotToUse: 'When every reader of the column already handles NULL; suppress it with `-- pgsafe-ignore ban-drop-not-null` on that statement.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL',
      ],
    },
  },
  create(ctx) {
    return {
      'drop-not-null'(action, stmt) {
        if (ctx.isNew(action.relation) || !action.column) return;
        ctx.report(stmt, {
          messageId: 'drop',
          data: { table: label(action.relation), column: `"${action.column}"` },
          span: action.span,
          help: `Deploy readers that handle NULL in "${action.column}" first, then drop the constraint in a later migration and mark it reviewed:\n-- pgsafe-ignore ban-drop-not-null: readers handle NULL\nALTER TABLE ${action.relation?.sql ?? 'the_table'} ALTER COLUMN ${quoteIdent(action.column)} DROP NOT NULL;`,
        });
      },
    };
  },
});
