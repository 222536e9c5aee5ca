import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { blockedText, blocksReads, blocksWrites, costText, LOCK_MODES } from '../src/analysis/locks.js';
import { lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

// Statements that run for as long as the data makes them: queries and data changes, CALL and DO
// (their bodies are unseen), and anything that scans, rewrites or indexes an existing table.
const OPEN_ENDED = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'CallStmt', 'DoStmt', 'RefreshMatViewStmt', 'CreateTableAsStmt']);

export default defineRule({
  meta: {
    id: 'lock-held-across-statements',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      held: '{{lock}} on {{table}}, taken by an earlier statement of this transaction, is held until COMMIT: {{blocked}} of {{table}} stay blocked while this statement {{work}}',
    },
    docs: {
      summary: 'Disallow long-running statements after a blocking lock in the same transaction',
      what: 'In a transaction (explicit `BEGIN`, or a file the migration tool wraps in one), flags a statement that scans, rewrites or builds an index on an existing table, or runs a query or data change, after an earlier statement of the same transaction took a lock that blocks reads or writes of an existing table.',
      why: 'Postgres releases table locks only at COMMIT or ROLLBACK. A quick `ALTER TABLE` that takes ACCESS EXCLUSIVE is harmless on its own, but every statement that runs after it in the same transaction extends the time that all reads and writes of that table wait. A backfill or an index build after it turns a millisecond lock into an outage as long as the whole migration.',
      example: {
        bad: "BEGIN;\nALTER TABLE authors ADD COLUMN created_at timestamptz;\nUPDATE authors SET created_at = now() WHERE id BETWEEN 1 AND 1000;\nCOMMIT;",
        good: "BEGIN;\nALTER TABLE authors ADD COLUMN created_at timestamptz;\nCOMMIT;\nUPDATE authors SET created_at = now() WHERE id BETWEEN 1 AND 1000;",
      },
      whenNotToUse: 'When the earlier lock is taken on purpose to make the whole migration atomic and the table is small.',
      references: [
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
        'https://www.postgresql.org/docs/current/sql-begin.html',
      ],
    },
  },
  create(ctx) {
    return {
      '*'(stmt: AnalysedStatement) {
        if (!stmt.tx.inTransaction || stmt.tx.held.length === 0) return;
        if (stmt.kind === 'TransactionStmt' || stmt.kind === 'VariableSetStmt' || stmt.kind === 'VariableShowStmt') return;
        const heavy = stmt.cost === 'scan' || stmt.cost === 'rewrite' || stmt.cost === 'index-build';
        if (!heavy && !OPEN_ENDED.has(stmt.kind)) return;
        // The strongest blocking lock held, preferring one on a table this statement does not itself lock
        // (that lock is the one the statement extends; its own lock is reported by other rules).
        // A held lock that this statement takes at least as strongly itself is not extended by the earlier
        // statement: the statement blocks that table on its own, and the rule for it says so.
        const ownStrongest = (key: string) => stmt.locks.find((l) => l.rel.key === key)?.mode;
        const blocking = stmt.tx.held.filter((l) => {
          if (l.isNew || ctx.isNew(l.rel) || !(blocksReads(l.mode) || blocksWrites(l.mode))) return false;
          const own = ownStrongest(l.rel.key);
          return !own || LOCK_MODES.indexOf(own) < LOCK_MODES.indexOf(l.mode);
        });
        if (blocking.length === 0) return;
        blocking.sort((a, b) => LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode));
        const lock = blocking[0];
        const work = heavy ? costText(stmt.cost).replace(/the whole table/, `the whole of ${label(stmt.locks.find((l) => !l.isNew)?.rel)}`) : 'runs';
        ctx.report(stmt, {
          messageId: 'held',
          data: { lock: lockSqlName(lock.mode), table: label(lock.rel), blocked: blockedText(lock.mode), work },
          help: `End the transaction right after the statement that takes the lock, and run this one in its own transaction:\nCOMMIT;\nBEGIN;\n${stmt.source.text.trim()};`,
        });
      },
    };
  },
});
