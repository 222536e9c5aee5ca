import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import type { Action, AnalysedStatement } from '../src/analysis/types.js';

// squawk's conformance case 32 runs `VACUUM FULL foo;` with pg_version 19 and expects prefer-repack:
// PG 19 adds the REPACK command, which replaces VACUUM FULL and CLUSTER. Below 19 there is no REPACK
// to prefer, so ban-vacuum-full and ban-cluster report these statements there (pgVersions max 18),
// and from 19 this rule takes over: exactly one finding per statement on either side of the boundary.
export default defineRule({
  meta: {
    id: 'prefer-repack',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    pgVersions: { min: 19 },
    fix: 'none',
    messages: {
      repack: '`{{command}}` rewrites {{table}} while holding {{lock}}, blocking {{blocked}} for the whole copy; from PG 19 `REPACK` replaces it',
    },
    docs: {
      summary: 'Prefer `REPACK` over `VACUUM FULL` and `CLUSTER` (PG 19+)',
      what: 'From PG 19, flags `VACUUM FULL` and `CLUSTER` on an existing table (or on all tables). Up to PG 18, `ban-vacuum-full` and `ban-cluster` report them.',
      why: '`VACUUM FULL` and `CLUSTER` write a complete new copy of the table and its indexes while holding ACCESS EXCLUSIVE, so every read and write waits for the whole copy. PG 19 adds `REPACK`, the one command for both (`REPACK table` compacts, `REPACK table USING INDEX` reorders); with its `CONCURRENTLY` option the copy is built under SHARE UPDATE EXCLUSIVE while changes are captured by logical decoding, and ACCESS EXCLUSIVE is held only briefly for the final swap, so reads and writes continue. It uses a replication slot while it runs.',
      example: {
        bad: 'VACUUM FULL users;',
        good: 'REPACK (CONCURRENTLY) users;',
      },
      whenNotToUse: 'In a maintenance window where blocking the table is accepted.',
      references: [
        'https://www.postgresql.org/docs/devel/sql-repack.html',
        'https://www.postgresql.org/docs/current/sql-vacuum.html',
      ],
    },
  },
  create(ctx) {
    const check = (command: string) => (action: Action, stmt: AnalysedStatement) => {
      if (ctx.isNew(action.relation)) return;
      const t = action.relation?.sql ?? '<table>';
      const using = action.type === 'cluster' && action.index ? ` USING INDEX ${action.index}` : '';
      ctx.report(stmt, {
        messageId: 'repack',
        data: { command, table: label(action.relation, 'every table'), ...lockPhrase(stmt, action.relation) },
        help: `Use REPACK, concurrently so reads and writes continue:\nREPACK (CONCURRENTLY) ${t}${using};`,
      });
    };
    return { 'vacuum-full': check('VACUUM FULL'), cluster: check('CLUSTER') };
  },
});
