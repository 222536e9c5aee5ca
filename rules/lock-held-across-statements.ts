import { defineRule } from '../src/engine/rule.js';
import { label, lockLabel } from '../src/engine/sql.js';
import { blockedText, blocksReads, blocksWrites, costText, LOCK_MODES } from '../src/analysis/locks.js';
import { lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

// Statements that run for as long as the data makes them: queries over tables, INSERT … SELECT, UPDATE and
// DELETE not bounded by a key, COPY, CALL and DO (their bodies are unseen), and anything that scans,
// rewrites or indexes an existing table. `INSERT … VALUES`, a keyed UPDATE and `SELECT setval(…)` are quick.
function openEnded(stmt: AnalysedStatement): boolean {
  // Statements touching only system catalogs (`UPDATE pg_index …`) are quick bookkeeping.
  const rels = stmt.actions.map((a) => a.relation).filter((r) => !!r);
  if (rels.length > 0 && rels.every((r) => r!.schema === 'pg_catalog' || /^pg_/.test(r!.name))) return false;
  switch (stmt.kind) {
    case 'SelectStmt':
      return stmt.actions.some((a) => a.type === 'select' && a.role !== 'read' && !!a.fromQuery);
    case 'InsertStmt':
      return stmt.actions.some((a) => a.type === 'insert' && !a.viaCte && !!a.fromQuery);
    case 'UpdateStmt':
    case 'DeleteStmt':
      return stmt.actions.some((a) => (a.type === 'update' || a.type === 'delete') && a.filter !== 'selective');
    case 'MergeStmt':
    case 'CopyStmt':
    case 'CallStmt':
    case 'DoStmt':
    case 'RefreshMatViewStmt':
    case 'CreateTableAsStmt':
      return true;
    default:
      return false;
  }
}

export default defineRule({
  meta: {
    id: 'lock-held-across-statements',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      held: '{{lock}} on {{table}}{{others}}, taken by an earlier statement of this transaction, is held until COMMIT: {{blocked}} of {{table}} stay blocked while this statement {{work}}',
    },
    docs: {
      summary: 'Disallow long-running statements after a blocking lock in the same transaction',
      what: 'In a transaction (explicit `BEGIN`, or a file the migration tool wraps in one), flags the first statement that scans, rewrites or builds an index on an existing table, or runs an unbounded query or data change (a query over tables, `INSERT … SELECT`, an UPDATE or DELETE not bounded by a key, `DO`, `CALL`), after an earlier statement of the same transaction took a lock that blocks reads or writes of an existing table that this statement does not lock as strongly itself. It is reported once per transaction, naming the strongest lock held.',
      why: 'Postgres releases table locks only at COMMIT or ROLLBACK. A quick `ALTER TABLE` that takes ACCESS EXCLUSIVE is harmless on its own, but every statement that runs after it in the same transaction extends the time that all reads and writes of that table wait. A backfill or an index build after it turns a millisecond lock into an outage as long as the whole migration.',
      example: {
        bad: "BEGIN;\nALTER TABLE authors ADD COLUMN created_at timestamptz;\nUPDATE authors SET created_at = now() WHERE created_at IS NULL;\nCOMMIT;",
        good: "BEGIN;\nALTER TABLE authors ADD COLUMN created_at timestamptz;\nCOMMIT;\nUPDATE authors SET created_at = now() WHERE created_at IS NULL;",
      },
      whenNotToUse: 'When the earlier lock is taken on purpose to make the whole migration atomic and the table is small.',
      references: [
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
        'https://www.postgresql.org/docs/current/sql-begin.html',
      ],
    },
  },
  create(ctx) {
    // One finding per transaction: the fix (end the transaction after the locking statement) is one change.
    const reported = new Set<string>();
    // Statements by index, to name a held lock by the statement that took it.
    const taken = new Map<number, AnalysedStatement>();
    return {
      '*'(stmt: AnalysedStatement) {
        if (stmt.tx.inTransaction) taken.set(stmt.source.index, stmt);
        if (!stmt.tx.inTransaction || stmt.tx.held.length === 0) return;
        if (stmt.kind === 'TransactionStmt' || stmt.kind === 'VariableSetStmt' || stmt.kind === 'VariableShowStmt') return;
        const heavy = stmt.cost === 'scan' || stmt.cost === 'rewrite' || stmt.cost === 'index-build';
        if (!heavy && !openEnded(stmt)) return;
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
        const key = `${stmt.file}\0${stmt.tx.id}`;
        if (blocking.length === 0 || reported.has(key)) return;
        reported.add(key);
        blocking.sort((a, b) => LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode));
        const lock = blocking[0];
        const tables = new Set(blocking.map((l) => l.rel.key)).size;
        const work = heavy ? costText(stmt.cost).replace(/the whole table/, `the whole of ${label(stmt.locks.find((l) => !l.isNew)?.rel)}`) : 'runs';
        ctx.report(stmt, {
          messageId: 'held',
          data: { lock: lockSqlName(lock.mode), table: lockLabel(taken.get(lock.statement) ?? stmt, lock.rel), others: tables > 1 ? ` (and locks on ${tables - 1} other table${tables > 2 ? 's' : ''})` : '', blocked: blockedText(lock.mode), work },
          // In a file the tool wraps, COMMIT/BEGIN would end the tool's transaction (transaction-nesting): split the file instead.
          help: stmt.tx.explicit
            ? `End the transaction right after the statement that takes the lock, and run this one in its own transaction:\nCOMMIT;\nBEGIN;\n${stmt.source.text.trim()};`
            : `Move this statement to a later migration file, so it runs after the transaction holding the lock on ${label(lock.rel)} has committed:\n${stmt.source.text.trim()};`,
        });
      },
    };
  },
});
