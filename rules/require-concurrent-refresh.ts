import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { insertAfterKeyword, label, withInserted } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-refresh',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'unsafe',
    messages: {
      blocking: '`REFRESH MATERIALIZED VIEW` {{view}} takes {{lock}} on it, blocking {{blocked}} of the view until the whole query has run again',
    },
    docs: {
      summary: 'Require `REFRESH MATERIALIZED VIEW CONCURRENTLY` for existing materialized views',
      what: 'Flags `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` on a materialized view that was not created earlier in the same migration. `WITH NO DATA` is not flagged (it cannot be concurrent).',
      why: 'A plain refresh holds ACCESS EXCLUSIVE on the materialized view while its defining query runs again from scratch, so every `SELECT` on the view waits for that long. `CONCURRENTLY` computes the new contents beside the old ones and applies the difference under EXCLUSIVE, which lets reads continue. It needs a unique index on the view, and the view must already be populated.',
      example: {
        bad: 'REFRESH MATERIALIZED VIEW order_totals;',
        good: 'CREATE UNIQUE INDEX CONCURRENTLY order_totals_user_id_idx ON order_totals (user_id);\nREFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;',
      },
      whenNotToUse: 'For a view nobody reads yet, or when the refresh is quick and the brief block is acceptable.',
      fixSafety: 'Unsafe: pgsafe inserts `CONCURRENTLY`, which Postgres refuses unless the view has a unique index on plain columns and is already populated.',
      references: [
        'https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html',
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
      ],
    },
  },
  create(ctx) {
    return {
      'refresh-matview'(action, stmt) {
        if (action.concurrently || !action.withData || ctx.isNew(action.relation)) return;
        const edit = insertAfterKeyword(stmt, 'VIEW', 'CONCURRENTLY');
        const hasUnique = !!action.relation && ctx.schema.indexesOn(action.relation).some((i) => i.unique);
        const v = action.relation?.sql ?? 'the_view';
        ctx.report(stmt, {
          messageId: 'blocking',
          data: { view: label(action.relation, 'the view'), ...lockPhrase(stmt, action.relation) },
          help: hasUnique
            ? `Refresh it concurrently so reads continue:\n${withInserted(stmt, 'VIEW', 'CONCURRENTLY')};`
            : `Give the view a unique index, then refresh it concurrently so reads continue:\nCREATE UNIQUE INDEX CONCURRENTLY ${action.relation?.name ?? 'the_view'}_key_idx ON ${v} (<unique columns>);\n${withInserted(stmt, 'VIEW', 'CONCURRENTLY')};`,
          // Without a unique index REFRESH … CONCURRENTLY fails: no fix when the view is known to have none.
          fix: edit && (hasUnique || !ctx.schema.table(action.relation)) ? { title: 'Add `CONCURRENTLY`', safety: 'unsafe', edits: [edit] } : undefined,
        });
      },
    };
  },
});
