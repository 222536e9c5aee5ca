import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-cluster',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    // From PG 19, prefer-repack reports CLUSTER instead (REPACK … USING INDEX replaces it there).
    pgVersions: { max: 18 },
    fix: 'none',
    messages: {
      rewrite: '`CLUSTER` rewrites {{table}} in index order and rebuilds its indexes while holding {{lock}}, blocking {{blocked}} for the whole copy',
    },
    docs: {
      summary: 'Disallow `CLUSTER` in migrations',
      what: 'Flags `CLUSTER` on an existing table, and `CLUSTER` without a table (every previously clustered table), up to PG 18. From PG 19, `prefer-repack` reports it.',
      why: '`CLUSTER` writes a complete new copy of the table, sorted by the index, and rebuilds every index, all while holding ACCESS EXCLUSIVE: every read and write of the table waits for the whole copy. The order it creates is not maintained for new rows, so it is rarely worth an outage; pg_repack can reorder a table online.',
      example: {
        bad: 'CLUSTER users USING users_created_at_idx;',
        good: '-- reorder online outside the migration, e.g. pg_repack --table=users --order-by=created_at\nANALYZE users;',
      },
      whenNotToUse: 'In a maintenance window, on a table whose physical order matters enough to block it.',
      references: [
        'https://www.postgresql.org/docs/current/sql-cluster.html',
      ],
    },
  },
  create(ctx) {
    return {
      cluster(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        const t = action.relation?.sql ?? '<table>';
        ctx.report(stmt, {
          messageId: 'rewrite',
          data: { table: label(action.relation, 'every clustered table'), ...lockPhrase(stmt, action.relation) },
          help: `Remove it from the migration; if the table must be reordered, do it online with an extension such as pg_repack, and keep statistics fresh instead:\nANALYZE ${t};`,
        });
      },
    };
  },
});
