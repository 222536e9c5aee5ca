import { defineRule } from '../src/engine/rule.js';
import { lockLabel } from '../src/engine/sql.js';
import { blockedText, blocksReads, blocksWrites, lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'require-lock-timeout',
    category: 'lock',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'unsafe',
    // squawk's require-timeout-settings covers both timeouts: it names this rule and require-statement-timeout.
    aliases: ['require-timeout-settings'],
    messages: {
      missing: 'No `lock_timeout` is set: while this statement waits for {{lock}} on {{table}}, every later query on {{table}} queues behind it and {{blocked}} are blocked',
    },
    docs: {
      summary: 'Require a `lock_timeout` before statements that take blocking locks',
      what: 'Flags the first statement of a file that takes a lock blocking reads or writes on an existing table while no `lock_timeout` is in force (`SET lock_timeout`, or `SET LOCAL` inside the transaction).',
      why: 'A DDL statement waits for every transaction already holding a conflicting lock, and while it waits, every new query on the table queues behind it. An "instant" `ADD COLUMN` behind a long-running report takes the whole application down for as long as that report runs. A short `lock_timeout` makes the migration fail fast instead, so it can be retried.',
      example: {
        bad: 'ALTER TABLE users ADD COLUMN nickname text;',
        good: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
      },
      fixSafety: 'Unsafe: the fix inserts `SET lock_timeout = \'2s\';` before the statement. A migration may then fail instead of waiting; run it with retries.',
      references: [
        'https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT',
        'https://www.postgresql.org/docs/current/explicit-locking.html',
      ],
    },
  },
  create(ctx) {
    let reported = false;
    return {
      '*'(stmt: AnalysedStatement) {
        if (reported || stmt.timeouts.lockTimeoutMs !== null) return;
        // DML's own row locks (ROW EXCLUSIVE) block only DDL; the concern is locks that block the app.
        const lock = stmt.locks.find((l) => !l.isNew && (blocksReads(l.mode) || blocksWrites(l.mode)));
        if (!lock) return;
        reported = true;
        ctx.report(stmt, {
          messageId: 'missing',
          data: { lock: lockSqlName(lock.mode), table: lockLabel(stmt, lock.rel), blocked: blockedText(lock.mode) },
          help: `Set a lock timeout at the top of the migration, and retry the migration if it times out:\nSET lock_timeout = '2s';`,
          fix: { title: 'Insert `SET lock_timeout`', safety: 'unsafe', edits: [{ start: stmt.source.start, end: stmt.source.start, text: "SET lock_timeout = '2s';\n" }] },
        });
      },
      onFileEnd() {
        reported = false;
      },
    };
  },
});
