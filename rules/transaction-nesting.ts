import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
import { txControl } from '../src/analysis/facts.js';

const ENDS = new Set(['commit', 'rollback']);
const BEGINS = new Set(['begin']);

export default defineRule({
  meta: {
    id: 'transaction-nesting',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      nested: '`BEGIN` inside a transaction that is already open does not start a new one: Postgres only warns, and the next `COMMIT` ends the outer transaction',
      endsWrapper: '`{{command}}` ends the transaction the migration tool opened for this file; the statements after it run outside any transaction, and the tool\'s own `COMMIT` finds none',
      reopened: '`{{command}}` ends the transaction the migration tool opened for this file, and the later `BEGIN` opens the one the tool commits: the statements before it stay applied if one after it fails, leaving the migration half done',
    },
    docs: {
      summary: 'Disallow nested `BEGIN` and transaction control inside a wrapped migration',
      what: 'Flags `BEGIN`/`START TRANSACTION` while a transaction is already open (an earlier `BEGIN`, or a file the migration tool runs in a transaction: `--assume-in-transaction`), and `COMMIT`/`ROLLBACK` in a file the tool wraps in a transaction.',
      why: 'Postgres has no nested transactions. A second `BEGIN` is ignored with a warning, so the first `COMMIT` commits everything and the statements the author meant to group are not grouped. In a file the tool wraps, a `COMMIT` ends the tool\'s transaction early: later statements lose atomicity, and a failure leaves the migration half applied. Use `SAVEPOINT` for nested rollback points.',
      example: {
        bad: 'BEGIN;\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;',
        good: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-begin.html',
        'https://www.postgresql.org/docs/current/sql-savepoint.html',
      ],
    },
  },
  create(ctx) {
    const ends: { stmt: AnalysedStatement; reopened: boolean }[] = [];
    return {
      TransactionStmt(stmt: AnalysedStatement) {
        const kind = txControl(stmt) ?? '';
        // In Postgres's implicit block for a multi-statement query string, BEGIN turns the block into a regular
        // transaction (earlier statements join it) and COMMIT ends it: nothing nests and nothing is lost.
        // https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
        if (stmt.tx.implicit && !stmt.tx.explicit) return;
        if (kind === 'begin' && stmt.tx.inTransaction) {
          ctx.report(stmt, {
            messageId: 'nested',
            help: stmt.tx.explicit
              ? 'Remove the inner BEGIN; use a savepoint if part of the work must be able to roll back on its own:\nSAVEPOINT before_change;'
              : 'Remove the BEGIN: the migration tool already runs this file in a transaction.',
          });
        } else if (ENDS.has(kind) && stmt.tx.inTransaction && !stmt.tx.explicit) {
          ends.push({ stmt, reopened: false });
        } else if (BEGINS.has(kind) && ends.length > 0) {
          // `COMMIT; …; BEGIN;`: the BEGIN opens the transaction the tool's own COMMIT then ends.
          ends[ends.length - 1].reopened = true;
        }
      },
      onFileEnd() {
        for (const { stmt, reopened } of ends) {
          ctx.report(stmt, {
            messageId: reopened ? 'reopened' : 'endsWrapper',
            data: { command: txControl(stmt) === 'commit' ? 'COMMIT' : 'ROLLBACK' },
            help: `Remove it and let the migration tool commit; if statements must run outside a transaction, move them to a migration the tool runs without one${stmt.tx.optOut ? `: ${stmt.tx.optOut}` : ''}.`,
          });
        }
      },
    };
  },
});
