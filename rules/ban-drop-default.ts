import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-drop-default',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      column: 'Dropping the default of {{column}} on {{table}} breaks the running app version: its inserts that omit the column then fail on NOT NULL or write NULL',
      domain: 'Dropping the default of domain {{domain}} changes what inserts that omit a column of that domain write: NULL instead of the default',
    },
    docs: {
      summary: 'Disallow dropping column defaults the running application may rely on',
      what: 'Flags `ALTER TABLE … ALTER COLUMN … DROP DEFAULT` (tables, foreign tables, view columns) on a relation not created earlier in the same migration, and `ALTER DOMAIN … DROP DEFAULT`.',
      why: 'The application version still serving traffic may insert rows without naming the column and rely on the default. Once it is gone, those inserts fail with `null value violates not-null constraint` on a NOT NULL column, or silently write NULL.',
      example: {
        bad: 'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;',
        good: '-- 1. deploy code that always sets orders.status on insert\n-- 2. in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-default: every insert sets status since v42\nALTER TABLE orders ALTER COLUMN status DROP DEFAULT;',
      },
      whenNotToUse: 'When every application version in service sets the column on insert; ignore it with `-- pgsafe-ignore ban-drop-default: <why>`.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-DEFAULT',
        'https://www.postgresql.org/docs/current/sql-alterdomain.html',
      ],
    },
  },
  create(ctx) {
    return {
      'drop-default'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        ctx.report(stmt, {
          messageId: 'column',
          data: { column: `"${action.column}"`, table: label(action.relation) },
          span: action.span,
          help: `Make every insert set "${action.column}" in the application and deploy that first; drop the default in a later migration.`,
        });
      },
      'alter-domain'(action, stmt) {
        if (action.change !== 'drop-default') return;
        ctx.report(stmt, {
          messageId: 'domain',
          data: { domain: label(action.relation, 'the domain') },
          help: 'Make every insert set the columns of this domain in the application and deploy that first; drop the default in a later migration.',
        });
      },
    };
  },
});
