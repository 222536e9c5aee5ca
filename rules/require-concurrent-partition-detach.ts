import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'require-concurrent-partition-detach',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    // DETACH PARTITION … CONCURRENTLY exists from PG 14.
    pgVersions: { min: 14 },
    fix: 'unsafe',
    messages: {
      blocking: '`DETACH PARTITION` {{partition}} takes {{lock}} on {{table}}, blocking {{blocked}} of the whole partitioned table while it waits for and holds the lock',
    },
    docs: {
      summary: 'Require `DETACH PARTITION … CONCURRENTLY` on existing partitioned tables',
      what: 'Flags `ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY` (PG 14+) on a partitioned table that was not created earlier in the same migration.',
      why: 'A plain `DETACH PARTITION` takes ACCESS EXCLUSIVE on the parent table: every query on any partition waits, and while the statement itself waits for running queries, every new query queues behind it. `DETACH PARTITION … CONCURRENTLY` (PG 14+) takes only SHARE UPDATE EXCLUSIVE on the parent and waits for running queries in two steps, so reads and writes continue.',
      example: {
        bad: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
        good: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
      },
      whenNotToUse: 'When the parent has a default partition: Postgres refuses `CONCURRENTLY` then.',
      fixSafety: 'Unsafe: pgsafe appends `CONCURRENTLY` (only outside a transaction, and only when it is the sole subcommand). Postgres refuses it if the table has a default partition, and an interrupted concurrent detach must be completed with `DETACH PARTITION … FINALIZE`.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION',
        'https://www.postgresql.org/docs/14/release-14.html',
      ],
    },
  },
  create(ctx) {
    return {
      'detach-partition'(action, stmt) {
        if (action.concurrently || ctx.isNew(action.relation)) return;
        const single = stmt.actions.length === 1;
        const inTx = stmt.tx.inTransaction;
        const t = action.relation?.sql ?? 'the_table';
        const part = action.column ?? 'the_partition';
        const partRel = (action.also ?? [])[0]?.rel;
        ctx.report(stmt, {
          messageId: 'blocking',
          data: { partition: label(partRel, `"${part}"`), table: label(action.relation), ...lockPhrase(stmt, action.relation) },
          span: action.span,
          help: `Detach it concurrently${inTx ? ", outside the migration's transaction (CONCURRENTLY cannot run in one)" : ''}:\nALTER TABLE ${t} DETACH PARTITION ${partRel?.sql ?? part} CONCURRENTLY;`,
          fix: single && !inTx ? { title: 'Add `CONCURRENTLY`', safety: 'unsafe', edits: [{ start: action.span.end, end: action.span.end, text: ' CONCURRENTLY' }] } : undefined,
        });
      },
    };
  },
});
