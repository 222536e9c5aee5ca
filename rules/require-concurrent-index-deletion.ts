import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { insertAfterKeyword, label, withInserted } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-deletion',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'safe',
    messages: {
      blocking: '`DROP INDEX` takes {{aLock}} on {{table}}, blocking its {{blocked}} while it waits for and holds the lock',
    },
    docs: {
      summary: 'Require `DROP INDEX CONCURRENTLY`',
      what: 'Flags `DROP INDEX` without `CONCURRENTLY`, unless the index belongs to a table created earlier in the same migration.',
      why: 'A plain `DROP INDEX` takes ACCESS EXCLUSIVE on the index\'s table. The drop itself is quick, but the lock waits behind every running query on the table, and all new reads and writes queue behind it. `DROP INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE and waits for conflicting transactions without blocking them.',
      example: {
        bad: 'DROP INDEX users_email_idx;',
        good: 'DROP INDEX CONCURRENTLY users_email_idx;',
      },
      fixSafety: 'Safe outside a transaction. `DROP INDEX CONCURRENTLY` cannot run inside a transaction block, drop more than one index, or use CASCADE.',
      references: ['https://www.postgresql.org/docs/current/sql-dropindex.html'],
    },
  },
  create(ctx) {
    return {
      'drop-index'(action, stmt) {
        if (action.concurrently || ctx.isNew(action.relation)) return;
        const tableKnown = !!action.relation && action.relation.name !== action.column;
        const edit = insertAfterKeyword(stmt, 'INDEX', 'CONCURRENTLY');
        const single = action.count === 1 && !action.cascade;
        ctx.report(stmt, {
          messageId: 'blocking',
          data: { table: tableKnown ? label(action.relation) : 'its table', ...lockPhrase(stmt, action.relation) },
          help: `Drop it without blocking the table${stmt.tx.inTransaction ? ', outside the migration\'s transaction' : ''}:\n${withInserted(stmt, 'INDEX', 'CONCURRENTLY')};`,
          fix: edit && single && !stmt.tx.inTransaction ? { title: 'Add `CONCURRENTLY`', safety: 'safe', edits: [edit] } : undefined,
        });
      },
    };
  },
});
