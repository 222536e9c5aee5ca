import { defineRule } from '../src/engine/rule.js';
import { lockLabel } from '../src/engine/sql.js';
import { blockedText, blocksReads, blocksWrites, lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement, AnalysisSettings } from '../src/analysis/types.js';

/**
 * `SET LOCAL` where a transaction wraps the statement (the file's BEGIN, or the tool's), so the setting ends with it;
 * plain `SET` otherwise. A statement in a DO body counts as wrapped only when the file is: the preamble goes before
 * the DO, where the block's own transaction has not begun.
 */
export function setCommand(stmt: AnalysedStatement, settings: AnalysisSettings): 'SET' | 'SET LOCAL' {
  const tx = stmt.tx;
  if (!tx.inTransaction) return 'SET';
  if (!stmt.source.parent) return 'SET LOCAL';
  return tx.explicit || tx.implicit || tx.optOut !== undefined || settings.assumeInTransaction ? 'SET LOCAL' : 'SET';
}

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
      fixSafety: 'Unsafe: the fix inserts `SET lock_timeout = \'2s\';` before the statement (`SET LOCAL` when a transaction wraps it). A migration may then fail instead of waiting; run it with retries.',
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
        const set = setCommand(stmt, ctx.settings);
        ctx.report(stmt, {
          messageId: 'missing',
          data: { lock: lockSqlName(lock.mode), table: lockLabel(stmt, lock.rel), blocked: blockedText(lock.mode) },
          help: `Set a lock timeout before this statement${set === 'SET LOCAL' ? ', inside the transaction' : ''}, and retry the migration if it times out:\n${set} lock_timeout = '2s';`,
          fix: { title: 'Insert `SET lock_timeout`', safety: 'unsafe', edits: [{ start: stmt.source.start, end: stmt.source.start, text: `${set} lock_timeout = '2s';\n` }] },
        });
      },
      onFileEnd() {
        reported = false;
      },
    };
  },
});
