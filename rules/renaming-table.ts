import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'renaming-table',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      rename: 'Renaming table {{table}} to {{to}} breaks the running app version, which still uses the old name',
    },
    docs: {
      summary: 'Disallow renaming tables in place',
      what: 'Flags `ALTER TABLE … RENAME TO` on an existing table.',
      why: 'The rename is instant, but every query of the application version still serving traffic uses the old name and fails until all instances are replaced.',
      example: {
        bad: 'ALTER TABLE users RENAME TO accounts;',
        good: '-- rename, and keep the old name working for the old app version in the same transaction:\nBEGIN;\n-- pgsafe-ignore renaming-table: the view below keeps "users" working until the old version is gone\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;',
      },
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-RENAME'],
    },
  },
  create(ctx) {
    return {
      'rename-table'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        const to = action.newName ?? 'new_name';
        ctx.report(stmt, {
          messageId: 'rename',
          data: { table: label(action.relation), to: `"${to}"` },
          help: `Keep the old name readable and writable during the deploy with an updatable view, and drop it once no running version uses it:\nCREATE VIEW ${action.relation?.sql ?? 'old_name'} AS SELECT * FROM ${quoteIdent(to)};`,
        });
      },
    };
  },
});
