import { defineRule } from '../src/engine/rule.js';
import { insertAfterKeyword, label, withInserted } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-index-creation',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'safe',
    // A plain index build after a lock in the same transaction: building it concurrently (outside the
    // transaction) also ends the held lock's extension, so lock-held-across-statements is a note here.
    subsumes: ['lock-held-across-statements'],
    messages: {
      blocking: '`CREATE INDEX` on {{table}} takes a SHARE lock and blocks writes to it until the whole index is built',
    },
    docs: {
      summary: 'Require `CREATE INDEX CONCURRENTLY` on existing tables',
      what: 'Flags `CREATE INDEX` without `CONCURRENTLY` on a table that was not created earlier in the same migration.',
      why: 'A plain `CREATE INDEX` holds a SHARE lock on the table for the whole build. Reads continue, but every INSERT, UPDATE and DELETE waits, for as long as it takes to scan and sort the table: seconds to minutes on a large table. `CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE instead and lets writes continue.',
      example: {
        bad: 'CREATE INDEX users_email_idx ON users (email);',
        good: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      },
      whenNotToUse: 'On a table that is known to be empty or tiny, or during a maintenance window.',
      fixSafety: 'Safe outside a transaction. Inside one, pgsafe does not add `CONCURRENTLY`, because Postgres refuses it in a transaction block.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
      ],
    },
  },
  create(ctx) {
    return {
      'create-index'(action, stmt) {
        if (action.concurrently || ctx.isNew(action.relation)) return;
        const good = withInserted(stmt, 'INDEX', 'CONCURRENTLY');
        const edit = insertAfterKeyword(stmt, 'INDEX', 'CONCURRENTLY');
        const inTx = stmt.tx.inTransaction;
        ctx.report(stmt, {
          messageId: 'blocking',
          data: { table: label(action.relation) },
          help: inTx
            ? `Build it concurrently, outside the migration's transaction (CONCURRENTLY cannot run in one):\n${good};`
            : `Build it without blocking writes:\n${good};`,
          fix: edit && !inTx ? { title: 'Add `CONCURRENTLY`', safety: 'safe', edits: [edit] } : undefined,
        });
      },
    };
  },
});
