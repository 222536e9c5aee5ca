import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-vacuum-full',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    // From PG 19, prefer-repack reports VACUUM FULL instead (REPACK replaces it there).
    pgVersions: { max: 18 },
    fix: 'none',
    messages: {
      rewrite: '`VACUUM FULL` rewrites {{table}} and rebuilds its indexes while holding {{lock}}, blocking {{blocked}} for the whole copy',
    },
    docs: {
      summary: 'Disallow `VACUUM FULL` in migrations',
      what: 'Flags `VACUUM FULL` (and `VACUUM (FULL)`) on an existing table, or on the whole database, up to PG 18. From PG 19, `prefer-repack` reports it.',
      why: '`VACUUM FULL` writes a complete new copy of the table and of every index on it while holding ACCESS EXCLUSIVE, so every read and write waits for as long as the copy takes, and it needs free disk space for the whole copy. Plain `VACUUM` makes dead space reusable without blocking; shrinking a table online takes an extension such as pg_repack or pg_squeeze.',
      example: {
        bad: 'VACUUM FULL users;',
        good: 'VACUUM (ANALYZE) users;',
      },
      whenNotToUse: 'In a maintenance window, when the table really has to shrink on disk and no online tool is available.',
      references: [
        'https://www.postgresql.org/docs/current/sql-vacuum.html',
        'https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-SPACE-RECOVERY',
      ],
    },
  },
  create(ctx) {
    return {
      'vacuum-full'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        const t = action.relation?.sql;
        ctx.report(stmt, {
          messageId: 'rewrite',
          data: { table: label(action.relation, 'every table of the database'), ...lockPhrase(stmt, action.relation) },
          help: `Use plain VACUUM, which makes dead space reusable without blocking; to shrink the table on disk, use an online tool such as pg_repack outside the migration:\nVACUUM (ANALYZE)${t ? ` ${t}` : ''};`,
        });
      },
    };
  },
});
